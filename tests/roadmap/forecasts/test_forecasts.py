"""Forecasts from the tracker's own history: stored, refreshed, honest about too little data."""

import datetime
import json
import random

import pytest
from django.core.management import call_command
from django.utils import timezone

from roadmap import services
from roadmap.forecasts.backtest import forecasts_as_of
from roadmap.forecasts.forecast import MIN_OUTCOMES, step_of
from roadmap.forecasts.history import Observation
from roadmap.forecasts.tasks import forecasts_refresh
from roadmap.models import Forecast, ForecastGroup, Status
from roadmap.selectors import forecast_histories
from roadmap.targets import Target
from tests.factories import AuthorityFactory, WorkstreamFactory

pytestmark = pytest.mark.django_db
UTC = datetime.UTC
TODAY = timezone.localdate()


def moment(day: datetime.date) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, 12, tzinfo=UTC)


def completed_history(
    count: int, *, authority, workstream, seed=1, late_days=(0, 200), days_ago=(500, 900)
):
    """Final rules tracked from a past day, each completed some days after its target."""
    rng = random.Random(seed)
    for number in range(count):
        seen = TODAY - datetime.timedelta(days=rng.randint(*days_ago))
        target = Target.on_day(seen + datetime.timedelta(days=rng.randint(30, 200)))
        milestone = services.milestone_create(
            workstream=workstream,
            authority=authority,
            title=f"Final rule {number}",
            target=target,
            at=moment(seen),
        )
        done = target.end + datetime.timedelta(days=rng.randint(*late_days))
        services.milestone_record_update(
            milestone=milestone,
            status=Status.COMPLETED,
            actual_date=done,
            at=moment(done),
            observed_at=moment(done),
        )


@pytest.fixture
def place():
    authority = AuthorityFactory(acronym="SEC")
    return {"authority": authority, "workstream": WorkstreamFactory(roadmap__authority=authority)}


def open_final_rule(place, end):
    return services.milestone_create(
        title="Final rule on custody", target=Target.on_day(end), **place
    )


def test_the_kind_of_step_is_read_from_the_title():
    assert step_of("NPRM Comment Period End") == "comment_period"
    assert step_of("Final Rule") == "final_rule"
    assert step_of("NPRM") == "proposed_rule"
    assert step_of("Staff report on tokenisation") == "report"


def test_with_too_few_comparable_outcomes_there_is_no_forecast(place):
    completed_history(MIN_OUTCOMES - 1, **place)
    milestone = open_final_rule(place, TODAY + datetime.timedelta(days=60))

    forecasts_refresh()

    forecast = Forecast.objects.get(milestone=milestone)
    assert forecast.p50 is None and forecast.p80 is None
    assert forecast.outcomes == MIN_OUTCOMES - 1


def test_enough_outcomes_give_p50_and_p80_from_the_same_authority(place):
    completed_history(40, **place, late_days=(10, 100))
    end = TODAY + datetime.timedelta(days=60)
    milestone = open_final_rule(place, end)

    assert forecasts_refresh() == 1

    forecast = Forecast.objects.get(milestone=milestone)
    assert forecast.level == "authority" and forecast.step == "final_rule"
    assert forecast.outcomes == 40 and forecast.sample_size == 41  # the open one, censored
    assert end + datetime.timedelta(days=10) <= forecast.p50 <= forecast.p80
    assert forecast.p80 <= end + datetime.timedelta(days=100)
    assert forecast.late_since is not None  # P80 is after the target's period
    assert ForecastGroup.objects.filter(key__startswith="a:").exists()


def test_an_overdue_milestone_is_forecast_after_today(place):
    completed_history(40, **place, late_days=(0, 120))
    milestone = open_final_rule(place, TODAY - datetime.timedelta(days=90))

    forecasts_refresh()

    forecast = Forecast.objects.get(milestone=milestone)
    assert forecast.p50 >= TODAY - datetime.timedelta(days=1)


def test_a_change_refreshes_the_forecast_from_the_stored_groups(place):
    completed_history(40, **place, late_days=(10, 100))
    milestone = open_final_rule(place, TODAY + datetime.timedelta(days=60))
    forecasts_refresh()
    before = Forecast.objects.get(milestone=milestone).p50

    services.milestone_move_target(
        milestone=milestone, target=Target.on_day(TODAY + datetime.timedelta(days=160))
    )

    assert Forecast.objects.get(milestone=milestone).p50 == before + datetime.timedelta(days=100)
    services.milestone_change_status(milestone=milestone, status=Status.CANCELLED)
    assert not Forecast.objects.filter(milestone=milestone).exists()


def test_the_backtest_never_sees_what_was_observed_after_its_day(place):
    completed_history(60, **place, seed=3)
    as_of = TODAY - datetime.timedelta(days=300)
    before = forecasts_as_of(forecast_histories(), as_of)
    # What the future brings: more outcomes, and a change to a milestone open on the day.
    completed_history(30, **place, seed=4, days_ago=(30, 290))
    open_one = next(m for m, r in before.items() if r.p50 is not None)
    services.milestone_record_update(
        milestone=services.Milestone.objects.get(pk=open_one),
        status=Status.COMPLETED,
        actual_date=TODAY,
    )

    after = forecasts_as_of(forecast_histories(), as_of)

    assert {m: r for m, r in after.items() if m in before} == before
    assert set(after) >= set(before)


def test_observations_count_from_when_their_source_published_them(place):
    published = datetime.datetime(2025, 4, 1, tzinfo=UTC)
    milestone = services.milestone_create(
        title="Final rule", target=Target.parse("Q3 2025"), observed_at=published, **place
    )
    [history] = [h for h in forecast_histories() if h.milestone == milestone.pk]
    assert history.observations[0] == Observation(
        datetime.date(2025, 4, 1), Target.parse("Q3 2025"), Status.PLANNED
    )


def test_the_backtest_command_prints_coverage_overall_and_per_authority(place):
    completed_history(60, **place, seed=5)
    as_of = (TODAY - datetime.timedelta(days=450)).isoformat()

    call_command("forecast_backtest", "--as-of", as_of, "--json", stdout=(out := _Out()))

    result = json.loads(out.text)
    assert set(result) >= {"n", "p50_coverage", "p80_coverage", "authorities"}
    assert result["as_of"] == as_of and "SEC" in result["authorities"]


class _Out:
    def __init__(self):
        self.text = ""

    def write(self, text):
        self.text += text
