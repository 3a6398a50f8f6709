"""Scorecards: how often an authority (or a jurisdiction) did what it planned by the end of the
first period it published for it, how late it was, and how that changes from year to year.

A milestone counts once its first published deadline (the end of its baseline, unless that target
was only "not before" a day) has passed, or once it is done. Done by that day is on time; the
slip is how many days after it the milestone was done. A milestone still open past it is late
and its slip is censored (at least the days since), not dropped, so the median slip is the
Kaplan-Meier median, as in the forecasts. Cancelled milestones, undated ones and open ones their
source no longer lists are not counted.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from roadmap.forecasts.forecast import kaplan_meier
from roadmap.models import Status

# A year enters the trend with at least this many milestones due in it.
TREND_MIN_DUE = 5
# A change of the on-time rate smaller than this between the last two such years is steady.
TREND_STEP = 0.1


class Trend:
    BETTER = "better"
    WORSE = "worse"
    STEADY = "steady"
    UNKNOWN = ""


@dataclass(frozen=True)
class Record:
    """One milestone as a scorecard reads it."""

    deadline: datetime.date | None
    status: str
    actual_date: datetime.date | None
    listed: bool = True


@dataclass(frozen=True)
class Figures:
    """The milestones that count, how many of them were on time, and the median slip in days
    (negative: early; ``None`` while more than half are still open and late)."""

    due: int
    on_time: int
    median_slip: int | None

    @property
    def on_time_rate(self) -> float | None:
        return round(self.on_time / self.due, 3) if self.due else None

    @property
    def on_time_percent(self) -> int | None:
        return round(100 * self.on_time / self.due) if self.due else None

    @property
    def slip_in_words(self) -> str:
        return slip_words(self.median_slip)


@dataclass(frozen=True)
class Year(Figures):
    """The figures of the milestones whose first published deadline fell in ``year``."""

    year: int = 0


@dataclass(frozen=True)
class Scorecard(Figures):
    """The figures over every year, the count of milestones tracked and the trend by year."""

    milestones: int = 0
    years: tuple[Year, ...] = ()
    trend: str = Trend.UNKNOWN

    @property
    def trend_in_words(self) -> str:
        return trend_words(self.trend)


def deadline_of(baseline: dict | None) -> datetime.date | None:
    """The last day of a stored first published target, or ``None`` if it set no deadline."""
    if not baseline or not baseline.get("end") or baseline.get("qualifier") == "not_before":
        return None
    return datetime.date.fromisoformat(baseline["end"])


def _outcome(record: Record, today: datetime.date) -> tuple[int, bool] | None:
    """``(slip_days, known)`` of a milestone that counts, else ``None``."""
    if record.deadline is None or record.status == Status.CANCELLED:
        return None
    if record.status == Status.COMPLETED and record.actual_date is not None:
        return (record.actual_date - record.deadline).days, True
    if record.listed and record.deadline < today:
        return (today - record.deadline).days, False
    return None


def _figures(outcomes: list[tuple[int, bool]]) -> tuple[int, int, int | None]:
    on_time = sum(1 for slip, known in outcomes if known and slip <= 0)
    median = None
    if outcomes:
        curve = kaplan_meier(outcomes)
        median = curve.quantile(0.5, not_before=min(slip for slip, _known in outcomes))
    return len(outcomes), on_time, median


def _trend(years: list[Year]) -> str:
    rates = [
        rate
        for year in years
        if year.due >= TREND_MIN_DUE and (rate := year.on_time_rate) is not None
    ]
    if len(rates) < 2:
        return Trend.UNKNOWN
    change = rates[-1] - rates[-2]
    if change >= TREND_STEP:
        return Trend.BETTER
    if change <= -TREND_STEP:
        return Trend.WORSE
    return Trend.STEADY


def scorecard(records: Iterable[Record], today: datetime.date) -> Scorecard:
    """Score ``records`` (one group's milestones) as known on ``today``."""
    total, every = 0, []
    by_year: dict[int, list[tuple[int, bool]]] = defaultdict(list)
    for record in records:
        total += 1
        outcome = _outcome(record, today)
        if outcome is not None and record.deadline is not None:
            every.append(outcome)
            by_year[record.deadline.year].append(outcome)
    years = [Year(*_figures(by_year[year]), year=year) for year in sorted(by_year)]
    return Scorecard(*_figures(every), milestones=total, years=tuple(years), trend=_trend(years))


def scorecards(grouped: Iterable[tuple[object, Record]], today: datetime.date) -> dict:
    """Score each group of ``(group, record)`` pairs; return the scorecards by group."""
    groups: dict[object, list[Record]] = defaultdict(list)
    for group, record in grouped:
        groups[group].append(record)
    return {group: scorecard(records, today) for group, records in groups.items()}


def slip_words(days: int | None) -> str:
    """Say a median slip: "45 days late", "3 days early", "on its deadline"."""
    if days is None:
        return _("not known yet: more than half are still open past their deadline")
    if days > 0:
        return ngettext("%(days)d day late", "%(days)d days late", days) % {"days": days}
    if days < 0:
        return ngettext("%(days)d day early", "%(days)d days early", -days) % {"days": -days}
    return _("on its deadline")


def trend_words(trend: str) -> str:
    """Say which way the on-time rate went between the last two years with enough milestones."""
    return {
        Trend.BETTER: _("more often on time than the year before"),
        Trend.WORSE: _("less often on time than the year before"),
        Trend.STEADY: _("about as often on time as the year before"),
    }.get(trend, _("too few milestones a year to tell"))
