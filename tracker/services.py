"""Subscribing, confirming, changing preferences and leaving: the only ways a subscriber changes.

The subscribe page and the API (through a worker: ``tracker.subscribe_requests``), the admin and
the tests call these. Whatever happens to an address, ``subscriber_subscribe`` answers the same, so
nobody can learn from it who subscribes: a new or unconfirmed address gets a confirmation link, a
confirmed one an email with a link to its preferences (its settings are only ever changed from that
signed link). Each is named ``<entity>_<action>`` and takes keyword arguments only.
"""

from __future__ import annotations

import datetime
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from roadmap.models import Jurisdiction, Milestone, Roadmap, Workstream
from tracker import queue
from tracker.models import (
    Delivery,
    DeliveryKind,
    DeliveryState,
    Follow,
    Subscriber,
    new_secret,
)

PREFERENCE_FIELDS = (
    "language",
    "timezone",
    "send_hour",
    "digest_frequency",
    "digest_weekday",
    "reminder_days",
)


@dataclass
class Follows:
    """What a subscriber follows: everything, or any set of these."""

    everything: bool = False
    roadmaps: Iterable[Roadmap] = field(default_factory=list)
    workstreams: Iterable[Workstream] = field(default_factory=list)
    jurisdictions: Iterable[Jurisdiction] = field(default_factory=list)
    milestones: Iterable[Milestone] = field(default_factory=list)

    @classmethod
    def of(cls, subscriber: Subscriber) -> Follows:
        follows = cls(everything=subscriber.follows_everything)
        rows = subscriber.follows.select_related(
            "roadmap", "workstream", "jurisdiction", "milestone"
        )
        for name in Follow.TARGETS:
            setattr(follows, f"{name}s", [getattr(row, name) for row in rows if getattr(row, name)])
        return follows

    def is_empty(self) -> bool:
        return not (
            self.everything
            or self.roadmaps
            or self.workstreams
            or self.jurisdictions
            or self.milestones
        )


def _queue(subscriber: Subscriber, kind: str) -> Delivery:
    """Write a one-off email (confirmation or preferences link) and send it after commit."""
    delivery = Delivery.objects.create(
        subscriber=subscriber, kind=kind, key=f"{kind}:{uuid.uuid4().hex}"
    )
    queue.enqueue([delivery.pk])
    return delivery


def _set_follows(subscriber: Subscriber, follows: Follows) -> None:
    subscriber.follows.all().delete()
    rows = []
    for name in Follow.TARGETS:
        rows += [
            Follow(subscriber=subscriber, **{name: item}) for item in getattr(follows, f"{name}s")
        ]
    Follow.objects.bulk_create(rows)


def _set_preferences(subscriber: Subscriber, preferences: dict) -> None:
    for name in PREFERENCE_FIELDS:
        if name in preferences:
            setattr(subscriber, name, preferences[name])
    if "reminder_days" in preferences:
        subscriber.reminder_days = sorted(set(preferences["reminder_days"]), reverse=True)


@transaction.atomic
def subscriber_subscribe(*, email: str, preferences: dict, follows: Follows) -> Delivery:
    """Start or restart a subscription for ``email``; return the email queued in answer."""
    email = email.strip().lower()
    subscriber = Subscriber.objects.select_for_update().filter(email__iexact=email).first()
    if subscriber is None:
        subscriber = Subscriber(email=email)
        _set_preferences(subscriber, preferences)
        # The unique address is the database's to enforce: a racing subscribe of the same
        # address is caught as an IntegrityError below, not reported as a form error.
        subscriber.full_clean(validate_unique=False, validate_constraints=False)
        try:
            with transaction.atomic():
                subscriber.save()
        except IntegrityError:
            # Someone subscribed the same address a moment ago: answer as for an existing one.
            subscriber = Subscriber.objects.select_for_update().get(email__iexact=email)
        else:
            subscriber.follows_everything = follows.everything
            subscriber.save(update_fields=["follows_everything"])
            _set_follows(subscriber, follows)
            return _queue(subscriber, DeliveryKind.CONFIRMATION)
    if subscriber.is_active:
        return _queue(subscriber, DeliveryKind.ACCESS)
    _set_preferences(subscriber, preferences)
    subscriber.full_clean()
    subscriber.follows_everything = follows.everything
    subscriber.save()
    _set_follows(subscriber, follows)
    return _queue(subscriber, DeliveryKind.CONFIRMATION)


@transaction.atomic
def subscriber_confirm(*, subscriber: Subscriber) -> Subscriber:
    """Confirm the address: it starts receiving what it follows. Lifts a suspension."""
    subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
    if subscriber.is_active:
        return subscriber
    now = timezone.now()
    restarting = subscriber.unsubscribed_at is not None or subscriber.confirmed_at is None
    subscriber.confirmed_at = now
    subscriber.suspended_at = None
    subscriber.suspension_reason = ""
    subscriber.unsubscribed_at = None
    if restarting or subscriber.digest_cursor is None:
        subscriber.digest_cursor = now
    subscriber.save()
    return subscriber


@transaction.atomic
def subscriber_update_preferences(
    *, subscriber: Subscriber, preferences: dict, follows: Follows
) -> None:
    subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
    _set_preferences(subscriber, preferences)
    subscriber.follows_everything = follows.everything
    subscriber.full_clean()
    subscriber.save()
    _set_follows(subscriber, follows)


@transaction.atomic
def subscriber_unsubscribe(*, subscriber: Subscriber) -> bool:
    """Stop every email to ``subscriber``; return False if it had already stopped."""
    # A new secret: no link mailed before (confirm, preferences) can bring the address back.
    changed = Subscriber.objects.filter(pk=subscriber.pk, unsubscribed_at__isnull=True).update(
        unsubscribed_at=timezone.now(), secret=new_secret()
    )
    Delivery.objects.filter(subscriber=subscriber, state=DeliveryState.PENDING).exclude(
        kind__in=[DeliveryKind.CONFIRMATION, DeliveryKind.ACCESS]
    ).update(state=DeliveryState.SKIPPED, last_error="unsubscribed before it was sent")
    return bool(changed)


def subscribers_suspend(*, subscriber_ids: Iterable[int], reason: str) -> int:
    """Stop mailing addresses the mail server refused for good, until they confirm again."""
    return Subscriber.objects.filter(pk__in=list(subscriber_ids), suspended_at=None).update(
        suspended_at=timezone.now(), suspension_reason=reason[:1000]
    )


def subscribers_advance_digest_cursor(*, sent_digests: Iterable[Delivery]) -> None:
    """Move each digest's subscriber past the changes it has now been sent (after the send);
    a cursor never moves back, so recording the same digests twice is harmless."""
    now = timezone.now()
    by_moment: defaultdict[datetime.datetime | None, list[int]] = defaultdict(list)
    for delivery in sent_digests:
        by_moment[delivery.changes_through].append(delivery.subscriber_id)
    for moment, ids in by_moment.items():
        Subscriber.objects.filter(
            Q(digest_cursor__lt=moment) | Q(digest_cursor__isnull=True), pk__in=ids
        ).update(digest_cursor=moment, last_digest_at=now)


def deliveries_resend(*, delivery_ids: Iterable[int]) -> int:
    """Put failed deliveries back in the queue (an editor's decision); return how many."""
    ids = list(
        Delivery.objects.filter(pk__in=list(delivery_ids), state=DeliveryState.FAILED).values_list(
            "pk", flat=True
        )
    )
    Delivery.objects.filter(pk__in=ids).update(state=DeliveryState.PENDING, claim=None)
    queue.enqueue(ids)
    return len(ids)


def subscriber_request_confirmation(*, subscriber: Subscriber) -> Delivery:
    """Send a fresh confirmation link: an editor's action, or a subscriber asking to come back.

    Nothing restarts until the link is followed, which proves the mailbox is theirs and works.
    """
    return _queue(subscriber, DeliveryKind.CONFIRMATION)
