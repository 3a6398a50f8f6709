"""Signed links are revocable: unsubscribing or a new address kills every older link."""

import re

import pytest
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse

from tracker import services, tokens
from tracker.models import DeliveryKind, Subscriber

pytestmark = pytest.mark.django_db


def _old_links(subscriber):
    return {
        "confirm": reverse("tracker:confirm", args=[tokens.make_token(subscriber, tokens.CONFIRM)]),
        "manage": reverse("tracker:manage", args=[tokens.make_token(subscriber, tokens.MANAGE)]),
        "unsubscribe": reverse(
            "tracker:unsubscribe", args=[tokens.make_token(subscriber, tokens.MANAGE)]
        ),
    }


def test_after_unsubscribing_the_old_links_cannot_reactivate_the_address(client, make_subscriber):
    subscriber = make_subscriber()
    links = _old_links(subscriber)
    assert client.post(links["unsubscribe"]).status_code == 200

    assert client.post(links["confirm"]).status_code == 400
    assert client.post(links["manage"], {"action": "resubscribe"}).status_code == 400
    assert client.get(links["manage"]).status_code == 400
    assert Subscriber.objects.get().unsubscribed_at is not None


def test_subscribe_again_from_the_unsubscribed_page_sends_a_new_confirmation(
    make_subscriber, django_capture_on_commit_callbacks
):
    subscriber = make_subscriber()
    mail.outbox.clear()
    client = Client(enforce_csrf_checks=True)
    page = client.post(_old_links(subscriber)["unsubscribe"]).content.decode()
    action = re.search(r'<form method="post" action="([^"]+)"', page).group(1)
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(action, {"csrfmiddlewaretoken": csrf})

    assert response.status_code == 302
    assert Subscriber.objects.get().unsubscribed_at is not None  # not before it confirms
    [message] = mail.outbox
    confirm = re.search(r"https?://[^\s\"<>]+(/subscribe/confirm/[^\s\"<>]+/)", message.body)
    assert Client().post(confirm.group(1)).status_code == 302
    assert Subscriber.objects.get().is_active


def test_the_resubscribe_link_of_the_unsubscribed_page_cannot_confirm(client, make_subscriber):
    subscriber = make_subscriber()
    services.subscriber_unsubscribe(subscriber=subscriber)
    subscriber.refresh_from_db()
    token = tokens.make_token(subscriber, tokens.RESUBSCRIBE)

    assert client.post(reverse("tracker:confirm", args=[token])).status_code == 400
    assert client.get(reverse("tracker:manage", args=[token])).status_code == 400


def test_the_preferences_button_to_subscribe_again_sends_a_confirmation(
    client, make_subscriber, django_capture_on_commit_callbacks
):
    subscriber = make_subscriber()
    services.subscribers_suspend(subscriber_ids=[subscriber.pk], reason="550 no such mailbox")
    mail.outbox.clear()
    url = reverse("tracker:manage", args=[tokens.make_token(subscriber, tokens.MANAGE)])

    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"action": "resubscribe"})

    assert not Subscriber.objects.get().is_active
    assert Subscriber.objects.get().deliveries.first().kind == DeliveryKind.CONFIRMATION
    assert len(mail.outbox) == 1


def test_a_new_address_makes_the_old_links_stop_working(client, make_subscriber):
    subscriber = make_subscriber()
    links = _old_links(subscriber)

    subscriber.email = "new-address@example.com"
    subscriber.save()

    assert client.get(links["manage"]).status_code == 400
    assert client.post(links["unsubscribe"]).status_code == 400
    fresh = tokens.make_token(subscriber, tokens.MANAGE)
    assert client.get(reverse("tracker:manage", args=[fresh])).status_code == 200


def test_saving_without_a_new_address_keeps_the_links(client, make_subscriber):
    subscriber = make_subscriber()
    links = _old_links(subscriber)

    subscriber.send_hour = 6
    subscriber.save()

    assert client.get(links["manage"]).status_code == 200


@override_settings(SUBSCRIBE_RATE_PER_ADDRESS="2/hour", SUBSCRIBE_RATE_PER_CLIENT="100/hour")
def test_subscribe_again_from_the_unsubscribed_page_has_the_per_address_limit(
    client, make_subscriber, django_capture_on_commit_callbacks
):
    subscriber = make_subscriber()
    services.subscriber_unsubscribe(subscriber=subscriber)
    subscriber.refresh_from_db()
    url = reverse("tracker:resubscribe", args=[tokens.make_token(subscriber, tokens.RESUBSCRIBE)])
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        answers = [client.post(url).status_code for _ in range(3)]

    assert answers == [302, 302, 429]
    assert "Too many attempts" in client.post(url).content.decode()
    assert len(mail.outbox) == 2


@override_settings(SUBSCRIBE_RATE_PER_ADDRESS="100/hour", SUBSCRIBE_RATE_PER_CLIENT="2/hour")
def test_the_preferences_button_to_subscribe_again_has_the_per_client_limit(
    client, make_subscriber, django_capture_on_commit_callbacks
):
    subscriber = make_subscriber()
    services.subscribers_suspend(subscriber_ids=[subscriber.pk], reason="550 no such mailbox")
    url = reverse("tracker:manage", args=[tokens.make_token(subscriber, tokens.MANAGE)])
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        answers = [client.post(url, {"action": "resubscribe"}).status_code for _ in range(3)]

    assert answers == [302, 302, 429]
    assert len(mail.outbox) == 2
