"""When a subscriber's day reaches their hour: the quarter-hour slots the dispatcher walks.

The dispatcher walks UTC quarter-hours. In each slot it asks, for every time zone its subscribers
live in, which local hours begin inside the slot and on which local day. A subscriber whose local
hour is 8 gets their digest and reminders in the slot where 08:00 of their day falls. Offsets of 30
and 45 minutes land on a quarter-hour too. When clocks spring forward, the hour that does not exist
(02:00 in Europe/London on the last Sunday of March) is read as the moment the clock jumps to, so
nobody loses a day; when they fall back, the repeated hour counts once (its first occurrence).
"""

from __future__ import annotations

import datetime
import zoneinfo
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

SLOT = datetime.timedelta(minutes=15)
UTC = datetime.UTC


@dataclass(frozen=True)
class LocalHour:
    """Hour ``hour`` of local day ``day`` in ``timezone`` begins inside the slot."""

    timezone: str
    hour: int
    day: datetime.date


def slot_start(moment: datetime.datetime) -> datetime.datetime:
    """Return the start of the UTC quarter-hour that contains ``moment``."""
    moment = moment.astimezone(UTC)
    return moment.replace(minute=moment.minute - moment.minute % 15, second=0, microsecond=0)


def slots_between(first: datetime.datetime, last: datetime.datetime) -> Iterator[datetime.datetime]:
    """Yield the slot starts from ``first`` up to and including ``last``'s slot."""
    current, last = slot_start(first), slot_start(last)
    while current <= last:
        yield current
        current += SLOT


def local_hours_in(slot: datetime.datetime, timezones: Iterable[str]) -> list[LocalHour]:
    """Return every (time zone, local hour, local day) whose hour begins in ``slot``."""
    slot = slot_start(slot)
    slot_end = slot + SLOT
    found = []
    for name in sorted(set(timezones)):
        zone = zoneinfo.ZoneInfo(name)
        days = {slot.astimezone(zone).date(), (slot_end - SLOT / 15).astimezone(zone).date()}
        for day in sorted(days):
            for hour in range(24):
                begins = datetime.datetime(day.year, day.month, day.day, hour, tzinfo=zone)
                if slot <= begins.astimezone(UTC) < slot_end:
                    found.append(LocalHour(name, hour, day))
    return found


def local_day(moment: datetime.datetime, timezone: str) -> datetime.date:
    return moment.astimezone(zoneinfo.ZoneInfo(timezone)).date()
