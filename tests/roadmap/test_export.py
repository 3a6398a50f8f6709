"""The dashboard's milestone list as CSV and JSON, with the page's filters, spreadsheet-safe."""

import csv
import io

import pytest
from django.core.cache import cache
from django.urls import reverse

from roadmap.models import Milestone
from roadmap.targets import Target
from tests.factories import MilestoneFactory
from tests.support.datasets import build_roadmap

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def _csv(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_dashboard_links_both_exports_with_its_filters(client, demo):
    page = client.get(reverse("roadmap:dashboard"), {"jurisdiction": "EU", "page": "1"})

    body = page.content.decode()
    assert f'href="{reverse("roadmap:export-csv")}?jurisdiction=EU"' in body
    assert f'href="{reverse("roadmap:export-json")}?jurisdiction=EU"' in body


def test_a_roadmap_page_links_the_export_of_its_milestones(client, demo):
    page = client.get(reverse("roadmap:roadmap", args=["eu-mica"])).content.decode()

    assert f'href="{reverse("roadmap:export-csv")}?roadmap=eu-mica"' in page


def test_csv_export_has_every_milestone_the_page_lists(client, demo):
    response = client.get(reverse("roadmap:export-csv"))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="milestones.csv"'
    rows = _csv(response)
    assert len(rows) == Milestone.objects.count()
    consultation = next(row for row in rows if row["slug"] == "sec-first-phase-public-comment")
    assert consultation["target"] == "by Q3 2025"
    assert consultation["deadline"] == "2025-09-30"
    assert consultation["jurisdiction"] == "US"
    assert consultation["url"].endswith("/milestones/sec-first-phase-public-comment/")


def test_exports_apply_the_same_filters_as_the_page(client, demo):
    query = {"jurisdiction": "EU", "status": "completed"}

    rows = _csv(client.get(reverse("roadmap:export-csv"), query))
    data = client.get(reverse("roadmap:export-json"), query).json()

    expected = set(
        Milestone.objects.filter(
            authority__jurisdiction__code="EU", status="completed"
        ).values_list("slug", flat=True)
    )
    assert expected and {row["slug"] for row in rows} == expected
    assert {item["slug"] for item in data["milestones"]} == expected


def test_json_export_carries_typed_values_and_topics(client, demo):
    data = client.get(reverse("roadmap:export-json"), {"q": "reserve audit"}).json()

    [milestone] = data["milestones"]
    assert milestone["title"] == "Stablecoin reserve audit rules"
    assert isinstance(milestone["progress"], int)
    assert "stablecoins" in milestone["topics"]


def test_a_bad_filter_is_ignored_as_on_the_page(client, demo):
    rows = _csv(client.get(reverse("roadmap:export-csv"), {"status": "bogus"}))

    assert len(rows) == Milestone.objects.count()


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_csv_cells_cannot_start_a_formula(client, start):
    MilestoneFactory(title=f'{start}HYPERLINK("http://evil.example")', summary=f"{start}1+1")

    [row] = _csv(client.get(reverse("roadmap:export-csv")))

    assert row["title"] == f'\'{start}HYPERLINK("http://evil.example")'
    assert row["summary"] == f"'{start}1+1"


def test_json_export_keeps_text_as_written(client):
    MilestoneFactory(title="=1+1", target=Target.parse("Q3 2025"))

    [milestone] = client.get(reverse("roadmap:export-json")).json()["milestones"]

    assert milestone["title"] == "=1+1"


EXPORT_QUERIES = 4


@pytest.mark.parametrize("size", [100, 10_000])
def test_exports_run_a_constant_number_of_queries(client, django_assert_max_num_queries, size):
    build_roadmap(milestones=size, workstreams=50)

    for name in ["export-csv", "export-json"]:
        with django_assert_max_num_queries(EXPORT_QUERIES):
            response = client.get(reverse(f"roadmap:{name}"), {"status": "planned"})
        assert response.status_code == 200
