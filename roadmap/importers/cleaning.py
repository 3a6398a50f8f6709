"""Turning what government files contain into clean text and fuzzy targets.

Unified Agenda fields come as HTML documents in CDATA, as plain text with ``^P`` paragraph marks,
with entities, trailing newlines and thin or narrow no-break spaces; timetable dates come as a day
(``02/15/2026``), a month (``11/00/2026``: never invent a day), ``To Be Determined``, nothing, or,
in older editions, inside the action's own words (``Comment Period End 2/3/97``).
"""

from __future__ import annotations

import calendar
import datetime
import html
import re

import nh3

from roadmap.targets import MAX_YEAR, MIN_YEAR, Precision, Qualifier, Target

_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
_TAG = re.compile(r"<\s*/?\s*[a-zA-Z!][^>]*>")
_DAY = re.compile(r"^\s*(\d{1,2})/(\d{1,2})/(\d{4})\s*$")
_IN_ACTION = re.compile(r"\s+(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})\s*$")
UNDETERMINED = {"", "to be determined", "tbd", "undetermined"}


class BadDate(ValueError):
    """A timetable date that is neither a day, a month nor "to be determined"."""


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
        line = _SPACES.sub(" ", " ".join(block.split("\n"))).strip()
        if line:
            paragraphs.append(line)
    return "\n\n".join(paragraphs)


def clean_line(value: str | None) -> str:
    """One line of text: entities decoded, whitespace of every kind collapsed."""
    return " ".join(_SPACES.sub(" ", html.unescape(value or "")).split())


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


def split_action(action: str | None, date: str | None) -> tuple[str, Target]:
    """The action's words and its target, taking a date written into the action if need be."""
    action = clean_line(action)
    if clean_line(date):
        return action, parse_timetable_date(date)
    match = _IN_ACTION.search(action)
    if match:
        year = _year(match[3])
        return action[: match.start()].strip(), parse_timetable_date(
            f"{int(match[1]):02d}/{int(match[2]):02d}/{year}"
        )
    return action, Target.undated()
