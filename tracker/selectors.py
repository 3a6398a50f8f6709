"""Read paths of the tracker: everything a batch of emails says, in one read (``batch_state``),
and what the dispatcher reads to find who is due what. Building from them is pure
(``tracker.content``)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db.models import Min, QuerySet
from django.utils import timezone

from roadmap.models import Forecast, Milestone, MilestoneUpdate
from tracker.content import (
    DIGEST_DUE_SOON_DAYS,
    FACT_FIELDS,
    BatchState,
    FollowPattern,
    LikelyLate,
    MilestoneFacts,
)
from tracker.models import Delivery, DeliveryKind, DeliveryState, Follow, Subscriber


def facts(milestones: QuerySet[Milestone]) -> dict[int, MilestoneFacts]:
    """Return the facts of ``milestones`` by id, in one query."""
    return {row["id"]: MilestoneFacts.from_row(row) for row in milestones.values(*FACT_FIELDS)}


def with_deadline_before(day: datetime.date) -> dict[int, MilestoneFacts]:
    """Open, still-listed milestones whose deadline is on or before ``day`` (a range scan)."""
    return facts(Milestone.objects.open().listed().with_deadline().filter(target_end__lte=day))


def follow_patterns(subscribers: Iterable[Subscriber]) -> dict[int, FollowPattern]:
    """Return each subscriber's pattern, reading their follows in one query."""
    subscribers = list(subscribers)
    found: defaultdict[int, defaultdict[str, set[int]]] = defaultdict(lambda: defaultdict(set))
    rows = Follow.objects.filter(subscriber__in=subscribers).values_list(
        "subscriber_id", "roadmap_id", "workstream_id", "jurisdiction_id", "milestone_id"
    )
    for subscriber_id, *targets in rows:
        for kind, pk in zip(Follow.TARGETS, targets, strict=True):
            if pk is not None:
                found[subscriber_id][kind].add(pk)
    return {
        s.pk: FollowPattern(
            everything=s.follows_everything,
            **{f"{kind}s": frozenset(found[s.pk][kind]) for kind in Follow.TARGETS},
        )
        for s in subscribers
    }


def _updates_between(
    start: datetime.datetime, end: datetime.datetime
) -> tuple[tuple[MilestoneUpdate, MilestoneFacts], ...]:
    """The updates recorded in (start, end], each with its milestone's facts, in one query."""
    updates = (
        MilestoneUpdate.objects.filter(recorded_at__gt=start, recorded_at__lte=end)
        .select_related("milestone__workstream__roadmap", "milestone__authority")
        .order_by("recorded_at", "id")
    )
    return tuple((update, MilestoneFacts.of(update.milestone)) for update in updates)


def _late_between(start: datetime.datetime, end: datetime.datetime) -> tuple[LikelyLate, ...]:
    """Open, listed milestones whose P80 moved past their target's period in (start, end], in
    one query."""
    rows = (
        Forecast.objects.filter(
            late_since__gt=start,
            late_since__lte=end,
            milestone__in=Milestone.objects.open().listed(),
        )
        .order_by("late_since", "milestone_id")
        .values("p80", "late_since", *(f"milestone__{name}" for name in FACT_FIELDS))
    )
    return tuple(
        LikelyLate(
            MilestoneFacts.from_row(row, prefix="milestone__"), row["p80"], row["late_since"]
        )
        for row in rows
    )


def _reminders_sent(
    subscribers: list[Subscriber], milestone_ids: set[int]
) -> frozenset[tuple[int, int, datetime.date]]:
    if not milestone_ids:
        return frozenset()
    rows = Delivery.objects.filter(
        subscriber__in=subscribers,
        kind=DeliveryKind.REMINDER,
        state=DeliveryState.SENT,
        milestone_id__in=milestone_ids,
    ).values_list("subscriber_id", "milestone_id", "target_end")
    return frozenset((subscriber, milestone, end) for subscriber, milestone, end in rows if end)


def batch_state(deliveries: Sequence[Delivery]) -> BatchState:
    """Read everything the digests and reminders among ``deliveries`` say, in a few queries
    whatever their number: the digests' follows, the updates and "likely late" crossings since
    their oldest cursor, the open milestones due soon or overdue, the reminders already sent for
    milestones that slipped; the reminders' milestones."""
    now = timezone.now()
    digests = [d for d in deliveries if d.kind == DeliveryKind.DIGEST]
    reminders = [d for d in deliveries if d.kind == DeliveryKind.REMINDER]
    reminded = (
        facts(Milestone.objects.filter(pk__in={d.milestone_id for d in reminders}))
        if reminders
        else {}
    )
    if not digests:
        return BatchState(now=now, reminded=reminded)
    subscribers = [delivery.subscriber for delivery in digests]
    starts = [s.digest_cursor for s in subscribers if s.digest_cursor]
    follows = follow_patterns(subscribers)
    updates: tuple[tuple[MilestoneUpdate, MilestoneFacts], ...] = ()
    likely_late: tuple[LikelyLate, ...] = ()
    throughs = [d.changes_through for d in digests if d.changes_through]
    if starts and throughs:
        updates = _updates_between(min(starts), max(throughs))
        likely_late = _late_between(min(starts), max(throughs))
    last_day = max(d.period for d in digests if d.period)
    horizon = last_day + datetime.timedelta(days=DIGEST_DUE_SOON_DAYS)
    upcoming = sorted(with_deadline_before(horizon).values(), key=lambda f: (f.deadline, f.title))
    slipped = {update.milestone_id for update, _facts in updates if update.slip_days}
    return BatchState(
        now=now,
        follows=follows,
        updates=updates,
        likely_late=likely_late,
        upcoming=tuple(upcoming),
        reminders_sent=_reminders_sent(subscribers, slipped),
        reminded=reminded,
    )


@dataclass(frozen=True)
class RecentChanges:
    """When each milestone changed since the oldest active subscriber's last digest (an update
    recorded, or its P80 moved past its target's period), with the milestone's facts: what the
    dispatcher checks each subscriber's follows against."""

    changes: tuple[tuple[datetime.datetime, MilestoneFacts], ...] = ()


def recent_changes() -> RecentChanges:
    """Read the changes since the oldest active subscriber's digest cursor, each kind once."""
    oldest = Subscriber.objects.active().aggregate(oldest=Min("digest_cursor"))["oldest"]
    if oldest is None:
        return RecentChanges()
    rows: list[tuple[datetime.datetime | None, int]] = list(
        MilestoneUpdate.objects.filter(recorded_at__gt=oldest).values_list(
            "recorded_at", "milestone_id"
        )
    )
    rows += Forecast.objects.filter(late_since__gt=oldest).values_list("late_since", "milestone_id")
    known = facts(Milestone.objects.filter(pk__in={pk for _at, pk in rows}))
    return RecentChanges(tuple((at, known[pk]) for at, pk in rows if at))


def due_on(deadlines: frozenset[datetime.date]) -> dict[datetime.date, list[MilestoneFacts]]:
    """Open, listed milestones whose deadline is one of ``deadlines``, by deadline (one query)."""
    by_deadline: defaultdict[datetime.date, list[MilestoneFacts]] = defaultdict(list)
    if deadlines:
        found = Milestone.objects.open().listed().with_deadline().filter(target_end__in=deadlines)
        for milestone in facts(found).values():
            if milestone.deadline is not None:
                by_deadline[milestone.deadline].append(milestone)
    return by_deadline


def reminders_written(subscriber_ids: set[int], keys: set[str]) -> set[tuple[int, str]]:
    """(subscriber id, key) of the reminders among ``keys`` already written for these
    subscribers, whatever became of them."""
    if not keys:
        return set()
    return set(
        Delivery.objects.filter(
            subscriber_id__in=subscriber_ids, kind=DeliveryKind.REMINDER, key__in=keys
        ).values_list("subscriber_id", "key")
    )
