"""The demo's public record, 2025–2026: reported facts with their sources, the GENIUS Act's clocks,
what became of the seed article's milestones, and a loader that never overwrites an editor."""

import datetime

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.management import call_command
from django.urls import reverse

from roadmap import demo_record, services
from roadmap.models import Confidence, Milestone, Status, UpdateKind

pytestmark = pytest.mark.django_db
D = datetime.date


def load():
    call_command("load_demo_roadmap", stdout=open("/dev/null", "w"))  # noqa: SIM115


def milestone(slug):
    return Milestone.objects.get(slug=slug)


@pytest.fixture
def demo():
    load()


def test_every_recorded_fact_is_reported_with_its_sources(demo):
    for recorded in demo_record.RECORDED_MILESTONES:
        loaded = milestone(recorded.slug)
        assert loaded.confidence == Confidence.REPORTED
        assert [s.publisher for s in loaded.sources.all()] == [
            s["publisher"] for s in recorded.sources
        ]
    linked = [s for r in demo_record.RECORDED_MILESTONES for s in r.sources if s["url"]]
    assert all(s["url"].startswith("https://") for s in linked)
    assert len(linked) >= len(demo_record.RECORDED_MILESTONES) - 1


def test_where_sources_disagree_on_a_date_both_are_shown(demo, client):
    categories = milestone("sec-cftc-crypto-asset-categories")
    assert {s.publisher for s in categories.sources.all()} == {"Paul Weiss", "legiseye.com"}
    page = client.get(categories.get_absolute_url()).content.decode()
    assert "17 March" in page and "23 March" in page
    assert "https://legiseye.com/" in page and "https://www.paulweiss.com/" in page


def test_the_genius_acts_dates_are_clocks_from_its_enactment(demo):
    assert milestone("genius-final-rules").target_end == D(2026, 7, 18)
    # The final rules are still open: 120 days after their deadline, earlier than 18 January 2027.
    assert milestone("genius-act-effective").target_end == D(2026, 11, 15)
    assert milestone("genius-service-provider-transition-ends").target_end == D(2028, 7, 18)


def test_completing_the_final_rules_in_the_api_moves_the_effective_date(demo, editor_api):
    response = editor_api.post(
        "/api/v1/milestones/genius-final-rules/history/",
        {"note": "Final rules published.", "status": "completed", "actual_date": "2026-09-01"},
        format="json",
    )
    assert response.status_code == 201, response.content

    effective = milestone("genius-act-effective")
    assert effective.target_end == D(2026, 12, 30)  # 120 days after 1 September 2026
    latest = effective.updates.order_by("-id").first()
    assert latest.note == "Moved because Final implementing rules completed on 2026-09-01."
    assert latest.slip_days == 45


def test_completing_the_final_rules_in_the_admin_moves_it_no_later_than_18_january(
    demo, admin_client
):
    admin_client.post(
        reverse("admin:roadmap_milestone_changelist"),
        {
            "action": "change_status",
            ACTION_CHECKBOX_NAME: [milestone("genius-final-rules").pk],
            "apply": "1",
            "status": Status.COMPLETED,
            "actual_date": "2026-10-01",
            "note": "Final rules published.",
        },
    )
    assert milestone("genius-final-rules").status == Status.COMPLETED
    # 120 days after 1 October 2026 is 29 January 2027: the fixed date comes first.
    assert milestone("genius-act-effective").target_end == D(2027, 1, 18)


def test_the_seed_articles_milestones_keep_their_source_and_record_what_happened(demo):
    comment = milestone("sec-first-phase-public-comment")
    first, *later = comment.sources.all()
    assert first.publisher == "Chinese-language news report"
    assert {s.publisher for s in later} == {
        "Zero One Strategies",
        "zealnews.africa",
        "Willkie Farr & Gallagher (Compliance Concourse)",
    }
    assert (comment.status, comment.actual_date) == (Status.COMPLETED, D(2025, 2, 10))
    assert comment.target_wording == "before Q3 2025"  # the article's promise is kept
    completed = comment.updates.get(new_status=Status.COMPLETED)
    assert completed.source.publisher == "Zero One Strategies"
    assert completed.observed_at.date() == D(2025, 2, 10)
    notes = comment.updates.filter(kind=UpdateKind.NOTE)
    assert notes.count() == 2
    announced = milestone("sec-crypto-task-force-announced")
    assert "https://www.sec.gov/newsroom/press-releases/2025-30" in [
        s.url for s in announced.sources.all()
    ]


def test_loading_again_records_nothing_twice(demo):
    counts = (Milestone.objects.count(), sum(m.updates.count() for m in Milestone.objects.all()))
    load()
    assert (
        Milestone.objects.count(),
        sum(m.updates.count() for m in Milestone.objects.all()),
    ) == counts


def test_an_editors_change_stays_when_the_demo_loads_again(demo):
    roundtable = milestone("sec-roundtable-custody")
    services.milestone_record_update(
        milestone=roundtable, title="Custody roundtable (edited)", summary="Edited."
    )
    services.milestone_record_update(
        milestone=milestone("genius-final-rules"), status=Status.DELAYED, note="Late."
    )
    load()
    roundtable = milestone("sec-roundtable-custody")
    assert (roundtable.title, roundtable.summary) == ("Custody roundtable (edited)", "Edited.")
    assert milestone("genius-final-rules").status == Status.DELAYED


def test_a_reported_event_never_overrides_an_editor_who_got_there_first(monkeypatch):
    """A site loaded before the record: an editor reopened the public-comment milestone."""
    monkeypatch.setattr(demo_record, "RECORDED_EVENTS", [])
    load()
    services.milestone_record_update(
        milestone=milestone("sec-first-phase-public-comment"),
        status=Status.IN_PROGRESS,
        note="Editor: questions published, comments still coming in.",
    )
    monkeypatch.undo()
    load()
    comment = milestone("sec-first-phase-public-comment")
    assert comment.status == Status.IN_PROGRESS
    assert not comment.updates.filter(new_status=Status.COMPLETED).exists()
    assert comment.updates.filter(kind=UpdateKind.NOTE).count() == 2  # the notes still added
