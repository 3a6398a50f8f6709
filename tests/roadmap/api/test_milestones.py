"""The JSON API: reads for anyone, writes for editors through the services, bad input refused."""

import json

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from roadmap.api.views import MAX_BODY_BYTES
from roadmap.models import Milestone, MilestoneUpdate, Workstream
from tests.support.datasets import build_roadmap

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo")]
LIST = "/api/v1/milestones/"


@pytest.fixture
def api():
    return APIClient()


def test_milestone_has_a_structured_fuzzy_target_in_the_requested_language(api):
    body = api.get(f"{LIST}sec-first-phase-public-comment/", {"lang": "zh-hans"}).json()

    assert body["target"] == {
        "precision": "quarter",
        "start": "2025-07-01",
        "end": "2025-09-30",
        "qualifier": "by",
        "wording": "before Q3 2025",
        "words": "2025年第三季度前",
        "deadline": "2025-09-30",
    }
    assert body["url"].endswith("/milestones/sec-first-phase-public-comment/")
    assert body["calendar_url"].endswith("/calendar.ics")


def test_dependencies_are_listed_both_ways(api):
    body = api.get(f"{LIST}sec-tiered-asset-assessment/").json()

    assert body["needed_by"] == ["sec-exchange-wallet-admission-rules"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (
            {"jurisdiction": "eu"},
            {"mica-stablecoin-titles-apply", "mica-applies-in-full", "mica-casp-transition-ends"},
        ),
        (
            {"authority": "MAS"},
            {
                "sg-major-payment-institution-licences",
                "sg-stablecoin-framework-finalised",
                "sg-dtsp-regime-takes-effect",
            },
        ),
        ({"roadmap": "us-genius-act", "status": "in_progress"}, {"genius-final-rules"}),
        ({"q": "reserve audit"}, {"sec-stablecoin-reserve-audits"}),
        (
            {"due_after": "2026-05-01", "due_before": "2026-12-31", "authority": "SEC"},
            {"sec-investor-education-programme", "sec-regulation-crypto-assets-proposal"},
        ),
    ],
)
def test_filters(api, query, expected):
    results = api.get(LIST, query).json()["results"]

    assert {m["slug"] for m in results} == expected


def test_several_statuses_and_overdue(api):
    completed = api.get(LIST, {"status": ["completed", "cancelled"]}).json()["results"]
    overdue = api.get(LIST, {"overdue": "true"}).json()["results"]

    assert {m["status"] for m in completed} == {"completed"}
    assert {m["slug"] for m in overdue} == {
        "sec-investor-education-programme",
        "sec-regulation-crypto-assets-proposal",
        "genius-final-rules",
        "genius-act-effective",
    }


@pytest.mark.parametrize(
    "query",
    [
        {"status": "bogus"},
        {"due_after": "2025-99-01"},
        {"changed_since": "yesterday"},
        {"overdue": "perhaps"},
        {"workstream": "abc"},
        {"workstream": "-4.27e96"},  # found by schemathesis: was a 500
        {"workstream": "1.5"},
        {"lang": "fr"},
        {"ordering": "password"},
    ],
)
def test_bad_filters_are_a_400_naming_the_filter(api, query):
    response = api.get(LIST, query)

    if "ordering" in query:
        assert response.status_code == 200  # an unknown ordering field is ignored, as DRF does
        return
    assert response.status_code == 400
    assert set(response.json()) == set(query)


def test_cursor_pages_are_stable_and_bounded(api):
    first = api.get(LIST, {"page_size": 5}).json()
    second = api.get(first["next"]).json()

    slugs = [m["slug"] for m in first["results"] + second["results"]]
    assert len(slugs) == len(set(slugs)) == 10
    assert len(api.get(LIST, {"page_size": 100}).json()["results"]) == Milestone.objects.count()
    assert api.get(LIST, {"page_size": 1000}).status_code == 400


def test_changes_stream_since_a_time(api, editor_api):
    editor_api.post(
        f"{LIST}sec-nft-securitisation/history/", {"note": "Roundtable held"}, format="json"
    )
    since = MilestoneUpdate.objects.order_by("-recorded_at").first().recorded_at

    results = api.get("/api/v1/changes/", {"since": since.isoformat()}).json()["results"]

    assert [c["note"] for c in results] == ["Roundtable held"]


def test_etag_and_last_modified_give_304(api):
    first = api.get(f"{LIST}sec-first-phase-public-comment/")

    again = api.get(f"{LIST}sec-first-phase-public-comment/", HTTP_IF_NONE_MATCH=first["ETag"])
    since = api.get(LIST, HTTP_IF_MODIFIED_SINCE=api.get(LIST)["Last-Modified"])

    assert first["ETag"] and first["Last-Modified"]
    assert again.status_code == 304
    assert since.status_code == 304


def test_anonymous_writes_are_refused(api):
    response = api.post(LIST, {"title": "x"}, format="json")

    assert response.status_code in (401, 403)
    assert not Milestone.objects.filter(title="x").exists()


def test_editor_creates_a_milestone_with_a_target_in_words(editor_api):
    workstream = Workstream.objects.get(slug="stablecoins", roadmap__slug="sec-crypto-task-force")

    response = editor_api.post(
        LIST,
        {
            "title": "Stablecoin roundtable",
            "workstream": workstream.pk,
            "authority": "SEC",
            "target": "not before H2 2026",
            "topics": ["stablecoins"],
            "note": "Announced in a speech",
        },
        format="json",
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["target"]["qualifier"] == "not_before"
    milestone = Milestone.objects.get(slug=body["slug"])
    assert milestone.updates.get().note == "Announced in a speech"


def test_editor_patch_records_a_slip_like_the_admin(editor_api):
    response = editor_api.patch(
        f"{LIST}sec-first-phase-public-comment/",
        {"target": "by Q4 2025", "note": "Pushed back"},
        format="json",
    )

    assert response.status_code == 200, response.json()
    assert (response.json()["slip_count"], response.json()["slip_days"]) == (1, 92)
    update = Milestone.objects.get(slug="sec-first-phase-public-comment").updates.first()
    assert (update.slip_days, update.note, update.recorded_by.username) == (
        92,
        "Pushed back",
        "editor",
    )


def test_record_update_with_a_note_and_a_status(editor_api):
    response = editor_api.post(
        f"{LIST}sec-defi-registration-path/history/",
        {"note": "Concept release out", "status": "consultation_open"},
        format="json",
    )

    assert response.status_code == 201
    assert response.json()["status"] == "consultation_open"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"target": "Q5 2025"}, "target"),
        (
            {"target": {"precision": "quarter", "start": "2025-02-01", "end": "2025-04-30"}},
            "target",
        ),
        ({"target": {"precision": "quarter", "start": "2025-99-01"}}, "target"),
        ({"progress": "lots"}, "progress"),
        ({"progress": 150}, "progress"),
        ({"status": "cancelled", "colour": "red"}, "colour"),
        ({"status": "completed", "progress": 50}, "progress"),
        ({"actual_date": "2025-13-01"}, "actual_date"),
        ({"workstream": 999999}, "workstream"),
    ],
)
def test_bad_writes_are_a_400_with_field_messages_and_change_nothing(editor_api, payload, field):
    before = Milestone.objects.get(slug="sec-first-phase-public-comment")

    response = editor_api.patch(f"{LIST}sec-first-phase-public-comment/", payload, format="json")

    assert response.status_code == 400
    assert field in response.json()
    after = Milestone.objects.get(slug="sec-first-phase-public-comment")
    assert (after.status, after.progress, after.target, after.updated_at) == (
        before.status,
        before.progress,
        before.target,
        before.updated_at,
    )


def test_a_forbidden_transition_is_a_400(editor_api):
    response = editor_api.patch(
        f"{LIST}sec-crypto-task-force-announced/", {"status": "planned"}, format="json"
    )

    assert response.status_code == 400
    assert "can't become planned" in response.json()["status"][0]


def test_malformed_and_oversized_bodies_are_a_400(editor_api):
    url = f"{LIST}sec-first-phase-public-comment/"
    malformed = editor_api.generic("PATCH", url, '{"title": ', content_type="application/json")
    oversized = editor_api.generic(
        "PATCH",
        url,
        json.dumps({"summary": "x" * (MAX_BODY_BYTES + 1)}),
        content_type="application/json",
    )

    assert malformed.status_code == 400 and "JSON parse error" in malformed.json()["detail"]
    assert oversized.status_code == 400 and "limit" in oversized.json()["detail"]


@pytest.mark.parametrize("size", [100, 10_000])
def test_a_page_of_100_milestones_runs_a_constant_number_of_queries(
    api, django_assert_max_num_queries, size
):
    build_roadmap(milestones=size, workstreams=50)

    with django_assert_max_num_queries(7):
        response = api.get(LIST, {"page_size": 100, "roadmap": "bench-roadmap"})

    assert len(response.json()["results"]) == 100


@pytest.mark.parametrize("path", ["/api/v1/milestones/a.b/history/", "/api/v1/authorities/A.B/"])
def test_an_address_under_the_api_that_matches_nothing_is_a_json_404(client, path):
    # Found by schemathesis: a dot in a slug fell through to the site's HTML 404 page.
    response = client.get(path)
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_the_site_keeps_its_html_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404 and "text/html" in response["Content-Type"]


def test_a_forwarded_for_header_does_not_escape_the_anonymous_limit(api, monkeypatch):
    from rest_framework.throttling import AnonRateThrottle

    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "2/minute"})
    cache.clear()
    answers = [
        api.get(LIST, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}", REMOTE_ADDR="198.51.100.7").status_code
        for n in range(3)
    ]

    assert answers == [200, 200, 429]
