"""Subscribing in two halves: the request records a SubscriptionRequest and queues it; the worker
acts on it once, and the sweeper queues again what the broker lost."""

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from tests.factories import MilestoneFactory, RoadmapFactory
from tracker import services, subscribe_requests, tasks
from tracker.models import Delivery, DeliveryKind, Subscriber, SubscriptionRequest

pytestmark = pytest.mark.django_db


def test_the_page_records_the_request_and_leaves_the_subscribing_to_the_worker(
    client, subscribe_form, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.post(reverse("tracker:subscribe"), subscribe_form)

    assert response.status_code == 302
    request = SubscriptionRequest.objects.get()
    assert request.email == "reader@example.com" and request.preferences["reminder_days"] == [7]
    assert not Subscriber.objects.exists() and not Delivery.objects.exists()
    assert len(queued) == 1  # the task, after the request's transaction commits


def test_the_api_records_the_request_the_same_way(client, django_capture_on_commit_callbacks):
    body = {"email": "desk@example.com", "everything": True, "reminder_days": [7]}

    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.post(reverse("api-subscribe"), body, content_type="application/json")

    assert response.status_code == 202
    assert SubscriptionRequest.objects.get().email == "desk@example.com"
    assert not Subscriber.objects.exists() and len(queued) == 1


def test_the_worker_subscribes_in_the_chosen_language_and_deletes_the_request(
    client, subscribe_form, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("tracker:subscribe"), {**subscribe_form, "language": "zh-hans"})

    assert not SubscriptionRequest.objects.exists()
    subscriber = Subscriber.objects.get()
    assert subscriber.language == "zh-hans" and not subscriber.is_active
    [message] = mail.outbox
    assert "确认" in message.subject


def test_a_request_handled_twice_subscribes_and_mails_once(
    subscribe_form, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        client.post(reverse("tracker:subscribe"), subscribe_form)
    [pk] = SubscriptionRequest.objects.values_list("pk", flat=True)

    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.handle_subscribe_requests([pk]) == 1
        assert tasks.handle_subscribe_requests([pk]) == 0

    assert Delivery.objects.filter(kind=DeliveryKind.CONFIRMATION).count() == 1
    assert len(mail.outbox) == 1


def test_what_the_request_follows_survives_the_trip_less_what_was_deleted_meanwhile():
    roadmap, kept, deleted = RoadmapFactory(), MilestoneFactory(), MilestoneFactory()
    follows = services.Follows(roadmaps=[roadmap], milestones=[kept, deleted])
    request = subscribe_requests.record(
        email="reader@example.com", preferences={"reminder_days": [7]}, follows=follows
    )
    deleted.delete()

    subscribe_requests.handle([request.pk])

    subscriber = Subscriber.objects.get()
    assert services.Follows.of(subscriber) == services.Follows(
        roadmaps=[roadmap], milestones=[kept]
    )


def test_the_sweeper_queues_only_requests_whose_task_is_late(django_capture_on_commit_callbacks):
    follows = services.Follows(everything=True)
    with django_capture_on_commit_callbacks(execute=False):
        subscribe_requests.record(email="lost@example.com", preferences={}, follows=follows)

    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.sweep_subscribe_requests() == 0  # its task may still be on its way
    assert SubscriptionRequest.objects.exists()

    later = timezone.now() + subscribe_requests.LOST_AFTER * 2
    with time_machine.travel(later), django_capture_on_commit_callbacks(execute=True):
        assert tasks.sweep_subscribe_requests() == 1

    assert not SubscriptionRequest.objects.exists()
    assert Subscriber.objects.get().email == "lost@example.com"
    assert len(mail.outbox) == 1
