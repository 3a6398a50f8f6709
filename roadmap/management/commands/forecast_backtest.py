"""Score the forecasts against what happened after a past day."""

import datetime
import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from roadmap import selectors
from roadmap.forecasts.backtest import backtest
from roadmap.models import Authority


def _day(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--as-of takes a day as YYYY-MM-DD, not {text!r}.") from None


def _share(value) -> str:
    return "-" if value is None else f"{value:.3f}"


class Command(BaseCommand):
    help = (
        "Forecast every milestone open on --as-of from what was observed by then, and print how "
        "many outcomes fell on or before the P50 and P80 dates, overall and per authority."
    )

    def add_arguments(self, parser):
        parser.add_argument("--as-of", required=True, type=_day, help="YYYY-MM-DD")
        parser.add_argument(
            "--json", action="store_true", dest="as_json", help="Print one JSON object."
        )

    def handle(self, *args, as_of, as_json: bool = False, **options):
        today = timezone.localdate()
        if as_of >= today:
            raise CommandError("--as-of must be in the past: the backtest scores what followed.")
        names = dict(Authority.objects.values_list("pk", "acronym"))
        result = backtest(
            selectors.forecast_histories(), as_of=as_of, end=today, authority_names=names
        )
        if as_json:
            self.stdout.write(json.dumps({"as_of": as_of.isoformat(), **result.as_dict()}))
            return
        overall = result.overall
        self.stdout.write(
            f"As of {as_of}: {result.forecasts} forecasts, n={overall.n} "
            f"p50_coverage={_share(overall.share('p50'))} "
            f"p80_coverage={_share(overall.share('p80'))}"
        )
        for name, coverage in sorted(result.by_authority.items()):
            self.stdout.write(
                f"  {name}: n={coverage.n} p50_coverage={_share(coverage.share('p50'))} "
                f"p80_coverage={_share(coverage.share('p80'))}"
            )
