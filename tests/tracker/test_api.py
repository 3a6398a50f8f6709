"""Subscribing through the JSON API: same rules, same answer, field-level errors, rate limits."""

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from tests.factories import MilestoneFactory
from tracker.models import Delivery, DeliveryKind, Follow, Subscriber

pytestmark = pytest.mark.django_db
URL = "/api/v1/subscriptions/"
BODY = {
    "email": "desk@newsroom.example",
    "milestones": [],
    "everything": True,
    "digest_frequency": "daily",
    "reminder_days": [7, 1],
    "timezone": "Europe/Paris",
    "send_hour": 7,
    "language": "en",
}


def test_subscribing_through_the_api_sends_a_confirmation(
    client, django_capture_on_commit_callbacks
):
    milestone = MilestoneFactory()
    body = {**BODY, "everything": False, "milestones": [milestone.slug]}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, body, content_type="application/json")
    assert response.status_code == 202 and "Check your inbox" in response.json()["detail"]
    subscriber = Subscriber.objects.get()
    assert subscriber.reminder_days == [7, 1] and subscriber.timezone == "Europe/Paris"
    assert Follow.objects.get().milestone == milestone
    assert len(mail.outbox) == 1
    assert reverse("api-subscribe") == URL


def test_a_known_address_gets_the_same_answer(
    client, make_subscriber, django_capture_on_commit_callbacks
):
    make_subscriber(email="desk@newsroom.example")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, BODY, content_type="application/json")
    assert response.status_code == 202 and "Check your inbox" in response.json()["detail"]
    assert Subscriber.objects.count() == 1
    assert Delivery.objects.filter(kind=DeliveryKind.ACCESS).count() == 1
    assert len(mail.outbox) == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"email": "desk@newsroom.example\r\nBcc: x@example.com"}, "email"),
        ({"reminder_days": [0]}, "reminder_days"),
        ({"reminder_days": "seven"}, "reminder_days"),
        ({"timezone": "Europe/Atlantis"}, "timezone"),
        ({"send_hour": 25}, "send_hour"),
        ({"everything": False, "milestones": ["nope"]}, "milestones"),
        ({"everything": False}, "non_field_errors"),
        ({"favourite_colour": "blue"}, "favourite_colour"),
    ],
)
def test_bad_input_is_a_400_with_field_messages_and_writes_nothing(client, changes, field):
    response = client.post(URL, {**BODY, **changes}, content_type="application/json")
    assert response.status_code == 400
    assert field in response.json()
    assert not Subscriber.objects.exists()


def test_malformed_json_is_a_400(client):
    response = client.post(URL, "{not json", content_type="application/json")
    assert response.status_code == 400


@override_settings(SUBSCRIBE_RATE_PER_ADDRESS="1/hour")
def test_the_api_shares_the_pages_rate_limit(client):
    assert client.post(URL, BODY, content_type="application/json").status_code == 202
    response = client.post(URL, BODY, content_type="application/json")
    assert response.status_code == 429
