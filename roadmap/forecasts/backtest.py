"""Score the forecaster against what happened: forecast as of a past day, compare with outcomes.

Only what was observed on or before the day trains and feeds the forecasts. Each forecast is then
scored against the whole history: an outcome on or before the P50 date covers it; a milestone
completed after it, or still open after it at the end of the history, misses it; one still open
before it is censored for that quantile and not counted.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from roadmap.forecasts.forecast import Facts, Result, curves, forecast
from roadmap.forecasts.history import History, snapshots, state_on
from roadmap.models import Status


@dataclass
class Coverage:
    """How many forecasts were scored, and the share of outcomes on or before P50 and P80."""

    n: int = 0
    hits: dict[str, int] = field(default_factory=lambda: {"p50": 0, "p80": 0})
    scored: dict[str, int] = field(default_factory=lambda: {"p50": 0, "p80": 0})

    def add(self, quantile: str, hit: bool | None) -> None:
        if hit is not None:
            self.scored[quantile] += 1
            self.hits[quantile] += int(hit)

    def share(self, quantile: str) -> float | None:
        scored = self.scored[quantile]
        return round(self.hits[quantile] / scored, 3) if scored else None

    def as_dict(self) -> dict:
        return {
            "n": self.n,
            "p50_coverage": self.share("p50"),
            "p80_coverage": self.share("p80"),
        }


def _hit(day: datetime.date, actual: datetime.date | None, end: datetime.date) -> bool | None:
    if actual is not None:
        return actual <= day
    return False if end > day else None


@dataclass
class Backtest:
    overall: Coverage
    by_authority: dict[str, Coverage]
    forecasts: int

    def as_dict(self) -> dict:
        return {
            **self.overall.as_dict(),
            "forecasts": self.forecasts,
            "authorities": {name: c.as_dict() for name, c in sorted(self.by_authority.items())},
        }


def forecasts_as_of(histories: Iterable[History], as_of: datetime.date) -> dict[int, Result]:
    """Forecast every milestone open and dated on ``as_of`` from what was observed by then."""
    histories = list(histories)
    known_curves = curves(snapshots(histories, as_of))
    results = {}
    for history in histories:
        then = state_on(history, as_of)
        if then is None or not then.is_open or then.target is None:
            continue
        target = then.target
        results[history.milestone] = forecast(
            facts=Facts(
                history.authority, history.jurisdiction, history.step, target.precision.value
            ),
            target_end=target.span()[1],
            slipped=then.slipped,
            aged=then.aged,
            today=as_of,
            curves=known_curves,
        )
    return results


def backtest(
    histories: Iterable[History],
    *,
    as_of: datetime.date,
    end: datetime.date,
    authority_names: Mapping[int, str],
) -> Backtest:
    """Forecast what was open and dated on ``as_of``; score it against the history to ``end``."""
    by_milestone = {history.milestone: history for history in histories}
    overall, made = Coverage(), 0
    by_authority: defaultdict[str, Coverage] = defaultdict(Coverage)
    for milestone, result in forecasts_as_of(by_milestone.values(), as_of).items():
        if result.p50 is None or result.p80 is None:
            continue
        made += 1
        history = by_milestone[milestone]
        final = state_on(history, None)
        if final is None or final.status == Status.CANCELLED:
            continue
        actual = final.actual_date if final.status == Status.COMPLETED else None
        scores = {"p50": _hit(result.p50, actual, end), "p80": _hit(result.p80, actual, end)}
        if all(score is None for score in scores.values()):
            continue
        name = authority_names.get(history.authority, str(history.authority))
        for coverage in (overall, by_authority[name]):
            coverage.n += 1
            for quantile, score in scores.items():
                coverage.add(quantile, score)
    return Backtest(overall, dict(by_authority), made)
