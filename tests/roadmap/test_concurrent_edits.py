"""Two editors on one milestone: a change made from a copy someone else has changed since is
refused, in the admin (the version the form was opened at) and the API (If-Match with the ETag)."""

import pytest
from django.contrib.auth.models import Permission, User
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from roadmap import services
from roadmap.models import Milestone
from roadmap.targets import Target
from tests.factories import MilestoneFactory
from tests.roadmap.test_admin import form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice():
    return User.objects.create_user("alice", is_staff=True)


@pytest.fixture
def milestone():
    return MilestoneFactory(title="Custody rule", target=Target.parse("Q3 2027"))


def test_a_stale_admin_form_does_not_put_back_a_slip_and_names_who_and_when(
    admin_client, alice, milestone
):
    url = reverse("admin:roadmap_milestone_change", args=[milestone.pk])
    opened = form_data(admin_client.get(url))
    services.milestone_move_target(milestone=milestone, target=Target.parse("Q4 2027"), by=alice)
    slipped_at = milestone.updates.first().recorded_at

    response = admin_client.post(url, opened | {"title": "Custody rule (final)"})

    assert response.status_code == 200
    (message,) = response.context["adminform"].form.non_field_errors()
    assert "alice" in message
    assert slipped_at.strftime("%H:%M") in message
    assert "since you opened it" in message
    stored = Milestone.objects.get(pk=milestone.pk)
    assert (stored.title, stored.target.words()) == ("Custody rule", "Q4 2027")


def test_a_fresh_admin_form_saves(admin_client, milestone):
    url = reverse("admin:roadmap_milestone_change", args=[milestone.pk])

    response = admin_client.post(url, form_data(admin_client.get(url)) | {"title": "Renamed"})

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Milestone.objects.get(pk=milestone.pk).title == "Renamed"


def test_a_title_only_change_by_someone_else_also_stops_a_stale_form(admin_client, milestone):
    url = reverse("admin:roadmap_milestone_change", args=[milestone.pk])
    opened = form_data(admin_client.get(url))
    services.milestone_record_update(milestone=milestone, title="Custody rule, amended")

    response = admin_client.post(url, opened | {"progress": 40})

    assert response.status_code == 200
    assert "since you opened it" in response.context["adminform"].form.non_field_errors()[0]
    assert Milestone.objects.get(pk=milestone.pk).progress == 0


@pytest.fixture
def editor_api(alice):
    alice.user_permissions.set(
        Permission.objects.filter(codename__in=["add_milestone", "change_milestone"])
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=alice).key}")
    return client


def test_an_api_write_with_a_stale_etag_is_a_412_and_changes_nothing(editor_api, milestone):
    url = f"/api/v1/milestones/{milestone.slug}/"
    etag = editor_api.get(url)["ETag"]
    services.milestone_move_target(milestone=milestone, target=Target.parse("Q4 2027"))

    patch = editor_api.patch(url, {"title": "Stale"}, format="json", HTTP_IF_MATCH=etag)
    record = editor_api.post(
        f"{url}history/", {"note": "Stale", "progress": 10}, format="json", HTTP_IF_MATCH=etag
    )

    assert (patch.status_code, record.status_code) == (412, 412)
    assert "changed" in patch.json()["detail"]
    stored = Milestone.objects.get(pk=milestone.pk)
    assert (stored.title, stored.progress, stored.updates.count()) == ("Custody rule", 0, 2)


def test_an_api_write_with_the_current_etag_succeeds_and_returns_the_next_one(
    editor_api, milestone
):
    url = f"/api/v1/milestones/{milestone.slug}/"
    etag = editor_api.get(url)["ETag"]

    first = editor_api.patch(url, {"title": "Renamed"}, format="json", HTTP_IF_MATCH=etag)
    second = editor_api.patch(url, {"progress": 20}, format="json", HTTP_IF_MATCH=first["ETag"])

    assert (first.status_code, second.status_code) == (200, 200)
    assert first["ETag"] != etag
    assert second["ETag"] == editor_api.get(url)["ETag"]
    assert Milestone.objects.get(pk=milestone.pk).progress == 20


def test_if_match_star_and_no_if_match_still_write(editor_api, milestone):
    url = f"/api/v1/milestones/{milestone.slug}/"

    star = editor_api.patch(url, {"progress": 10}, format="json", HTTP_IF_MATCH="*")
    bare = editor_api.patch(url, {"progress": 20}, format="json")

    assert (star.status_code, bare.status_code) == (200, 200)


def test_a_weak_etag_never_matches_a_write(editor_api, milestone):
    url = f"/api/v1/milestones/{milestone.slug}/"
    etag = editor_api.get(url)["ETag"]

    response = editor_api.patch(url, {"progress": 10}, format="json", HTTP_IF_MATCH=f"W/{etag}")

    assert response.status_code == 412
