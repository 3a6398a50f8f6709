"""Finding who is due a digest or a reminder, writing their deliveries, and fanning them out.

Beat runs ``dispatch`` every few minutes. It walks the UTC quarter-hours since the last one it
walked (at most ``CATCH_UP`` back, so a dispatcher that was down catches up), and claims each slot
by writing a ``DispatchSlot`` row. In the slot it finds, per time zone, the local hour that began,
and the subscribers whose hour it is:

- a **digest** is due if their period is (every day, or on their weekday) and something they
  follow changed, or its forecast's P80 moved past its target's period, since their last digest;
- a **reminder** is due for each followed open milestone whose deadline is exactly one of their
  lead times away on their local day. A slip changes the deadline, so the reminder fires again
  for the new date. A lead day missed in the last ``LATE_DAYS`` days (the dispatcher was down, or
  a slip jumped over it) is caught up late, once: only the most recent lead day missed for that
  deadline, only while the deadline is ahead, and only if it fell after the subscriber confirmed,
  so a new subscriber is not flooded. It has the key the on-time reminder would have had, so it
  can never be sent twice or after that one, and once written it is not proposed again on the
  days after.

A dispatch reads the changes since the oldest subscriber's last digest once, and per group of
subscribers only the milestones whose deadline is one of their lead times away (or up to
``LATE_DAYS`` less), so its cost grows with what is due and what changed, not with the size of the
roadmap.

The slot rows and their deliveries are written in one transaction and the send tasks queued only
after it commits: a dispatcher that dies leaves no half-walked slot, and a second dispatcher
waiting on the same slot finds it taken. The deliveries' unique keys make any overlap harmless.
"""

from __future__ import annotations

import datetime
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from tracker import queue, schedule, selectors
from tracker.content import FollowPattern, MilestoneFacts
from tracker.models import (
    Delivery,
    DeliveryKind,
    DeliveryState,
    DigestFrequency,
    DispatchSlot,
    Subscriber,
)

CATCH_UP = datetime.timedelta(days=2)
# How far back a missed reminder's lead day may be and still be sent late.
LATE_DAYS = 7
CHUNK = 1000
BOTH = frozenset({DeliveryKind.DIGEST, DeliveryKind.REMINDER})


@dataclass(frozen=True)
class Queued:
    """One delivery a dispatch queued, as an operator reads it: to whom, and its key."""

    id: int
    email: str
    key: str


@dataclass(frozen=True)
class Dispatched:
    """What a dispatch did: the deliveries it queued (on a dry run, would have), how many
    deliveries it found due (``dispatch_for``: none means nothing changed), and how many slots it
    walked."""

    ids: list[int]
    due: int = 0
    slots: int = 0
    # Each queued delivery, when the caller asked to describe them.
    queued: list[Queued] | None = None


@dataclass
class _Walk:
    """One dispatch's working state: what it read, and what it has written so far."""

    changes: selectors.RecentChanges
    describe: bool
    ids: list[int] = field(default_factory=list)
    queued: list[Queued] = field(default_factory=list)
    due: int = 0
    slots: int = 0
    # Subscribers given a digest in this run: a catch-up over several days sends them one.
    digested: set[int] = field(default_factory=set)
    # Open milestones by deadline, per set of deadlines asked for: chunks often ask the same.
    _due_on: dict[frozenset[datetime.date], dict[datetime.date, list[MilestoneFacts]]] = field(
        default_factory=dict
    )

    def due_on(
        self, deadlines: frozenset[datetime.date]
    ) -> dict[datetime.date, list[MilestoneFacts]]:
        """Open milestones whose deadline is one of ``deadlines``, by deadline, read once."""
        if deadlines not in self._due_on:
            self._due_on[deadlines] = selectors.due_on(deadlines)
        return self._due_on[deadlines]

    def result(self) -> Dispatched:
        return Dispatched(
            ids=self.ids,
            due=self.due,
            slots=self.slots,
            queued=self.queued if self.describe else None,
        )


def _digest_due(subscriber: Subscriber, day: datetime.date, any_day: bool) -> bool:
    if subscriber.digest_frequency == DigestFrequency.DAILY or any_day:
        return True
    return (
        subscriber.digest_frequency == DigestFrequency.WEEKLY
        and subscriber.digest_weekday == day.weekday()
    )


def _changed_for(
    subscriber: Subscriber, pattern: FollowPattern, changes: selectors.RecentChanges
) -> bool:
    cursor = subscriber.digest_cursor
    return any(
        (cursor is None or at > cursor) and pattern.matches(milestone)
        for at, milestone in changes.changes
    )


def _reminder_deadlines(
    subscriber: Subscriber, day: datetime.date
) -> list[tuple[datetime.date, int]]:
    """Each (deadline, lead) a reminder is due for on ``day``: the lead days that are ``day``,
    and for the deadlines between two lead times, the longer one if its lead day was missed
    recently, while subscribed."""
    if subscriber.confirmed_at is None:  # only confirmed addresses are dispatched to
        return []
    subscribed_on = schedule.local_day(subscriber.confirmed_at, subscriber.timezone)
    found = []
    shorter = -1
    for lead in sorted(subscriber.reminder_days):
        found.append((day + datetime.timedelta(days=lead), lead))
        for days_left in range(max(lead - LATE_DAYS, shorter + 1, 0), lead):
            missed_on = day - datetime.timedelta(days=lead - days_left)
            if missed_on >= subscribed_on:
                found.append((day + datetime.timedelta(days=days_left), lead))
        shorter = lead
    return found


def _deliveries_for(
    subscribers: list[Subscriber],
    days: dict[tuple[str, int], datetime.date],
    *,
    now: datetime.datetime,
    kinds: set[str],
    walk: _Walk,
    any_day: bool = False,
) -> list[Delivery]:
    patterns = selectors.follow_patterns(subscribers)
    due: dict[datetime.date, list[MilestoneFacts]] = {}
    reminders: dict[int, list[tuple[datetime.date, int]]] = {}
    if DeliveryKind.REMINDER in kinds:
        reminders = {
            s.pk: _reminder_deadlines(s, days[(s.timezone, s.send_hour)]) for s in subscribers
        }
        due = walk.due_on(
            frozenset(deadline for found in reminders.values() for deadline, _lead in found)
        )
    rows: list[Delivery] = []
    late: list[Delivery] = []
    for subscriber in subscribers:
        day = days[(subscriber.timezone, subscriber.send_hour)]
        pattern = patterns[subscriber.pk]
        if (
            DeliveryKind.DIGEST in kinds
            and subscriber.pk not in walk.digested
            and _digest_due(subscriber, day, any_day)
            and _changed_for(subscriber, pattern, walk.changes)
        ):
            walk.digested.add(subscriber.pk)
            rows.append(
                Delivery(
                    subscriber=subscriber,
                    kind=DeliveryKind.DIGEST,
                    key=f"digest:{day.isoformat()}",
                    period=day,
                    changes_through=now,
                )
            )
        for deadline, lead in reminders.get(subscriber.pk, ()) if due else ():
            on_time = deadline == day + datetime.timedelta(days=lead)
            for milestone in due.get(deadline, ()):
                if pattern.matches(milestone):
                    (rows if on_time else late).append(
                        Delivery(
                            subscriber=subscriber,
                            kind=DeliveryKind.REMINDER,
                            key=f"reminder:{milestone.id}:{lead}:{deadline.isoformat()}",
                            milestone_id=milestone.id,
                            lead_days=lead,
                            target_end=deadline,
                        )
                    )
    if late:
        # A lead day stays missed for days: propose its catch-up only until one is written.
        written = selectors.reminders_written(
            {row.subscriber_id for row in late}, {row.key for row in late}
        )
        rows += [row for row in late if (row.subscriber_id, row.key) not in written]
    return rows


def _write(rows: list[Delivery], walk: _Walk) -> None:
    """Insert ``rows`` (skipping any that exist) and add the pending ones never tried to
    ``walk``: one already tried waits for its task's retry, after the backoff."""
    walk.due += len(rows)
    if not rows:
        return
    Delivery.objects.bulk_create(rows, ignore_conflicts=True)
    written = Delivery.objects.filter(
        subscriber_id__in={row.subscriber_id for row in rows},
        key__in={row.key for row in rows},
        state=DeliveryState.PENDING,
        claimed_at__isnull=True,
    ).values_list("id", "subscriber_id", "key")
    wanted = {(row.subscriber_id, row.key): row.subscriber.email for row in rows}
    for pk, subscriber_id, key in written:
        if (subscriber_id, key) in wanted:
            walk.ids.append(pk)
            if walk.describe:
                walk.queued.append(Queued(pk, wanted[subscriber_id, key], key))


def _fan_out(
    slot: datetime.datetime,
    zones: list[str],
    *,
    now: datetime.datetime,
    kinds: set[str],
    walk: _Walk,
) -> None:
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
        rows = _deliveries_for(chunk, days, now=now, kinds=kinds, walk=walk)
        _write(rows, walk)


def _claim_slot(kind: str, slot: datetime.datetime) -> bool:
    """Record that ``slot`` is walked for ``kind``; False if another dispatcher has it."""
    try:
        with transaction.atomic():
            DispatchSlot.objects.create(kind=kind, starts_at=slot)
    except IntegrityError:
        return False
    return True


def dispatch(
    now: datetime.datetime | None = None,
    *,
    kinds: AbstractSet[str] = BOTH,
    dry_run: bool = False,
    describe: bool = False,
) -> Dispatched:
    """Walk the slots up to ``now`` for ``kinds``; write their deliveries and queue them.

    With ``dry_run`` everything is worked out the same way and then rolled back; ``describe``
    (implied by ``dry_run``) keeps each queued delivery's address and key for the operator.
    """
    now = now or timezone.now()
    with transaction.atomic():
        changes = (
            selectors.recent_changes()
            if DeliveryKind.DIGEST in kinds
            else selectors.RecentChanges()
        )
        walk = _Walk(changes=changes, describe=describe or dry_run)
        zones = list(Subscriber.objects.active().values_list("timezone", flat=True).distinct())
        oldest = schedule.slot_start(now - CATCH_UP)
        first = {}
        for kind in kinds:
            last = DispatchSlot.objects.filter(kind=kind).order_by("-starts_at").first()
            start = last.starts_at + schedule.SLOT if last else schedule.slot_start(now)
            first[kind] = max(start, oldest)
        for slot in schedule.slots_between(min(first.values()), now):
            walking = {k for k in kinds if slot >= first[k] and _claim_slot(k, slot)}
            walk.slots += len(walking)
            if walking:
                _fan_out(slot, zones, now=now, kinds=walking, walk=walk)
        _finish(walk, dry_run)
    return walk.result()


def dispatch_for(
    subscriber: Subscriber, *, now: datetime.datetime | None = None, dry_run: bool = False
) -> Dispatched:
    """Write ``subscriber``'s digest for their current local day now, whatever the hour."""
    now = now or timezone.now()
    day = schedule.local_day(now, subscriber.timezone)
    with transaction.atomic():
        walk = _Walk(changes=selectors.recent_changes(), describe=True)
        rows = _deliveries_for(
            [subscriber],
            {(subscriber.timezone, subscriber.send_hour): day},
            now=now,
            kinds={DeliveryKind.DIGEST},
            walk=walk,
            any_day=True,
        )
        _write(rows, walk)
        _finish(walk, dry_run)
    return walk.result()


def _finish(walk: _Walk, dry_run: bool) -> None:
    """Inside the dispatch's transaction: roll a dry run back, else queue the batches after
    the commit."""
    if dry_run:
        transaction.set_rollback(True)
        return
    queue.enqueue(walk.ids)
