"""Turning what government files contain into clean text and fuzzy targets.

Unified Agenda fields come as HTML documents in CDATA, as plain text with ``^P`` paragraph marks,
with entities, trailing newlines and thin or narrow no-break spaces; timetable dates come as a day
(``02/15/2026``), a month (``11/00/2026``: never invent a day), ``To Be Determined`` (or
``00/00/0000``), nothing, or, in older editions, inside the action's own words (``Comment Period
End 2/3/97``, ``Final Action (Effective Date 04/01/97)``).
"""

from __future__ import annotations

import calendar
import datetime
import html
import re

import nh3

from roadmap.targets import MAX_YEAR, MIN_YEAR, Precision, Qualifier, Target

# str.split() splits at every Unicode space (no-break, thin, narrow, ideographic…) but the
# zero-width one, which government files also put between words.
_ZERO_WIDTH_SPACE = "\u200b"
_TAG = re.compile(r"<\s*/?\s*[a-zA-Z!][^>]*>")
_DAY = re.compile(r"^\s*(\d{1,2})/(\d{1,2})/(\d{4})\s*$")
_IN_ACTION = re.compile(r"\s+(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})\s*$")
_IN_PARENTHESES = re.compile(
    r"\(\s*([A-Za-z][A-Za-z .,'-]*?)\s+(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})\s*\)"
)
UNDETERMINED = {"", "to be determined", "tbd", "undetermined", "00/00/0000"}


class BadDate(ValueError):
    """A timetable date that is neither a day, a month nor "to be determined".

    ``field`` names where the date was written: ``TTBL_DATE``, or ``TTBL_ACTION`` for a date inside
    the action's words.
    """

    def __init__(self, message: str, field: str = "TTBL_DATE"):
        super().__init__(message)
        self.field = field


def clean_text(value: str | None) -> str:
    """Plain, sanitised text from an HTML document or ``^P``-marked text; paragraphs kept."""
    if not value:
        return ""
    text = value.replace("^P", "\n\n")
    if _TAG.search(text):
        text = re.sub(r"(?i)<\s*(br|/p|/div|/li|/h\d)\b[^>]*>", "\n\n", text)
        text = nh3.clean(text, tags=set())
    text = html.unescape(text)
    paragraphs = []
    for block in re.split(r"\n\s*\n", text.replace("\r", "")):
        line = _one_line(block)
        if line:
            paragraphs.append(line)
    return "\n\n".join(paragraphs)


def clean_line(value: str | None) -> str:
    """One line of text: entities decoded, whitespace of every kind collapsed."""
    return _one_line(html.unescape(value or ""))


def _one_line(text: str) -> str:
    return " ".join(text.replace(_ZERO_WIDTH_SPACE, " ").split())


def _year(text: str) -> int:
    year = int(text)
    if len(text) == 2:
        year += 2000 if year < 50 else 1900
    return year


def parse_timetable_date(text: str | None) -> Target:
    """A timetable date as a target: day, month (``MM/00/YYYY``) or undated."""
    value = clean_line(text)
    if value.lower() in UNDETERMINED:
        return Target.undated(wording=value)
    match = _DAY.match(value)
    if not match:
        raise BadDate(f"“{value}” is not a date such as 02/15/2026 or 11/00/2026")
    month, day, year = int(match[1]), int(match[2]), int(match[3])
    if not (1 <= month <= 12 and MIN_YEAR <= year <= MAX_YEAR):
        raise BadDate(f"“{value}” has no such month or year")
    if day == 0:
        last = calendar.monthrange(year, month)[1]
        return Target(
            Precision.MONTH,
            datetime.date(year, month, 1),
            datetime.date(year, month, last),
            Qualifier.ON,
            value,
        )
    try:
        return Target.on_day(datetime.date(year, month, day), wording=value)
    except ValueError as error:
        raise BadDate(f"“{value}” is not a day of the calendar") from error


def _written_day(month: str, day: str, year: str, field: str) -> Target:
    text = f"{int(month):02d}/{int(day):02d}/{_year(year)}"
    try:
        return parse_timetable_date(text)
    except BadDate as error:
        raise BadDate(str(error), field) from error


def split_row(action: str | None, date: str | None) -> list[tuple[str, Target]]:
    """A timetable row as (action, target) pairs: the row itself, then any event it names.

    Old editions write dates into the action. A trailing one (``Comment Period End 2/3/97``) is the
    row's own day, whatever ``TTBL_DATE`` says; one in parentheses (``Final Action (Effective Date
    04/01/97)``) is another event, a milestone of its own.
    """
    action = clean_line(action)
    named = []
    for event in _IN_PARENTHESES.finditer(action):
        month, day, year = event.group(2, 3, 4)
        named.append((event[1].strip(), _written_day(month, day, year, "TTBL_ACTION")))
    action = clean_line(_IN_PARENTHESES.sub(" ", action))
    match = _IN_ACTION.search(action)
    if match:
        month, day, year = match.group(1, 2, 3)
        own = _written_day(month, day, year, "TTBL_ACTION")
        return [(action[: match.start()].strip(), own), *named]
    return [(action, parse_timetable_date(date)), *named]
