"""Every change to a milestone goes through roadmap.services, whichever door it came through.

A stored milestone's save() refuses a change to a tracked field unless the services record it, so
any entry point that saves one past them fails here and in every other test that exercises it.
"""

import ast
import datetime
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.models import Permission, User
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from roadmap import services
from roadmap.models import Dependency, Milestone, Status, UnrecordedChange, UpdateKind
from roadmap.targets import Target
from tests.factories import MilestoneFactory, TopicFactory
from tests.roadmap.test_admin import form_data

pytestmark = pytest.mark.django_db

EARLIER = datetime.datetime(2026, 1, 5, 9, tzinfo=datetime.UTC)
LATER = datetime.datetime(2026, 2, 5, 9, tzinfo=datetime.UTC)


@pytest.fixture
def milestone():
    with time_machine.travel(EARLIER, tick=False):
        return MilestoneFactory(target=Target.parse("Q3 2026"))


@pytest.mark.parametrize(
    "change",
    [
        {"status": Status.DELAYED},
        {"target": Target.parse("Q4 2026")},
        {"progress": 40},
    ],
)
def test_a_tracked_field_saved_past_the_services_is_refused(milestone, change):
    copy = Milestone.objects.get(pk=milestone.pk)
    for name, value in change.items():
        setattr(copy, name, value)

    with pytest.raises(UnrecordedChange):
        copy.save()

    stored = Milestone.objects.get(pk=milestone.pk)
    assert (stored.status, stored.progress) == (Status.PLANNED, 0)
    assert stored.target.same_dates(Target.parse("Q3 2026"))


def test_a_save_that_leaves_the_tracked_fields_alone_is_allowed(milestone):
    copy = Milestone.objects.get(pk=milestone.pk)
    copy.title = "Renamed"
    copy.status = Status.DELAYED  # in memory only: update_fields leaves it out of the save

    copy.save(update_fields=["title"])

    stored = Milestone.objects.get(pk=milestone.pk)
    assert (stored.title, stored.status) == ("Renamed", Status.PLANNED)


def test_a_milestone_refreshed_after_a_service_changed_it_saves_again(milestone):
    copy = Milestone.objects.get(pk=milestone.pk)
    services.milestone_change_status(milestone=milestone, status=Status.DELAYED)

    copy.refresh_from_db()
    copy.title = "Renamed"
    copy.save()

    assert Milestone.objects.get(pk=milestone.pk).title == "Renamed"


def test_only_the_services_say_that_they_record_a_save():
    """A save(recorded=True) anywhere else would open the door the guard closes."""
    callers = []
    for app in ["config", "roadmap", "tracker"]:
        for path in sorted((Path(settings.BASE_DIR) / app).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.keyword) and node.arg == "recorded":
                    callers.append(path.relative_to(settings.BASE_DIR).as_posix())

    assert set(callers) == {"roadmap/services.py"}


def test_changing_topics_through_the_service_bumps_updated_at_and_records_the_note(milestone):
    topic = TopicFactory()

    with time_machine.travel(LATER, tick=False):
        changed = services.milestone_record_update(
            milestone=milestone, topics=[topic], note="Also about custody"
        )

    assert list(changed.topics.all()) == [topic]
    assert changed.updated_at == LATER
    assert (changed.updates.first().kind, changed.updates.first().note) == (
        UpdateKind.NOTE,
        "Also about custody",
    )


def test_the_same_topics_again_change_nothing(milestone):
    topic = TopicFactory()
    milestone.topics.set([topic])

    with time_machine.travel(LATER, tick=False):
        unchanged = services.milestone_record_update(milestone=milestone, topics=[topic])

    assert unchanged.updated_at == EARLIER
    assert unchanged.updates.count() == 1


@pytest.fixture
def editor_api():
    editor = User.objects.create_user("editor")
    editor.user_permissions.set(Permission.objects.filter(codename="change_milestone"))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=editor).key}")
    return client


def test_topics_changed_through_the_api_bump_updated_at_and_the_changed_since_filter(
    milestone, editor_api
):
    topic = TopicFactory(slug="custody")
    url = f"/api/v1/milestones/{milestone.slug}/"

    with time_machine.travel(LATER, tick=False):
        response = editor_api.patch(url, {"topics": ["custody"]}, format="json")

    assert response.status_code == 200, response.json()
    assert response.json()["topics"] == ["custody"]
    stored = Milestone.objects.get(pk=milestone.pk)
    assert list(stored.topics.all()) == [topic]
    assert stored.updated_at == LATER
    since = (EARLIER + datetime.timedelta(days=1)).isoformat()
    listed = editor_api.get("/api/v1/milestones/", {"changed_since": since}).json()
    assert [m["slug"] for m in listed["results"]] == [milestone.slug]


def test_topics_changed_in_the_admin_go_to_the_service_with_the_editors_note(
    milestone, admin_client, admin_user, monkeypatch
):
    topic = TopicFactory()
    given = []
    record = services.milestone_record_update
    monkeypatch.setattr(
        services,
        "milestone_record_update",
        lambda **kw: given.append(list(kw.get("topics", []))) or record(**kw),
    )
    url = reverse("admin:roadmap_milestone_change", args=[milestone.pk])
    data = form_data(admin_client.get(url)) | {
        "topics": [str(topic.pk)],
        "change_note": "Also about custody",
    }

    with time_machine.travel(LATER, tick=False):
        response = admin_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert given == [[topic]]
    stored = Milestone.objects.get(pk=milestone.pk)
    assert list(stored.topics.all()) == [topic]
    assert stored.updated_at == LATER
    update = stored.updates.first()
    assert (update.kind, update.note, update.recorded_by) == (
        UpdateKind.NOTE,
        "Also about custody",
        admin_user,
    )


def test_the_admin_inlines_add_change_and_remove_sources_through_the_services(
    milestone, admin_client, monkeypatch
):
    kept = services.source_add(milestone=milestone, title="Agenda", publisher="OIRA")
    dropped = services.source_add(milestone=milestone, title="Blog", publisher="Someone")
    calls = []
    for name in ["source_add", "source_change", "source_remove"]:
        real = getattr(services, name)
        monkeypatch.setattr(
            services, name, lambda real=real, name=name, **kw: calls.append(name) or real(**kw)
        )
    url = reverse("admin:roadmap_milestone_change", args=[milestone.pk])
    data = form_data(admin_client.get(url))
    data["sources-TOTAL_FORMS"] = 3
    data |= {
        "sources-0-title": "Agenda, spring edition",
        "sources-1-DELETE": "on",
        "sources-2-title": "Press release",
        "sources-2-publisher": "SEC",
        "sources-2-url": "https://www.sec.gov/news",
    }

    response = admin_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert sorted(calls) == ["source_add", "source_change", "source_remove"]
    titles = list(milestone.sources.values_list("title", flat=True))
    assert titles == ["Agenda, spring edition", "Press release"]
    assert milestone.sources.filter(pk=kept.pk).exists()
    assert not milestone.sources.filter(pk=dropped.pk).exists()


def test_the_admin_inline_adds_and_removes_dependencies_through_the_services(
    milestone, admin_client, monkeypatch
):
    first, second = MilestoneFactory(), MilestoneFactory()
    services.milestone_add_dependency(milestone=milestone, prerequisite=first)
    calls = []
    for name in ["milestone_add_dependency", "milestone_remove_dependency"]:
        real = getattr(services, name)
        monkeypatch.setattr(
            services, name, lambda real=real, name=name, **kw: calls.append(name) or real(**kw)
        )
    url = reverse("admin:roadmap_milestone_change", args=[milestone.pk])
    data = form_data(admin_client.get(url)) | {"prerequisite_links-0-prerequisite": second.pk}

    response = admin_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert calls == ["milestone_remove_dependency", "milestone_add_dependency"]
    assert list(Dependency.objects.values_list("milestone", "prerequisite")) == [
        (milestone.pk, second.pk)
    ]


def test_a_dependency_loop_added_in_the_admin_is_a_field_error(milestone, admin_client):
    other = MilestoneFactory()
    services.milestone_add_dependency(milestone=other, prerequisite=milestone)
    url = reverse("admin:roadmap_milestone_change", args=[milestone.pk])
    data = form_data(admin_client.get(url)) | {
        "prerequisite_links-TOTAL_FORMS": 1,
        "prerequisite_links-0-prerequisite": other.pk,
    }

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert "loop" in str(response.context["inline_admin_formsets"][1].formset.errors)
    assert not Dependency.objects.filter(milestone=milestone).exists()
