"""Which local hours begin in a quarter-hour slot, across offsets and clock changes."""

import datetime

from tracker.schedule import LocalHour, local_hours_in, slot_start, slots_between

UTC = datetime.UTC


def at(*args):
    return datetime.datetime(*args, tzinfo=UTC)


def test_slots_are_utc_quarter_hours():
    assert slot_start(at(2026, 1, 5, 8, 14, 59)) == at(2026, 1, 5, 8)
    assert slot_start(at(2026, 1, 5, 8, 15)) == at(2026, 1, 5, 8, 15)
    assert list(slots_between(at(2026, 1, 5, 8, 10), at(2026, 1, 5, 8, 31))) == [
        at(2026, 1, 5, 8),
        at(2026, 1, 5, 8, 15),
        at(2026, 1, 5, 8, 30),
    ]


def test_whole_half_and_quarter_hour_offsets_each_land_in_one_slot():
    zones = ["Europe/London", "Asia/Kolkata", "Asia/Kathmandu"]
    assert local_hours_in(at(2026, 1, 5, 8), zones) == [
        LocalHour("Europe/London", 8, datetime.date(2026, 1, 5))
    ]
    assert local_hours_in(at(2026, 1, 5, 2, 30), zones) == [
        LocalHour("Asia/Kolkata", 8, datetime.date(2026, 1, 5))
    ]
    assert local_hours_in(at(2026, 1, 5, 2, 15), zones) == [
        LocalHour("Asia/Kathmandu", 8, datetime.date(2026, 1, 5))
    ]
    assert local_hours_in(at(2026, 1, 4, 23), ["Asia/Tokyo"]) == [
        LocalHour("Asia/Tokyo", 8, datetime.date(2026, 1, 5))
    ]


def test_every_local_hour_of_every_day_is_found_exactly_once_across_clock_changes():
    zones = ["Europe/London", "America/New_York", "Australia/Sydney", "Asia/Kathmandu"]
    found = []
    for slot in slots_between(at(2026, 3, 1), at(2026, 11, 10)):
        found += local_hours_in(slot, zones)
    for zone in zones:
        days = {}
        for hour in found:
            if hour.timezone == zone:
                days.setdefault(hour.day, []).append(hour.hour)
        inner = [day for day in days if at(2026, 3, 2).date() < day < at(2026, 11, 9).date()]
        assert all(sorted(days[day]) == list(range(24)) for day in inner), zone


def test_the_hour_skipped_in_spring_comes_when_the_clock_jumps():
    # London jumps from 01:00 to 02:00 on 29 March 2026: both hours begin at 01:00 UTC.
    assert local_hours_in(at(2026, 3, 29, 1), ["Europe/London"]) == [
        LocalHour("Europe/London", 1, datetime.date(2026, 3, 29)),
        LocalHour("Europe/London", 2, datetime.date(2026, 3, 29)),
    ]


def test_the_hour_repeated_in_autumn_counts_once():
    # New York repeats 01:00 on 1 November 2026: only its first occurrence (05:00 UTC) counts.
    first = local_hours_in(at(2026, 11, 1, 5), ["America/New_York"])
    second = local_hours_in(at(2026, 11, 1, 6), ["America/New_York"])
    assert first == [LocalHour("America/New_York", 1, datetime.date(2026, 11, 1))]
    assert second == []
