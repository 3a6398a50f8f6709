"""Statutory clocks: a target defined as a rule about time rather than a calendar date.

"Effective on the earlier of 18 January 2027 or 120 days after the final rules" is a clock of two
terms: an offset after another milestone (its actual date, or its target's last day while it has
none) and a fixed date, combined by the earlier (or the later) of them. This module holds the
structure, its arithmetic and its words; the models store the terms as rows and the services
recompute every dependent target when a trigger moves.
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.db import models
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from roadmap.targets import Qualifier, Target


class Unit(models.TextChoices):
    DAYS = "days", gettext_lazy("days")
    MONTHS = "months", gettext_lazy("months")
    YEARS = "years", gettext_lazy("years")


class Combine(models.TextChoices):
    EARLIER = "earlier", gettext_lazy("the earlier of its terms")
    LATER = "later", gettext_lazy("the later of its terms")


MAX_OFFSET = 1200


@dataclass(frozen=True)
class Term:
    """``offset`` ``unit`` after milestone ``after``; or the fixed day ``on``."""

    after: int | None = None
    offset: int = 0
    unit: Unit = Unit.DAYS
    on: datetime.date | None = None


@dataclass(frozen=True)
class Clock:
    combine: Combine
    terms: tuple[Term, ...]


def add_offset(day: datetime.date, offset: int, unit: Unit) -> datetime.date:
    """Return ``day`` moved ``offset`` units later.

    A month or year that has no such day ends the count on its last day: one month after 31
    January is 28 (or 29) February, one year after 29 February is 28 February.
    """
    if unit == Unit.DAYS:
        return day + datetime.timedelta(days=offset)
    months = offset if unit == Unit.MONTHS else 12 * offset
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def trigger_day(
    *, completed: bool, cancelled: bool, actual_date: datetime.date | None, target: Target
) -> datetime.date | None:
    """The day a trigger counts from: when it happened, else its target's last day.

    A cancelled trigger never happens and an undated one has no day yet: ``None``.
    """
    if completed:
        return actual_date
    if cancelled or not target.is_dated:
        return None
    return target.end


def term_day(term: Term, days: Mapping[int, datetime.date | None]) -> datetime.date | None:
    if term.after is None:
        return term.on
    start = days.get(term.after)
    return None if start is None else add_offset(start, term.offset, term.unit)


def evaluate(clock: Clock, days: Mapping[int, datetime.date | None]) -> datetime.date | None:
    """Return the day the clock gives, knowing each trigger's day (``None``: not known yet).

    The earlier of several terms is known as soon as one is (it can only come sooner); the later
    of them only when all are.
    """
    known = [term_day(term, days) for term in clock.terms]
    dated = [day for day in known if day is not None]
    if clock.combine == Combine.EARLIER:
        return min(dated) if dated else None
    if not known or len(dated) < len(known):
        return None
    return max(dated)


def clock_target(clock: Clock, days: Mapping[int, datetime.date | None]) -> Target:
    """Return the target the clock sets: "by" its day, or no date yet."""
    day = evaluate(clock, days)
    if day is None:
        return Target.undated()
    return Target.on_day(day, qualifier=Qualifier.BY)


def creates_cycle(
    milestone: int, triggers: Iterable[int], edges: Mapping[int, Iterable[int]]
) -> bool:
    """Tell whether clocking ``milestone`` on ``triggers`` makes a loop.

    ``edges`` maps each clocked milestone to the milestones its clock counts from.
    """
    seen: set[int] = set()
    frontier = set(triggers)
    while frontier:
        if milestone in frontier:
            return True
        seen |= frontier
        frontier = {t for m in frontier for t in edges.get(m, ())} - seen
    return False


def offset_words(offset: int, unit: Unit) -> str:
    if unit == Unit.MONTHS:
        return ngettext("%(count)d month", "%(count)d months", offset) % {"count": offset}
    if unit == Unit.YEARS:
        return ngettext("%(count)d year", "%(count)d years", offset) % {"count": offset}
    return ngettext("%(count)d day", "%(count)d days", offset) % {"count": offset}


def term_words(term: Term, names: Mapping[int, str]) -> str:
    if term.after is not None:
        return _("%(offset)s after %(trigger)s") % {
            "offset": offset_words(term.offset, term.unit),
            "trigger": names.get(term.after, "?"),
        }
    if term.on is None:
        raise ValueError(f"{term} counts from no milestone and falls on no day")
    return date_format(term.on, "DATE_FORMAT")


def rule_words(clock: Clock, names: Mapping[int, str]) -> str:
    """The rule alone: "120 days after Final rules, or 18 January 2027 if earlier"."""
    parts = [term_words(term, names) for term in clock.terms]
    earlier = clock.combine == Combine.EARLIER
    if len(parts) == 1:
        return parts[0]
    if len(parts) == 2:
        if earlier:
            return _("%(first)s, or %(second)s if earlier") % {
                "first": parts[0],
                "second": parts[1],
            }
        return _("%(first)s, or %(second)s if later") % {"first": parts[0], "second": parts[1]}
    listed = _("%(all_but_last)s and %(last)s") % {
        "all_but_last": _(", ").join(parts[:-1]),
        "last": parts[-1],
    }
    if earlier:
        return _("the earliest of %(terms)s") % {"terms": listed}
    return _("the latest of %(terms)s") % {"terms": listed}


def words(clock: Clock, names: Mapping[int, str], days: Mapping[int, datetime.date | None]) -> str:
    """The rule and what it gives: "120 days after Final rules, … → by 18 January 2027"."""
    return _("%(rule)s → %(target)s") % {
        "rule": rule_words(clock, names),
        "target": clock_target(clock, days).words(),
    }
