"""Editors in the admin: every change goes through the services and lands in the history."""

import datetime

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from roadmap.models import Milestone, Status, UpdateKind
from roadmap.targets import Target
from tests.factories import AuthorityFactory, MilestoneFactory, WorkstreamFactory

pytestmark = pytest.mark.django_db


def form_data(response) -> dict:
    """Return the POST data that submitting the admin page in ``response`` unchanged would send."""
    data = {}
    form = response.context["adminform"].form
    for name, field in form.fields.items():
        value = form[name].value()
        if value is None:
            continue
        if isinstance(value, list | tuple):
            data[form.add_prefix(name)] = [str(v) for v in value]
        else:
            data[form.add_prefix(name)] = field.widget.format_value(value) or value
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for key, value in formset.management_form.initial.items():
            data[f"{formset.prefix}-{key}"] = value
        for subform in formset.initial_forms:
            for name in subform.fields:
                value = subform[name].value()
                if value is not None:
                    data[subform.add_prefix(name)] = value
    return data


def test_editor_adds_a_milestone_with_a_target_in_words(admin_client, admin_user):
    workstream = WorkstreamFactory()
    page = admin_client.get(reverse("admin:roadmap_milestone_add"))
    data = form_data(page) | {
        "title": "First-phase outputs out for public comment",
        "workstream": workstream.pk,
        "authority": workstream.roadmap.authority.pk,
        "status": Status.PLANNED,
        "progress": 0,
        "confidence": "reported",
        "target_text": "before Q3 2025",
        "change_note": "From the article",
    }
    data["sources-TOTAL_FORMS"] = 1
    data |= {"sources-0-title": "Article", "sources-0-publisher": "News", "sources-0-url": ""}

    response = admin_client.post(reverse("admin:roadmap_milestone_add"), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    milestone = Milestone.objects.get()
    assert milestone.slug == "first-phase-outputs-out-for-public-comment"
    assert milestone.target.words() == "by Q3 2025"
    assert milestone.target_wording == "before Q3 2025"
    assert milestone.sources.get().publisher == "News"
    (update,) = milestone.updates.all()
    assert (update.kind, update.recorded_by, update.note) == (
        UpdateKind.CREATED,
        admin_user,
        "From the article",
    )


def test_a_target_moved_in_the_admin_is_a_slip_recorded_with_the_editor(admin_client, admin_user):
    milestone = MilestoneFactory(target=Target.parse("Q2 2025"))
    url = reverse("admin:roadmap_milestone_change", args=[milestone.pk])
    data = form_data(admin_client.get(url)) | {
        "target_text": "Q3 2025",
        "change_note": "Pushed back a quarter",
    }

    response = admin_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    milestone.refresh_from_db()
    assert (milestone.slip_count, milestone.slip_days) == (1, 92)
    update = milestone.updates.first()
    assert (update.slip_days, update.recorded_by, update.note) == (
        92,
        admin_user,
        "Pushed back a quarter",
    )


def test_an_unreadable_target_is_shown_as_a_field_error_and_nothing_changes(admin_client):
    milestone = MilestoneFactory(target=Target.parse("Q2 2025"))
    url = reverse("admin:roadmap_milestone_change", args=[milestone.pk])
    data = form_data(admin_client.get(url)) | {"target_text": "Q5 2025", "progress": 30}

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert "Can’t read “Q5 2025” as a target" in response.content.decode() or (
        "Can't read" in response.context["adminform"].form.errors["target_text"][0]
    )
    milestone.refresh_from_db()
    assert (milestone.progress, milestone.updates.count()) == (0, 1)


def test_a_forbidden_transition_is_a_field_error(admin_client):
    milestone = MilestoneFactory(
        status=Status.COMPLETED, progress=100, actual_date=datetime.date(2025, 1, 2)
    )
    url = reverse("admin:roadmap_milestone_change", args=[milestone.pk])
    data = form_data(admin_client.get(url)) | {"status": Status.IN_PROGRESS, "actual_date": ""}

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert "can't become in progress" in response.context["adminform"].form.errors["status"][0]
    assert Milestone.objects.get(pk=milestone.pk).status == Status.COMPLETED


def test_completing_without_a_date_or_full_progress_is_explained(admin_client):
    milestone = MilestoneFactory()
    url = reverse("admin:roadmap_milestone_change", args=[milestone.pk])
    data = form_data(admin_client.get(url)) | {"status": Status.COMPLETED}

    response = admin_client.post(url, data)

    errors = response.context["adminform"].form.errors
    assert set(errors) >= {"actual_date", "progress"}


def test_shift_action_asks_for_days_and_a_note_then_records_slips(admin_client, admin_user):
    first = MilestoneFactory(target=Target.parse("March 2025"))
    second = MilestoneFactory(target=Target.parse("Q1 2025"))
    undated = MilestoneFactory(target=Target.undated())
    changelist = reverse("admin:roadmap_milestone_changelist")
    selected = {"action": "shift_target", ACTION_CHECKBOX_NAME: [first.pk, second.pk, undated.pk]}

    confirm = admin_client.post(changelist, selected)
    assert confirm.status_code == 200
    assert "Shift targets" in confirm.content.decode()

    response = admin_client.post(
        changelist, selected | {"apply": "1", "days": 92, "note": "Agency backlog"}, follow=True
    )

    messages = [str(m) for m in response.context["messages"]]
    assert "2 milestones changed." in messages
    assert any("no date yet can't be shifted" in m for m in messages)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.target.words(), second.target.words()) == ("June 2025", "Q2 2025")
    assert first.updates.first().recorded_by == admin_user
    assert second.updates.first().note == "Agency backlog"


def test_shift_action_without_a_note_shows_the_form_again(admin_client):
    milestone = MilestoneFactory(target=Target.parse("Q1 2025"))
    changelist = reverse("admin:roadmap_milestone_changelist")
    selected = {"action": "shift_target", ACTION_CHECKBOX_NAME: [milestone.pk]}

    response = admin_client.post(changelist, selected | {"apply": "1", "days": 92, "note": ""})

    assert response.status_code == 200
    assert response.context["form"].errors["note"]
    assert milestone.updates.count() == 1


def test_change_status_action_completes_with_the_given_date(admin_client):
    milestone = MilestoneFactory()
    changelist = reverse("admin:roadmap_milestone_changelist")

    admin_client.post(
        changelist,
        {
            "action": "change_status",
            ACTION_CHECKBOX_NAME: [milestone.pk],
            "apply": "1",
            "status": Status.COMPLETED,
            "actual_date": "2025-07-15",
            "note": "Published",
        },
    )

    milestone.refresh_from_db()
    assert (milestone.status, milestone.actual_date, milestone.progress) == (
        Status.COMPLETED,
        datetime.date(2025, 7, 15),
        100,
    )


@pytest.mark.parametrize(
    "query",
    ["", "?due=overdue", "?due=30", "?due=undated", "?status__exact=planned", "?q=consultation"],
)
def test_changelist_filters_render_with_few_queries(
    admin_client, django_assert_max_num_queries, query
):
    authority = AuthorityFactory()
    for number in range(30):
        MilestoneFactory(authority=authority, target=Target.parse(f"Q{number % 4 + 1} 2025"))

    with django_assert_max_num_queries(15):
        response = admin_client.get(reverse("admin:roadmap_milestone_changelist") + query)

    assert response.status_code == 200


def test_history_is_shown_read_only_on_the_change_page(admin_client):
    milestone = MilestoneFactory(target=Target.parse("Q2 2025"))
    from roadmap import services

    services.milestone_move_target(milestone=milestone, target=Target.parse("Q3 2025"), note="Slip")

    page = admin_client.get(reverse("admin:roadmap_milestone_change", args=[milestone.pk]))

    assert "target Q2 2025 → Q3 2025 (+92 days)" in page.content.decode()


def test_history_cannot_be_edited_or_deleted_in_the_admin(admin_client):
    milestone = MilestoneFactory()
    update = milestone.updates.get()

    assert admin_client.get(reverse("admin:roadmap_milestoneupdate_add")).status_code == 403
    assert (
        admin_client.post(
            reverse("admin:roadmap_milestoneupdate_delete", args=[update.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert milestone.updates.count() == 1


def test_periodic_tasks_are_managed_in_the_admin(admin_client):
    assert (
        admin_client.get(reverse("admin:django_celery_beat_periodictask_changelist")).status_code
        == 200
    )
