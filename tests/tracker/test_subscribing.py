"""Subscribing, confirming, preferences and unsubscribing, through the pages and services."""

import datetime
import re

import pytest
import time_machine
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse

from tests.factories import MilestoneFactory, WorkstreamFactory
from tracker import tokens
from tracker.models import Delivery, DeliveryKind, DeliveryState, Follow, Subscriber

pytestmark = pytest.mark.django_db

FORM = {
    "email": "Reader@Example.com",
    "everything": "on",
    "digest_frequency": "weekly",
    "digest_weekday": "2",
    "reminder_days": "30, 7, 1",
    "timezone": "Asia/Singapore",
    "send_hour": "9",
    "language": "zh-hans",
}


def _link(message, name):
    pattern = rf"https?://[^\s\"<>]+/subscribe/{name}/[^\s\"<>]+/"
    return re.search(pattern, message.body).group(0)


def _path(url):
    return "/" + url.split("/", 3)[3]


def test_subscribing_sends_one_confirmation_and_nothing_else(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("tracker:subscribe"), FORM)
    assert response.status_code == 302
    assert response.url == reverse("tracker:subscribe-sent")
    subscriber = Subscriber.objects.get()
    assert subscriber.email == "reader@example.com"
    assert subscriber.reminder_days == [30, 7, 1]
    assert subscriber.timezone == "Asia/Singapore" and subscriber.send_hour == 9
    assert not subscriber.is_active
    [message] = mail.outbox
    assert message.to == ["reader@example.com"]
    assert "确认" in message.subject  # the subscriber's language
    html = message.alternatives[0][0]
    assert "<html" in html and _link(message, "confirm") in html
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert (
        "<https://" in message.extra_headers["List-Unsubscribe"]
        or "<http://" in (message.extra_headers["List-Unsubscribe"])
    )
    assert "mailto:" in message.extra_headers["List-Unsubscribe"]


def test_confirm_link_shows_a_button_and_only_the_post_confirms(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("tracker:subscribe"), FORM)
    url = _path(_link(mail.outbox[0], "confirm"))
    page = client.get(url)
    assert page.status_code == 200 and "<form" in page.content.decode()
    assert not Subscriber.objects.get().is_active
    response = client.post(url)
    assert response.status_code == 302
    subscriber = Subscriber.objects.get()
    assert subscriber.is_active and subscriber.digest_cursor == subscriber.confirmed_at
    assert client.post(url).status_code == 302  # a second click changes nothing and is no error
    assert Subscriber.objects.get().confirmed_at == subscriber.confirmed_at


def test_subscribing_a_known_address_answers_the_same_and_makes_no_second_subscriber(
    client, make_subscriber, django_capture_on_commit_callbacks
):
    make_subscriber(email="reader@example.com", digest_frequency="daily")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("tracker:subscribe"), FORM)
    assert response.status_code == 302 and response.url == reverse("tracker:subscribe-sent")
    assert Subscriber.objects.count() == 1
    subscriber = Subscriber.objects.get()
    assert subscriber.digest_frequency == "daily"  # nothing changed from an unsigned form
    [message] = mail.outbox
    assert _link(message, "manage")
    assert Delivery.objects.filter(kind=DeliveryKind.ACCESS).count() == 1


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"email": "not-an-address"}, "email", "valid email"),
        ({"email": "a@example.com\nBcc: victim@example.com"}, "email", "valid email"),
        ({"reminder_days": "7, soon"}, "reminder_days", "whole numbers"),
        ({"reminder_days": "400"}, "reminder_days", "1 to 365"),
        ({"reminder_days": "7, 7"}, "reminder_days", "once"),
        ({"timezone": "Mars/Olympus"}, "timezone", "valid choice"),
        ({"send_hour": "24"}, "send_hour", "valid choice"),
        ({"everything": "", "milestones": ["no-such-milestone"]}, "milestones", "valid choice"),
        ({"everything": "", "workstreams": ["999999"]}, "workstreams", "valid choice"),
    ],
)
def test_bad_input_gets_a_field_message_and_changes_nothing(client, changes, field, message):
    form = {**FORM, **changes}
    response = client.post(reverse("tracker:subscribe"), form)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert field in errors and message in " ".join(errors[field])
    assert not Subscriber.objects.exists() and not mail.outbox


def test_following_nothing_or_receiving_nothing_is_explained(client):
    response = client.post(reverse("tracker:subscribe"), {**FORM, "everything": ""})
    assert response.status_code == 400
    assert "Choose what to follow" in response.content.decode()
    response = client.post(
        reverse("tracker:subscribe"), {**FORM, "digest_frequency": "never", "reminder_days": ""}
    )
    assert "nothing to send" in response.content.decode()


def test_subscribe_page_starts_from_what_the_linking_page_follows(client):
    workstream = WorkstreamFactory()
    milestone = MilestoneFactory(workstream=workstream)
    response = client.get(
        reverse("tracker:subscribe"), {"workstream": workstream.pk, "milestone": milestone.slug}
    )
    form = response.context["form"]
    assert list(form.initial["workstreams"]) == [workstream]
    assert form.initial["milestones"] == [milestone]
    assert not form.initial.get("everything")
    page = response.content.decode()
    assert f'value="{milestone.slug}" ' in page and "checked" in page


@override_settings(SUBSCRIBE_RATE_PER_ADDRESS="2/hour", SUBSCRIBE_RATE_PER_CLIENT="3/hour")
def test_subscribing_is_rate_limited_per_address_and_per_client(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(2):
            assert client.post(reverse("tracker:subscribe"), FORM).status_code == 302
        response = client.post(reverse("tracker:subscribe"), FORM)
        assert response.status_code == 429 and "Too many attempts" in response.content.decode()
        other = client.post(reverse("tracker:subscribe"), {**FORM, "email": "other@example.com"})
    assert other.status_code == 429  # this client's fourth attempt
    assert Subscriber.objects.count() == 1
    assert Delivery.objects.filter(kind=DeliveryKind.CONFIRMATION).count() == 2


def test_tampered_and_expired_links_get_a_clear_page_and_change_nothing(client, make_subscriber):
    subscriber = make_subscriber(confirm=False)
    token = tokens.make_token(subscriber, tokens.CONFIRM)
    tampered = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")
    response = client.post(reverse("tracker:confirm", args=[tampered]))
    assert response.status_code == 400 and "no longer valid" in response.content.decode()
    with time_machine.travel(datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=8)):
        response = client.post(reverse("tracker:confirm", args=[token]))
    assert response.status_code == 400 and "expired" in response.content.decode()
    assert not Subscriber.objects.get().is_active
    manage = tokens.make_token(subscriber, tokens.MANAGE)
    assert client.get(reverse("tracker:confirm", args=[manage])).status_code == 400  # wrong salt


def test_unsubscribe_get_asks_and_one_click_post_needs_no_session_or_csrf(make_subscriber):
    subscriber = make_subscriber()
    url = reverse("tracker:unsubscribe", args=[tokens.make_token(subscriber, tokens.MANAGE)])
    client = Client(enforce_csrf_checks=True)
    assert client.get(url).status_code == 200
    assert Subscriber.objects.get().is_active
    response = client.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert Subscriber.objects.get().unsubscribed_at is not None
    again = client.post(url, {"List-Unsubscribe": "One-Click"})  # the link died with the secret
    assert again.status_code == 400 and Subscriber.objects.get().unsubscribed_at is not None


def test_preferences_page_changes_what_is_followed_and_needs_csrf(make_subscriber):
    subscriber = make_subscriber()
    milestone = MilestoneFactory()
    url = reverse("tracker:manage", args=[tokens.make_token(subscriber, tokens.MANAGE)])
    form = {**FORM, "everything": "", "milestones": [milestone.slug], "language": "en"}
    assert Client(enforce_csrf_checks=True).post(url, form).status_code == 403
    client = Client()
    page = client.get(url).content.decode()
    assert "no digest is sent" in page
    response = client.post(url, form)
    assert response.status_code == 302
    subscriber.refresh_from_db()
    assert not subscriber.follows_everything
    assert [follow.milestone for follow in Follow.objects.filter(subscriber=subscriber)] == [
        milestone
    ]
    assert "saved" in client.get(url).content.decode()


def test_unsubscribing_cancels_what_was_waiting(make_subscriber):
    from tracker import services

    subscriber = make_subscriber()
    waiting = Delivery.objects.create(
        subscriber=subscriber,
        kind=DeliveryKind.DIGEST,
        key="digest:2025-08-01",
        period=datetime.date(2025, 8, 1),
        changes_through=subscriber.confirmed_at,
    )
    assert services.subscriber_unsubscribe(subscriber=subscriber)
    waiting.refresh_from_db()
    assert waiting.state == DeliveryState.SKIPPED
    assert not services.subscriber_unsubscribe(subscriber=subscriber)
