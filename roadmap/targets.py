"""The fuzzy target date: an interval of days, a precision and a qualifier, with its words.

Regulators rarely name a day. "First-phase outputs before Q3 2025" is a quarter with the qualifier
"by"; "within 18 months" becomes a month. A ``Target`` keeps the interval it stands for, how precise
it is, how to read it (on, by, not before) and the words it was published in, and it knows how to
parse, validate, order, shift and print itself.
"""

from __future__ import annotations

import calendar
import datetime
import re
from dataclasses import dataclass, replace
from typing import overload

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext


class Precision(models.TextChoices):
    DAY = "day", gettext_lazy("day")
    MONTH = "month", gettext_lazy("month")
    QUARTER = "quarter", gettext_lazy("quarter")
    HALF = "half", gettext_lazy("half-year")
    YEAR = "year", gettext_lazy("year")
    UNDATED = "undated", gettext_lazy("no date yet")


class Qualifier(models.TextChoices):
    ON = "on", gettext_lazy("on / in")
    BY = "by", gettext_lazy("by (at the latest)")
    NOT_BEFORE = "not_before", gettext_lazy("not before")


# How many months each dated precision spans; a day is handled on its own.
MONTHS_IN = {Precision.MONTH: 1, Precision.QUARTER: 3, Precision.HALF: 6, Precision.YEAR: 12}
MAX_YEAR = 2200
MIN_YEAR = 1900


def _field_error(field: str, message: str, code: str, **params: object) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code, params=params or None)})


def _check_year(year: int) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValidationError(
            _("Target dates must fall between %(min)s and %(max)s."),
            params={"min": MIN_YEAR, "max": MAX_YEAR},
            code="out_of_range",
        )


def _last_day(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def period_containing(
    day: datetime.date, precision: Precision
) -> tuple[datetime.date, datetime.date]:
    """Return the first and last day of the period of ``precision`` that contains ``day``."""
    if precision == Precision.DAY:
        return day, day
    months = MONTHS_IN[precision]
    first_month = (day.month - 1) // months * months + 1
    last_month = first_month + months - 1
    return datetime.date(day.year, first_month, 1), _last_day(day.year, last_month)


@dataclass(frozen=True)
class Target:
    """A fuzzy target: ``start``..``end`` (inclusive) at ``precision``, read with ``qualifier``."""

    precision: Precision = Precision.UNDATED
    start: datetime.date | None = None
    end: datetime.date | None = None
    qualifier: Qualifier = Qualifier.ON
    wording: str = ""

    # Constructors -------------------------------------------------------------------------------

    @classmethod
    def undated(cls, *, wording: str = "") -> Target:
        return cls(Precision.UNDATED, wording=wording)

    @classmethod
    def on_day(
        cls, day: datetime.date, *, qualifier: str = Qualifier.ON, wording: str = ""
    ) -> Target:
        return cls(Precision.DAY, day, day, Qualifier(qualifier), wording)

    @classmethod
    def period(
        cls,
        precision: Precision,
        year: int,
        number: int = 1,
        *,
        qualifier: str = Qualifier.ON,
        wording: str = "",
    ) -> Target:
        """Return the ``number``-th month, quarter or half of ``year`` (or the year itself)."""
        precision = Precision(precision)
        months = MONTHS_IN[precision]
        _check_year(year)
        if not 1 <= number <= 12 // months:
            raise ValidationError(
                _("There is no %(precision)s number %(number)s in a year."),
                params={"precision": precision.label, "number": number},
                code="invalid_period",
            )
        start = datetime.date(year, (number - 1) * months + 1, 1)
        return cls(precision, *period_containing(start, precision), Qualifier(qualifier), wording)

    @overload
    @classmethod
    def from_dict(cls, data: dict) -> Target: ...

    @overload
    @classmethod
    def from_dict(cls, data: None) -> None: ...

    @classmethod
    def from_dict(cls, data: dict | None) -> Target | None:
        """Rebuild a target stored with ``as_dict()`` (``None`` stays ``None``)."""
        if data is None:
            return None
        return cls(
            precision=Precision(data["precision"]),
            start=datetime.date.fromisoformat(data["start"]) if data.get("start") else None,
            end=datetime.date.fromisoformat(data["end"]) if data.get("end") else None,
            qualifier=Qualifier(data.get("qualifier", Qualifier.ON)),
            wording=data.get("wording", ""),
        )

    @classmethod
    def parse(cls, text: str) -> Target:
        """Read a target from words such as "before Q3 2025", "July 2026" or "2025-01-21".

        The text is kept as the target's wording. Raise ``ValidationError`` if it can't be read.
        """
        return parse(text)

    # Reading ------------------------------------------------------------------------------------

    @property
    def is_dated(self) -> bool:
        return self.precision != Precision.UNDATED

    @property
    def deadline(self) -> datetime.date | None:
        """The last day the milestone can happen and still be on target; ``None`` if open-ended."""
        if not self.is_dated or self.qualifier == Qualifier.NOT_BEFORE:
            return None
        return self.end

    def span(self) -> tuple[datetime.date, datetime.date]:
        """Return the first and last day of a dated target."""
        if self.start is None or self.end is None:
            raise ValueError(f"{self.as_dict()} has no dates")
        return self.start, self.end

    def sort_key(self) -> tuple:
        """Order targets by when they end, then start; undated ones last."""
        if not self.is_dated:
            return (datetime.date.max, datetime.date.max)
        return (self.end, self.start)

    def is_overdue(self, today: datetime.date) -> bool:
        return self.deadline is not None and self.deadline < today

    def slip_days(self, later: Target) -> int | None:
        """Return how many days ``later`` moves this target's end (negative: brought forward)."""
        if not (self.is_dated and later.is_dated):
            return None
        return (later.span()[1] - self.span()[1]).days

    def as_dict(self) -> dict:
        return {
            "precision": self.precision.value,
            "start": self.start.isoformat() if self.start else None,
            "end": self.end.isoformat() if self.end else None,
            "qualifier": self.qualifier.value,
            "wording": self.wording,
        }

    def as_text(self) -> str:
        """Return the target in plain words that ``parse`` reads back: "by Q3 2025", "2026-07"."""
        if not self.is_dated:
            return "TBD"
        start = self.span()[0]
        year = start.year
        period = {
            Precision.DAY: start.isoformat(),
            Precision.MONTH: f"{year}-{start.month:02d}",
            Precision.QUARTER: f"Q{(start.month - 1) // 3 + 1} {year}",
            Precision.HALF: f"H{1 if start.month == 1 else 2} {year}",
            Precision.YEAR: str(year),
        }[self.precision]
        prefix = {Qualifier.ON: "", Qualifier.BY: "by ", Qualifier.NOT_BEFORE: "not before "}
        return prefix[self.qualifier] + period

    def same_dates(self, other: Target) -> bool:
        """Tell whether ``other`` names the same interval, precision and qualifier."""
        return (self.precision, self.start, self.end, self.qualifier) == (
            other.precision,
            other.start,
            other.end,
            other.qualifier,
        )

    # Changing -----------------------------------------------------------------------------------

    def shifted(self, days: int) -> Target:
        """Move the target by ``days``, to the period of its precision that holds its moved middle.

        "Q2 2025" shifted by 92 days is "Q3 2025"; "March 2025" by 31 days is "April 2025". The
        original wording no longer applies. A shift too small to leave the period is refused.
        """
        if not self.is_dated:
            raise ValidationError(
                _("A milestone with no date yet can't be shifted."), code="undated"
            )
        first, last = self.span()
        middle = first + (last - first) / 2 + datetime.timedelta(days=days)
        start, end = period_containing(middle, self.precision)
        if start == self.start:
            raise ValidationError(
                _("Moving %(target)s by %(days)s days leaves it in the same %(precision)s."),
                params={
                    "target": self.period_words(),
                    "days": days,
                    "precision": self.precision.label,
                },
                code="shift_too_small",
            )
        return replace(self, start=start, end=end, wording="")

    # Checking -----------------------------------------------------------------------------------

    def validate(self) -> None:
        """Raise ``ValidationError`` (keyed by field) unless the interval fits the precision."""
        if not self.is_dated:
            if self.start or self.end:
                raise _field_error(
                    "target_start",
                    _("A target with no date yet can't have start or end dates."),
                    "undated_with_dates",
                )
            return
        if self.start is None or self.end is None:
            raise _field_error(
                "target_start",
                _("A dated target needs both a start and an end date."),
                "missing_dates",
            )
        if self.end < self.start:
            raise _field_error(
                "target_end",
                _("The end of the target can't be before its start."),
                "end_before_start",
            )
        if not (MIN_YEAR <= self.start.year <= MAX_YEAR and MIN_YEAR <= self.end.year <= MAX_YEAR):
            raise _field_error(
                "target_start",
                _("Target dates must fall between %(min)s and %(max)s."),
                "out_of_range",
                min=MIN_YEAR,
                max=MAX_YEAR,
            )
        start, end = period_containing(self.start, self.precision)
        if (self.start, self.end) != (start, end):
            raise _field_error(
                "target_end",
                _(
                    "A %(precision)s target must cover exactly one %(precision)s: the one that "
                    "holds %(day)s runs from %(start)s to %(end)s."
                ),
                "unaligned",
                precision=self.precision.label,
                day=self.start.isoformat(),
                start=start.isoformat(),
                end=end.isoformat(),
            )

    # Words --------------------------------------------------------------------------------------

    def period_words(self) -> str:
        """Return the period alone, in the active language: "Q3 2025", "July 2026"."""
        if not self.is_dated:
            return _("no date yet")
        start = self.span()[0]
        if self.precision == Precision.DAY:
            return date_format(start, "DATE_FORMAT")
        if self.precision == Precision.MONTH:
            return date_format(start, "YEAR_MONTH_FORMAT")
        year = start.year
        if self.precision == Precision.QUARTER:
            quarter = [_("Q1"), _("Q2"), _("Q3"), _("Q4")][(start.month - 1) // 3]
            return _("%(quarter)s %(year)s") % {"quarter": quarter, "year": year}
        if self.precision == Precision.HALF:
            half = _("H1") if start.month == 1 else _("H2")
            return _("%(half)s %(year)s") % {"half": half, "year": year}
        return pgettext("a whole year as a target", "%(year)s") % {"year": year}

    def words(self) -> str:
        """Return the target in words, in the active language: "by Q3 2025", "July 2026"."""
        period = self.period_words()
        if not self.is_dated:
            return period
        if self.qualifier == Qualifier.BY:
            return _("by %(period)s") % {"period": period}
        if self.qualifier == Qualifier.NOT_BEFORE:
            return _("not before %(period)s") % {"period": period}
        if self.precision == Precision.DAY:
            return _("on %(period)s") % {"period": period}
        return period

    def __str__(self) -> str:
        return self.words()


# Parsing ------------------------------------------------------------------------------------------

_QUALIFIERS = [
    (
        re.compile(
            r"^(?:not\s+before|no\s+earlier\s+than|not\s+earlier\s+than|after|from)\s+", re.I
        ),
        Qualifier.NOT_BEFORE,
    ),
    (
        re.compile(
            r"^(?:by(?:\s+the\s+end\s+of)?|before|no\s+later\s+than|not\s+later\s+than|until)\s+",
            re.I,
        ),
        Qualifier.BY,
    ),
    (re.compile(r"^(?:on|in|during)\s+", re.I), Qualifier.ON),
]
_ZH_BY = re.compile(r"(?:之前|以前|前)$")
_ZH_NOT_BEFORE = re.compile(r"^(?:不早于|不早於)\s*|(?:之后|以后|後)$")
_UNDATED = re.compile(
    r"^(?:|tbd|tba|to\s+be\s+(?:determined|announced)|undated|no\s+date(?:\s+yet)?|unknown|待定|日期未定)$",
    re.I,
)
_ISO_DAY = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_ISO_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_YEAR = re.compile(r"^(\d{4})$")
_QUARTER = re.compile(r"^(?:q([1-4])\s*[-/ ]?\s*(\d{4})|(\d{4})\s*[-/ ]?\s*q([1-4]))$", re.I)
_HALF = re.compile(r"^(?:h([12])\s*[-/ ]?\s*(\d{4})|(\d{4})\s*[-/ ]?\s*h([12]))$", re.I)
_HALF_WORDS = re.compile(r"^(first|second|1st|2nd)\s+half\s+(?:of\s+)?(\d{4})$", re.I)
_QUARTER_WORDS = re.compile(
    r"^(first|second|third|fourth|1st|2nd|3rd|4th)\s+quarter\s+(?:of\s+)?(\d{4})$", re.I
)
_END_OF_YEAR = re.compile(r"^(?:the\s+)?end\s+of\s+(\d{4})$", re.I)
_MONTH_NAME = re.compile(r"^([a-z]+)\.?\s+(\d{4})$", re.I)
_DAY_MONTH_YEAR = re.compile(r"^(\d{1,2})\s+([a-z]+)\.?,?\s+(\d{4})$", re.I)
_MONTH_DAY_YEAR = re.compile(r"^([a-z]+)\.?\s+(\d{1,2}),?\s+(\d{4})$", re.I)
_ZH_DAY = re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日$")
_ZH_MONTH = re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月(?:份)?$")
_ZH_QUARTER = re.compile(r"^(\d{4})\s*年\s*第?\s*([一二三四1-4])\s*季度$")
_ZH_HALF = re.compile(r"^(\d{4})\s*年\s*([上下])半年$")
_ZH_YEAR = re.compile(r"^(\d{4})\s*年(?:底|内|內)?$")

_ORDINALS = {
    "first": 1,
    "1st": 1,
    "second": 2,
    "2nd": 2,
    "third": 3,
    "3rd": 3,
    "fourth": 4,
    "4th": 4,
}
_ZH_NUMBERS = {"一": 1, "二": 2, "三": 3, "四": 4}
_MONTHS_BY_NAME = {
    name.lower(): number
    for number in range(1, 13)
    for name in (calendar.month_name[number], calendar.month_abbr[number])
}
_MONTHS_BY_NAME["sept"] = 9


def _month_number(name: str) -> int:
    try:
        return _MONTHS_BY_NAME[name.lower()]
    except KeyError:
        raise ValidationError(
            _("“%(name)s” is not a month."), params={"name": name}, code="invalid_month"
        ) from None


def _day(year: str | int, month: str | int, day: str | int) -> datetime.date:
    _check_year(int(year))
    try:
        return datetime.date(int(year), int(month), int(day))
    except ValueError:
        raise ValidationError(
            _("%(year)s-%(month)s-%(day)s is not a real date."),
            params={"year": year, "month": month, "day": day},
            code="invalid_date",
        ) from None


def _split_qualifier(text: str) -> tuple[Qualifier, str]:
    for pattern, qualifier in _QUALIFIERS:
        match = pattern.match(text)
        if match:
            return qualifier, text[match.end() :]
    if _ZH_NOT_BEFORE.search(text):
        return Qualifier.NOT_BEFORE, _ZH_NOT_BEFORE.sub("", text)
    if _ZH_BY.search(text):
        return Qualifier.BY, _ZH_BY.sub("", text)
    return Qualifier.ON, text


def _parse_period(text: str, qualifier: Qualifier, wording: str) -> Target:
    def period(precision: Precision, year: str, number: str | int = 1) -> Target:
        return Target.period(
            precision, int(year), int(number), qualifier=qualifier, wording=wording
        )

    if match := _ISO_DAY.match(text) or _ZH_DAY.match(text):
        return Target.on_day(_day(*match.groups()), qualifier=qualifier, wording=wording)
    if match := _DAY_MONTH_YEAR.match(text):
        day, month, year = match.groups()
        return Target.on_day(
            _day(year, _month_number(month), day), qualifier=qualifier, wording=wording
        )
    if match := _MONTH_DAY_YEAR.match(text):
        month, day, year = match.groups()
        return Target.on_day(
            _day(year, _month_number(month), day), qualifier=qualifier, wording=wording
        )
    if match := _ISO_MONTH.match(text) or _ZH_MONTH.match(text):
        year, month = match.groups()
        if not 1 <= int(month) <= 12:
            raise ValidationError(
                _("%(month)s is not a month."), params={"month": month}, code="invalid_month"
            )
        return period(Precision.MONTH, year, month)
    if match := _MONTH_NAME.match(text):
        month, year = match.groups()
        return period(Precision.MONTH, year, _month_number(month))
    if match := _QUARTER.match(text):
        number, year = (
            (match.group(1), match.group(2)) if match.group(1) else (match.group(4), match.group(3))
        )
        return period(Precision.QUARTER, year, number)
    if match := _QUARTER_WORDS.match(text):
        return period(Precision.QUARTER, match.group(2), _ORDINALS[match.group(1).lower()])
    if match := _ZH_QUARTER.match(text):
        year, number = match.groups()
        return period(Precision.QUARTER, year, _ZH_NUMBERS.get(number, number))
    if match := _HALF.match(text):
        number, year = (
            (match.group(1), match.group(2)) if match.group(1) else (match.group(4), match.group(3))
        )
        return period(Precision.HALF, year, number)
    if match := _HALF_WORDS.match(text):
        return period(Precision.HALF, match.group(2), _ORDINALS[match.group(1).lower()])
    if match := _ZH_HALF.match(text):
        year, half = match.groups()
        return period(Precision.HALF, year, 1 if half == "上" else 2)
    if match := _END_OF_YEAR.match(text):
        return Target.period(
            Precision.YEAR, int(match.group(1)), qualifier=Qualifier.BY, wording=wording
        )
    if match := _YEAR.match(text) or _ZH_YEAR.match(text):
        return period(Precision.YEAR, match.group(1))
    raise ValidationError(
        _(
            "Can't read “%(text)s” as a target. Try a day (2025-01-21), a month (July 2026), "
            "a quarter (Q3 2025), a half (H2 2026) or a year (2026), optionally after “by” or "
            "“not before”; or “TBD”."
        ),
        params={"text": wording[:100]},
        code="unreadable",
    )


def parse(text: str) -> Target:
    """Read a target from words; see ``Target.parse``."""
    wording = " ".join(str(text).split())
    if len(wording) > 200:
        raise ValidationError(
            _("A target's wording can be at most 200 characters."), code="too_long"
        )
    cleaned = wording.strip(" .;")
    if _UNDATED.match(cleaned):
        return Target.undated(wording=wording)
    qualifier, rest = _split_qualifier(cleaned)
    target = _parse_period(rest.strip(), qualifier, wording)
    target.validate()
    return target
