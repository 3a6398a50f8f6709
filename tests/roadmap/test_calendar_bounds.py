"""The iCalendar feed is bounded: a window around today and a cap, whatever the data's size."""

import datetime

import icalendar
import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse

from roadmap import calendar
from roadmap.targets import Target
from tests.factories import MilestoneFactory, WorkstreamFactory

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 6, 15)


def _titles(client, name="roadmap:all-ics", **kwargs):
    cache.clear()
    body = client.get(reverse(name, kwargs=kwargs)).content
    return [
        str(e["summary"]).split(" (")[0] for e in icalendar.Calendar.from_ical(body).walk("VEVENT")
    ]


def _due(workstream, title, days):
    day = TODAY + datetime.timedelta(days=days)
    return MilestoneFactory(
        workstream=workstream, title=title, target=Target.parse(day.isoformat())
    )


@time_machine.travel(datetime.datetime(2026, 6, 15, 12, tzinfo=datetime.UTC), tick=False)
def test_the_calendar_holds_a_year_back_to_three_years_ahead(client):
    workstream = WorkstreamFactory()
    for title, days in [
        ("Too old", -366),
        ("Last year", -365),
        ("Next week", 7),
        ("Three years out", 3 * 365),
        ("Too far", 3 * 365 + 1),
    ]:
        _due(workstream, title, days)

    assert _titles(client) == ["Last year", "Next week", "Three years out"]


@time_machine.travel(datetime.datetime(2026, 6, 15, 12, tzinfo=datetime.UTC), tick=False)
def test_the_calendar_keeps_its_limit_nearest_today_mostly_ahead(client, monkeypatch):
    monkeypatch.setattr(calendar, "CALENDAR_LIMIT", 8)
    workstream = WorkstreamFactory()
    for n in range(1, 6):
        _due(workstream, f"Past {n}", -n)
    for n in range(1, 9):
        _due(workstream, f"Ahead {n}", n)

    assert _titles(client) == ["Past 2", "Past 1", *(f"Ahead {n}" for n in range(1, 7))]


@time_machine.travel(datetime.datetime(2026, 6, 15, 12, tzinfo=datetime.UTC), tick=False)
def test_the_past_year_takes_the_room_the_future_leaves(client, monkeypatch):
    monkeypatch.setattr(calendar, "CALENDAR_LIMIT", 8)
    workstream = WorkstreamFactory()
    for n in range(1, 11):
        _due(workstream, f"Past {n:02}", -n)
    _due(workstream, "Ahead", 1)

    assert _titles(client) == [*(f"Past {n:02}" for n in range(7, 0, -1)), "Ahead"]


@time_machine.travel(datetime.datetime(2026, 6, 15, 12, tzinfo=datetime.UTC), tick=False)
@pytest.mark.parametrize("size", [5, 60])
def test_a_calendar_costs_the_same_queries_at_any_size(
    client, monkeypatch, size, django_assert_max_num_queries
):
    monkeypatch.setattr(calendar, "CALENDAR_LIMIT", 40)
    workstream = WorkstreamFactory()
    for n in range(size):
        _due(workstream, f"Rule {n}", n - size // 2)
    cache.clear()
    with django_assert_max_num_queries(4):
        response = client.get(
            reverse(
                "roadmap:workstream-ics",
                kwargs={"roadmap": workstream.roadmap.slug, "key": workstream.slug},
            )
        )
    assert response.content.count(b"BEGIN:VEVENT") == min(size, 40)
