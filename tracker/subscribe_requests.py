"""Subscribe requests: the page and the API record one and answer; a worker acts on it.

Recording is the same few statements for every address, so the answer's timing does not tell
whether an address is unknown, confirmed or awaiting confirmation. What differs, a new subscriber
and a confirmation link or a link to an existing subscriber's preferences, is
``services.subscriber_subscribe``'s, run by the task. A request is deleted in the transaction that
acts on it, so a task run twice acts once, and one whose task was lost is queued again by the
sweeper.
"""

from __future__ import annotations

import datetime

from django.db import transaction

from roadmap.models import Jurisdiction, Milestone, Roadmap, Workstream
from tracker import queue, services
from tracker.models import SubscriptionRequest

# Queued more than this long ago and still here: its task was lost (the broker was down, say).
LOST_AFTER = datetime.timedelta(minutes=5)
FOLLOWED = ("roadmaps", "workstreams", "jurisdictions", "milestones")


def follows_ids(follows: services.Follows) -> dict:
    """``follows`` as JSON: whether everything, and the ids of each kind of thing."""
    return {
        "everything": follows.everything,
        **{name: [item.pk for item in getattr(follows, name)] for name in FOLLOWED},
    }


def follows_from_ids(ids: dict) -> services.Follows:
    """The ``Follows`` that ``follows_ids`` wrote, less anything deleted since."""
    return services.Follows(
        everything=ids["everything"],
        roadmaps=list(Roadmap.objects.filter(pk__in=ids["roadmaps"])),
        workstreams=list(Workstream.objects.filter(pk__in=ids["workstreams"])),
        jurisdictions=list(Jurisdiction.objects.filter(pk__in=ids["jurisdictions"])),
        milestones=list(Milestone.objects.filter(pk__in=ids["milestones"])),
    )


def record(*, email: str, preferences: dict, follows: services.Follows) -> SubscriptionRequest:
    """Keep a validated subscribe form and queue it for a worker once the transaction commits."""
    request = SubscriptionRequest.objects.create(
        email=email, preferences=preferences, follows=follows_ids(follows)
    )
    queue.enqueue_subscribe_requests([request.pk])
    return request


def handle(request_ids: list[int]) -> int:
    """Subscribe the address of each request among ``request_ids`` that is still waiting, and
    delete the request; return how many were acted on."""
    return sum(_handle(pk) for pk in request_ids)


@transaction.atomic
def _handle(request_id: int) -> bool:
    # A request another worker holds is skipped: that worker acts on it and deletes it.
    request = (
        SubscriptionRequest.objects.select_for_update(skip_locked=True)
        .filter(pk=request_id)
        .first()
    )
    if request is None:
        return False
    services.subscriber_subscribe(
        email=request.email,
        preferences=request.preferences,
        follows=follows_from_ids(request.follows),
    )
    request.delete()
    return True


def requeue_lost(now: datetime.datetime) -> int:
    """Queue again the requests still waiting ``LOST_AFTER`` after they came; return how many."""
    ids = list(
        SubscriptionRequest.objects.filter(created_at__lt=now - LOST_AFTER).values_list(
            "pk", flat=True
        )[:50_000]
    )
    queue.enqueue_subscribe_requests(ids)
    return len(ids)
