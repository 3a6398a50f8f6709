"""A delivery waiting out its retry's backoff is its task's to send again: a dispatch that meets
its key again leaves it alone, instead of queuing it at once."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from tests.factories import MilestoneFactory
from tracker import sending
from tracker.dispatch import dispatch_for
from tracker.models import Delivery, DeliveryKind, DeliveryState

pytestmark = pytest.mark.django_db


def test_a_digest_waiting_for_its_retry_is_not_queued_again_by_a_dispatch(
    make_subscriber, smtp_sink, django_capture_on_commit_callbacks
):
    with time_machine.travel(timezone.now() - datetime.timedelta(hours=1), tick=False):
        busy = make_subscriber(email="busy@example.com")  # the sink answers 451 for "busy"
    MilestoneFactory()
    with django_capture_on_commit_callbacks(execute=False):
        first = dispatch_for(busy)
    outcome = sending.send(first.ids)
    assert outcome.retry == first.ids  # pending again, for the task to retry after its backoff
    waiting = Delivery.objects.get(kind=DeliveryKind.DIGEST)
    assert waiting.state == DeliveryState.PENDING and waiting.attempts == 1

    with django_capture_on_commit_callbacks(execute=False) as queued:
        again = dispatch_for(busy)  # the same day's digest: its row is the one waiting

    assert again.due == 1 and again.ids == [] and queued == []
    assert Delivery.objects.filter(kind=DeliveryKind.DIGEST).count() == 1
