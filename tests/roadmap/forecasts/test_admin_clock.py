"""Editors set a clock in the admin; completing the trigger there moves the clocked target."""

import datetime

import pytest
from django.urls import reverse

from roadmap.models import Status
from roadmap.targets import Target
from tests.factories import MilestoneFactory
from tests.roadmap.test_admin import form_data

pytestmark = pytest.mark.django_db


def test_an_editor_sets_a_clock_and_completing_the_trigger_moves_it(admin_client, admin_user):
    final_rules = MilestoneFactory(title="Final rules", target=Target.parse("Q3 2026"))
    effective = MilestoneFactory(title="Effective", target=Target.undated())
    url = reverse("admin:roadmap_milestone_change", args=[effective.pk])
    data = form_data(admin_client.get(url)) | {"clock_combine": "earlier"}
    data |= {
        "clock_terms-TOTAL_FORMS": 2,
        "clock_terms-0-offset": 120,
        "clock_terms-0-unit": "days",
        "clock_terms-0-trigger": final_rules.pk,
        "clock_terms-1-offset": 0,
        "clock_terms-1-unit": "days",
        "clock_terms-1-on": "2027-01-18",
    }

    response = admin_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    effective.refresh_from_db()
    assert effective.target_end == datetime.date(2027, 1, 18)
    assert effective.updates.first().recorded_by == admin_user

    trigger_url = reverse("admin:roadmap_milestone_change", args=[final_rules.pk])
    data = form_data(admin_client.get(trigger_url)) | {
        "status": Status.COMPLETED,
        "progress": 100,
        "actual_date": "2026-09-01",
    }
    assert admin_client.post(trigger_url, data).status_code == 302
    effective.refresh_from_db()
    assert effective.target_end == datetime.date(2026, 12, 30)
    assert effective.updates.first().note == "Moved because Final rules completed on 2026-09-01."

    page = admin_client.get(url).content.decode()
    assert "clock_terms-0-trigger" in page


def test_a_looping_clock_is_a_form_error_in_the_admin(admin_client):
    first = MilestoneFactory(title="First")
    second = MilestoneFactory(title="Second")
    url = reverse("admin:roadmap_milestone_change", args=[second.pk])
    data = form_data(admin_client.get(url)) | {
        "clock_terms-TOTAL_FORMS": 1,
        "clock_terms-0-offset": 30,
        "clock_terms-0-unit": "days",
        "clock_terms-0-trigger": first.pk,
    }
    assert admin_client.post(url, data).status_code == 302

    url = reverse("admin:roadmap_milestone_change", args=[first.pk])
    data = form_data(admin_client.get(url)) | {
        "clock_terms-TOTAL_FORMS": 1,
        "clock_terms-0-offset": 30,
        "clock_terms-0-unit": "days",
        "clock_terms-0-trigger": second.pk,
    }
    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert "loop" in response.content.decode()
    assert not first.clock_terms.exists()
