"""The editors' view: subscribers, the delivery log and its resend action, email previews."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from roadmap.targets import Target
from tests.factories import MilestoneFactory
from tracker.models import Delivery, DeliveryKind, DeliveryState

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(client):
    user = User.objects.create_superuser("editor", "editor@example.com", "a-long-test-password")
    client.force_login(user)
    return client


def test_subscriber_list_and_page_show_state_and_follows(editor, make_subscriber):
    subscriber = make_subscriber()
    page = editor.get(reverse("admin:tracker_subscriber_changelist")).content.decode()
    assert subscriber.email in page and "active" in page
    page = editor.get(reverse("admin:tracker_subscriber_change", args=[subscriber.pk]))
    assert page.status_code == 200 and "preview" in page.content.decode()


@pytest.mark.parametrize("kind", DeliveryKind.values)
def test_every_email_can_be_previewed_without_sending(editor, make_subscriber, kind, mailoutbox):
    MilestoneFactory(title="Token taxonomy statement", target=Target.parse("Q3 2099"))
    subscriber = make_subscriber(language="zh-hans")
    mailoutbox.clear()
    sent_before = Delivery.objects.count()
    response = editor.get(reverse("admin:tracker_subscriber_preview", args=[subscriber.pk, kind]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "List-Unsubscribe" in page
    if kind == "reminder":
        assert "Token taxonomy statement" in page
    html = editor.get(reverse("admin:tracker_subscriber_preview_html", args=[subscriber.pk, kind]))
    assert html.status_code == 200 and "<html" in html.content.decode()
    assert "sandbox" in html["Content-Security-Policy"]
    assert Delivery.objects.count() == sent_before and not mailoutbox


def test_preview_of_an_unknown_kind_is_a_404(editor, make_subscriber):
    subscriber = make_subscriber()
    url = reverse("admin:tracker_subscriber_preview", args=[subscriber.pk, "spam"])
    assert editor.get(url).status_code == 404


def test_deliveries_are_read_only_and_failed_ones_can_be_resent(
    editor, make_subscriber, django_capture_on_commit_callbacks
):
    subscriber = make_subscriber()
    failed = Delivery.objects.filter(subscriber=subscriber).first()
    Delivery.objects.filter(pk=failed.pk).update(state=DeliveryState.FAILED, last_error="451")
    change = editor.get(reverse("admin:tracker_delivery_change", args=[failed.pk]))
    assert change.status_code == 200 and 'name="_save"' not in change.content.decode()
    assert editor.get(reverse("admin:tracker_delivery_add")).status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        response = editor.post(
            reverse("admin:tracker_delivery_changelist"),
            {"action": "resend", "_selected_action": [failed.pk]},
            follow=True,
        )
    assert "Queued 1 failed delivery again" in response.content.decode()
    failed.refresh_from_db()
    assert failed.state == DeliveryState.SENT
