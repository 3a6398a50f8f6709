"""Baselines: how far a milestone's target has drifted from the first one it was published with,
counted in the target's own precision ("+2 quarters against the first published target (Q3
2025)")."""

from __future__ import annotations

import datetime

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from roadmap.targets import MONTHS_IN, Precision, Target


def _period_index(day: datetime.date, precision: Precision) -> int:
    if precision == Precision.DAY:
        return day.toordinal()
    months = day.year * 12 + day.month - 1
    return months // MONTHS_IN[precision]


def drift(baseline: Target | None, current: Target) -> int | None:
    """Periods of ``current``'s precision from the baseline's end to its end (later: positive)."""
    if baseline is None or not (baseline.is_dated and current.is_dated):
        return None
    precision = current.precision
    return _period_index(current.span()[1], precision) - _period_index(
        baseline.span()[1], precision
    )


def _amount(count: int, precision: Precision) -> str:
    number = {"count": f"{count:+d}"}
    if precision == Precision.DAY:
        return ngettext("%(count)s day", "%(count)s days", abs(count)) % number
    if precision == Precision.MONTH:
        return ngettext("%(count)s month", "%(count)s months", abs(count)) % number
    if precision == Precision.QUARTER:
        return ngettext("%(count)s quarter", "%(count)s quarters", abs(count)) % number
    if precision == Precision.HALF:
        return ngettext("%(count)s half-year", "%(count)s half-years", abs(count)) % number
    return ngettext("%(count)s year", "%(count)s years", abs(count)) % number


def drift_words(baseline: Target | None, current: Target) -> str:
    """Say the drift in words, or "" when either target has no date."""
    count = drift(baseline, current)
    if count is None or baseline is None:
        return ""
    first = baseline.period_words()
    if count == 0:
        return _("on its first published target (%(first)s)") % {"first": first}
    return _("%(amount)s against the first published target (%(first)s)") % {
        "amount": _amount(count, current.precision),
        "first": first,
    }
