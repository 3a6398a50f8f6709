"""The milestone page and the lists show the clock, the drift and the forecast."""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from roadmap import services
from roadmap.forecasts.clocks import Term
from roadmap.models import Forecast
from roadmap.targets import Target
from tests.factories import MilestoneFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


def test_the_page_shows_the_clock_the_drift_and_the_forecast(client):
    trigger = MilestoneFactory(title="Final rules", target=Target.parse("Q3 2026"))
    effective = MilestoneFactory(title="Effective", target=Target.parse("Q1 2026"))
    services.milestone_set_clock(
        milestone=effective,
        terms=[Term(after=trigger.pk, offset=120), Term(on=datetime.date(2027, 1, 18))],
    )
    Forecast.objects.update_or_create(
        milestone=effective,
        defaults={
            "p50": datetime.date(2027, 3, 1),
            "p80": datetime.date(2027, 6, 1),
            "target_end": datetime.date(2027, 1, 18),
            "sample_size": 30,
            "outcomes": 25,
            "level": "jurisdiction",
            "step": "effective",
        },
    )

    page = client.get(effective.get_absolute_url()).content.decode()

    assert "120 days after Final rules, or Jan. 18, 2027 if earlier → by Jan. 18, 2027" in page
    assert "+293 days against the first published target (Q1 2026)" in page
    assert "Likely by March 1, 2027 (P50); 8 in 10 by June 1, 2027 (P80)." in page
    assert "From 30 comparable targets, 25 with known outcomes" in page


def test_the_page_says_when_there_is_too_little_data(client):
    milestone = MilestoneFactory(title="Final rule")
    Forecast.objects.update_or_create(
        milestone=milestone,
        defaults={"target_end": milestone.target_end, "outcomes": 3, "sample_size": 5},
    )
    page = client.get(milestone.get_absolute_url()).content.decode()
    assert "No forecast: fewer than 20 comparable outcomes are known (3 so far)." in page


def test_the_page_and_the_dashboard_run_the_same_queries_with_forecasts(client):
    milestones = [MilestoneFactory(title=f"Final rule {n}") for n in range(30)]
    Forecast.objects.all().delete()

    def queries(url):
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    urls = [reverse("roadmap:dashboard"), milestones[0].get_absolute_url()]
    without = [queries(url) for url in urls]
    Forecast.objects.bulk_create(
        Forecast(milestone=m, p50=m.target_end, p80=m.target_end, target_end=m.target_end)
        for m in milestones
    )
    assert [queries(url) for url in urls] == without
