"""The review queue in the admin: accept opens the change prefilled and records it; dismiss."""

import pytest
from django.urls import reverse

from roadmap.models import Milestone, Status
from roadmap.sources.models import Suggestion, SuggestionState, Watch, WatchRun
from tests.factories import MilestoneFactory


@pytest.fixture
def suggestion(db):
    watch = Watch.objects.create(name="press", kind="feed", url="https://example.org/press.rss")
    milestone = MilestoneFactory(title="Custody rules proposed")
    suggestion = Suggestion.objects.create(
        watch=watch,
        key="2026-140",
        title="Commission Proposes Custody Rules",
        url="https://www.sec.gov/newsroom/press-releases/2026-140",
        reason="shares custody with the milestone “Custody rules proposed”",
    )
    suggestion.milestones.set([milestone])
    return suggestion


def test_accept_opens_the_change_prefilled(admin_client, suggestion):
    url = reverse("admin:sources_suggestion_accept", args=[suggestion.pk])
    response = admin_client.get(url)
    assert response.status_code == 200
    form = response.context["form"]
    assert form["milestone"].initial == suggestion.milestones.get()
    assert form["note"].initial == "Commission Proposes Custody Rules"
    assert b"shares custody" in response.content


def test_accept_records_the_change_citing_the_item(admin_client, suggestion):
    milestone = suggestion.milestones.get()
    url = reverse("admin:sources_suggestion_accept", args=[suggestion.pk])
    response = admin_client.post(
        url,
        {
            "milestone": milestone.pk,
            "status": Status.CONSULTATION_OPEN,
            "target_text": "Q1 2027",
            "note": "Proposed; comments for 60 days.",
        },
    )
    assert response.status_code == 302
    stored = Milestone.objects.get(pk=milestone.pk)
    assert (stored.status, stored.target.words()) == (Status.CONSULTATION_OPEN, "Q1 2027")
    suggestion.refresh_from_db()
    assert suggestion.state == SuggestionState.ACCEPTED
    assert suggestion.update.source.url == suggestion.url
    assert admin_client.get(url).status_code == 404


def test_a_refused_transition_is_a_field_error_not_a_500(admin_client, suggestion):
    milestone = suggestion.milestones.get()
    url = reverse("admin:sources_suggestion_accept", args=[suggestion.pk])
    response = admin_client.post(
        url, {"milestone": milestone.pk, "target_text": "Q17 2027", "note": "x"}
    )
    assert response.status_code == 400
    assert "target_text" in response.context["form"].errors
    suggestion.refresh_from_db()
    assert suggestion.state == SuggestionState.NEW


def test_dismiss_action(admin_client, suggestion):
    response = admin_client.post(
        reverse("admin:sources_suggestion_changelist"),
        {"action": "dismiss", "_selected_action": [suggestion.pk]},
    )
    assert response.status_code == 302
    suggestion.refresh_from_db()
    assert suggestion.state == SuggestionState.DISMISSED


def test_the_admin_lists_watches_runs_and_suggestions(admin_client, suggestion):
    WatchRun.objects.create(watch=suggestion.watch, started_at="2026-11-25T06:00Z")
    for name in ("watch", "watchrun", "suggestion"):
        assert admin_client.get(reverse(f"admin:sources_{name}_changelist")).status_code == 200
