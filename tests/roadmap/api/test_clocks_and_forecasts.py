"""Clocks written and read as structured objects; baselines, drift and forecasts read."""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from roadmap import services
from roadmap.models import Forecast, Milestone, Status
from roadmap.targets import Target
from tests.factories import MilestoneFactory
from tests.support.datasets import build_roadmap

pytestmark = pytest.mark.django_db
LIST = "/api/v1/milestones/"


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def final_rules():
    return MilestoneFactory(title="Final rules", slug="final-rules", target=Target.parse("Q3 2026"))


GENIUS = {
    "combine": "earlier",
    "terms": [{"after": "final-rules", "offset": 120, "unit": "days"}, {"on": "2027-01-18"}],
}


def test_a_clock_is_written_and_read_as_an_object(editor_api, final_rules):
    effective = MilestoneFactory(title="Effective", target=Target.undated())

    response = editor_api.patch(f"{LIST}{effective.slug}/", {"clock": GENIUS}, format="json")

    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["clock"]["terms"] == [
        {"after": "final-rules", "offset": 120, "unit": "days", "on": None},
        {"after": None, "offset": 0, "unit": "days", "on": "2027-01-18"},
    ]
    assert body["clock"]["words"].endswith("→ by Jan. 18, 2027")
    assert body["target"]["end"] == "2027-01-18" and body["target"]["qualifier"] == "by"
    assert body["baseline"]["end"] == "2027-01-18"


def test_completing_the_trigger_through_the_api_moves_the_clocked_target(editor_api, final_rules):
    effective = MilestoneFactory(title="Effective", target=Target.undated())
    editor_api.patch(f"{LIST}{effective.slug}/", {"clock": GENIUS}, format="json")

    editor_api.post(
        f"{LIST}final-rules/history/",
        {"note": "Adopted", "status": "completed", "actual_date": "2026-09-01"},
        format="json",
    )

    body = editor_api.get(f"{LIST}{effective.slug}/").json()
    assert body["target"]["end"] == "2026-12-30"


@pytest.mark.parametrize(
    ("clock", "field"),
    [
        ({"terms": [{"after": "final-rules", "on": "2027-01-18"}]}, "clock"),
        ({"terms": [{"offset": 3}]}, "clock"),
        ({"terms": [{"after": "no-such-milestone"}]}, "clock"),
        ({"terms": [{"after": "final-rules", "offset": "many"}]}, "clock"),
        ({"terms": [{"after": "final-rules", "unit": "weeks"}]}, "clock"),
        ({"terms": "120 days"}, "clock"),
    ],
)
def test_a_bad_clock_is_a_field_error(editor_api, final_rules, clock, field):
    effective = MilestoneFactory(title="Effective")
    response = editor_api.patch(f"{LIST}{effective.slug}/", {"clock": clock}, format="json")
    assert response.status_code == 400 and field in response.json()


def test_a_clock_that_loops_is_refused(editor_api, final_rules):
    effective = MilestoneFactory(title="Effective", slug="effective")
    editor_api.patch(f"{LIST}effective/", {"clock": GENIUS}, format="json")

    response = editor_api.patch(
        f"{LIST}final-rules/", {"clock": {"terms": [{"after": "effective"}]}}, format="json"
    )

    assert response.status_code == 400 and "loop" in str(response.json()["clock"])
    assert not Milestone.objects.get(pk=final_rules.pk).clock_terms.exists()
    assert effective.pk


def test_drift_and_forecast_are_read(editor_api, final_rules):
    services.milestone_move_target(milestone=final_rules, target=Target.parse("Q1 2027"))
    Forecast.objects.update_or_create(
        milestone=final_rules,
        defaults={
            "p50": datetime.date(2027, 5, 1),
            "p80": datetime.date(2027, 9, 1),
            "target_end": datetime.date(2027, 3, 31),
            "sample_size": 50,
            "outcomes": 41,
            "level": "authority",
            "step": "final_rule",
            "slipped": True,
            "aged": False,
        },
    )

    body = editor_api.get(f"{LIST}final-rules/").json()

    assert body["drift"] == {
        "periods": 2,
        "words": "+2 quarters against the first published target (Q3 2026)",
    }
    forecast = body["forecast"]
    assert (forecast["p50"], forecast["p80"]) == ("2027-05-01", "2027-09-01")
    assert (forecast["sample_size"], forecast["outcomes"]) == (50, 41)
    assert forecast["basis"]["level"] == "authority"
    assert "final rule" in forecast["basis"]["words"] and forecast["computed_at"]


def test_the_list_runs_the_same_queries_with_forecasts_present():
    build_roadmap(milestones=300, workstreams=10)
    client = APIClient()

    def list_queries():
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            assert client.get(LIST, {"page_size": 100}).status_code == 200
        return len(captured)

    without = list_queries()
    open_ones = Milestone.objects.exclude(status=Status.COMPLETED).filter(target_end__isnull=False)
    Forecast.objects.bulk_create(
        Forecast(milestone=m, p50=m.target_end, p80=m.target_end, target_end=m.target_end)
        for m in open_ones
    )
    assert Forecast.objects.exists()

    assert list_queries() == without
