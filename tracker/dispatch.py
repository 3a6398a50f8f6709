"""Finding who is due a digest or a reminder, writing their deliveries, and fanning them out.

Beat runs ``dispatch`` every few minutes. It walks the UTC quarter-hours since the last one it
walked (at most ``CATCH_UP`` back, so a dispatcher that was down catches up), and claims each slot
by writing a ``DispatchSlot`` row. In the slot it finds, per time zone, the local hour that began,
and the subscribers whose hour it is:

- a **digest** is due if their period is (every day, or on their weekday) and something they
  follow changed since their last digest;
- a **reminder** is due for each followed open milestone whose deadline is exactly one of their
  lead times away on their local day. A slip changes the deadline, so the reminder fires again
  for the new date; a lead day that had passed when someone subscribed is not sent late.

The slot row and its deliveries are written in one transaction and the send tasks queued only
after it commits: a dispatcher that dies leaves no half-walked slot, and a second dispatcher
waiting on the same slot finds it taken. The deliveries' unique keys make any overlap harmless.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from roadmap.models import MilestoneUpdate
from tracker import schedule
from tracker.content import MilestoneIndex, follows_of, milestone_index
from tracker.models import (
    Delivery,
    DeliveryKind,
    DeliveryState,
    DigestFrequency,
    DispatchSlot,
    Subscriber,
)

CATCH_UP = datetime.timedelta(days=2)
CHUNK = 1000
BATCH = 500


@dataclass
class Plan:
    """What a dispatch wrote: delivery ids to send, and a line per delivery for people to read."""

    ids: list[int] = field(default_factory=list)
    lines: list[str] | None = None
    slots: int = 0
    # Subscribers given a digest in this run: a catch-up over several days sends them one.
    digested: set[int] = field(default_factory=set)

    def batches(self) -> Iterator[list[int]]:
        for start in range(0, len(self.ids), BATCH):
            yield self.ids[start : start + BATCH]


class _Followed:
    """Each follow pattern's milestone ids, worked out once per dispatch."""

    def __init__(self, index: MilestoneIndex):
        self.index = index
        self._known: dict[tuple, frozenset[int]] = {}

    def of(self, subscriber: Subscriber, follows: list[tuple[str, int]]) -> frozenset[int]:
        key = (subscriber.follows_everything, tuple(sorted(follows)))
        if key not in self._known:
            self._known[key] = self.index.followed(*key)
        return self._known[key]


def _changed_since(subscribers: list[Subscriber]) -> list[tuple[int, datetime.datetime]]:
    cursors = [s.digest_cursor for s in subscribers if s.digest_cursor]
    if not cursors:
        return []
    return list(
        MilestoneUpdate.objects.filter(recorded_at__gt=min(cursors)).values_list(
            "milestone_id", "recorded_at"
        )
    )


def _digest_due(subscriber: Subscriber, day: datetime.date, any_day: bool) -> bool:
    if subscriber.digest_frequency == DigestFrequency.DAILY or any_day:
        return True
    return (
        subscriber.digest_frequency == DigestFrequency.WEEKLY
        and subscriber.digest_weekday == day.weekday()
    )


def _deliveries_for(
    subscribers: list[Subscriber],
    days: dict[tuple[str, int], datetime.date],
    *,
    now: datetime.datetime,
    kinds: set[str],
    followed: _Followed,
    digested: set[int],
    any_day: bool = False,
) -> list[Delivery]:
    index = followed.index
    by_deadline = defaultdict(list)
    for facts in index.by_id.values():
        if facts.is_open and facts.deadline:
            by_deadline[facts.deadline].append(facts.id)
    follows = follows_of(s.pk for s in subscribers)
    changes = _changed_since(subscribers) if DeliveryKind.DIGEST in kinds else []
    rows = []
    for subscriber in subscribers:
        day = days[(subscriber.timezone, subscriber.send_hour)]
        ids = followed.of(subscriber, follows.get(subscriber.pk, []))
        if (
            DeliveryKind.DIGEST in kinds
            and subscriber.pk not in digested
            and _digest_due(subscriber, day, any_day)
        ):
            cursor = subscriber.digest_cursor
            if any(pk in ids and (cursor is None or at > cursor) for pk, at in changes):
                digested.add(subscriber.pk)
                rows.append(
                    Delivery(
                        subscriber=subscriber,
                        kind=DeliveryKind.DIGEST,
                        key=f"digest:{day.isoformat()}",
                        period=day,
                        changes_through=now,
                    )
                )
        if DeliveryKind.REMINDER in kinds:
            for lead in subscriber.reminder_days:
                deadline = day + datetime.timedelta(days=lead)
                for pk in by_deadline.get(deadline, ()):
                    if pk in ids:
                        rows.append(
                            Delivery(
                                subscriber=subscriber,
                                kind=DeliveryKind.REMINDER,
                                key=f"reminder:{pk}:{lead}:{deadline.isoformat()}",
                                milestone_id=pk,
                                lead_days=lead,
                                target_end=deadline,
                            )
                        )
    return rows


def _write(rows: list[Delivery], plan: Plan) -> None:
    """Insert ``rows`` (skipping any that exist) and add the pending ones to ``plan``."""
    if not rows:
        return
    Delivery.objects.bulk_create(rows, ignore_conflicts=True)
    written = Delivery.objects.filter(
        subscriber_id__in={row.subscriber_id for row in rows},
        key__in={row.key for row in rows},
        state=DeliveryState.PENDING,
    ).values_list("id", "subscriber_id", "key")
    wanted = {(row.subscriber_id, row.key): row.subscriber.email for row in rows}
    for pk, subscriber_id, key in written:
        if (subscriber_id, key) in wanted:
            plan.ids.append(pk)
            if plan.lines is not None:
                plan.lines.append(f"{wanted[subscriber_id, key]}: {key}")


def _fan_out(slot: datetime.datetime, now, kinds: set[str], plan: Plan, followed) -> None:
    zones = Subscriber.objects.active().values_list("timezone", flat=True).distinct()
    hours = schedule.local_hours_in(slot, zones)
    if not hours:
        return
    days = {(hour.timezone, hour.hour): hour.day for hour in hours}
    whose_hour = Q()
    for hour in hours:
        whose_hour |= Q(timezone=hour.timezone, send_hour=hour.hour)
    subscribers = Subscriber.objects.active().filter(whose_hour).order_by("pk")
    if kinds == {DeliveryKind.DIGEST}:
        subscribers = subscribers.exclude(digest_frequency=DigestFrequency.NEVER)
    after = 0
    while chunk := list(subscribers.filter(pk__gt=after)[:CHUNK]):
        after = chunk[-1].pk
        rows = _deliveries_for(
            chunk, days, now=now, kinds=kinds, followed=followed, digested=plan.digested
        )
        _write(rows, plan)


def dispatch(
    now: datetime.datetime | None = None,
    *,
    kinds: set[str] = frozenset({DeliveryKind.DIGEST, DeliveryKind.REMINDER}),
    dry_run: bool = False,
    describe: bool = False,
) -> Plan:
    """Walk the slots up to ``now`` for ``kinds``; write their deliveries and queue them.

    With ``dry_run`` everything is worked out the same way and then rolled back; ``describe``
    keeps a line per delivery for the operator to read.
    """
    from tracker.tasks import enqueue

    now = now or timezone.now()
    plan = Plan(lines=[] if describe or dry_run else None)
    followed = _Followed(milestone_index())
    try:
        with transaction.atomic():
            for kind in sorted(kinds):
                last = DispatchSlot.objects.filter(kind=kind).order_by("-starts_at").first()
                first = last.starts_at + schedule.SLOT if last else schedule.slot_start(now)
                first = max(first, schedule.slot_start(now - CATCH_UP))
                for slot in schedule.slots_between(first, now):
                    try:
                        with transaction.atomic():
                            DispatchSlot.objects.create(kind=kind, starts_at=slot)
                    except IntegrityError:
                        continue
                    plan.slots += 1
                    _fan_out(slot, now, {kind}, plan, followed)
            if dry_run:
                raise _DryRun
            for ids in plan.batches():
                transaction.on_commit(lambda ids=ids: enqueue(ids))
    except _DryRun:
        pass
    return plan


def dispatch_for(subscriber: Subscriber, *, now=None, dry_run: bool = False) -> Plan:
    """Write ``subscriber``'s digest for their current local day now, whatever the hour."""
    from tracker.tasks import enqueue

    now = now or timezone.now()
    plan = Plan(lines=[])
    day = schedule.local_day(now, subscriber.timezone)
    try:
        with transaction.atomic():
            rows = _deliveries_for(
                [subscriber],
                {(subscriber.timezone, subscriber.send_hour): day},
                now=now,
                kinds={DeliveryKind.DIGEST},
                followed=_Followed(milestone_index()),
                digested=set(),
                any_day=True,
            )
            if not rows and subscriber.is_active:
                plan.lines.append(f"{subscriber.email}: nothing changed since the last digest")
            _write(rows, plan)
            if dry_run:
                raise _DryRun
            transaction.on_commit(lambda: plan.ids and enqueue(plan.ids))
    except _DryRun:
        pass
    return plan


class _DryRun(Exception):
    """Raised inside the transaction to roll a dry run back."""
