"""What a reminder or digest says, worked out for a whole batch of subscribers at once.

A batch loads the milestones, the follows and the changes it needs in a handful of queries, then
works out each subscriber's digest in memory. Subscribers who would read the same thing (same
language, time zone, day and the same followed changes) share one ``DigestContent``, so it is
rendered once however many of them there are.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils import timezone

from roadmap.cache import content_version
from roadmap.models import Milestone, MilestoneUpdate, Status, UpdateKind
from roadmap.targets import Qualifier, Target
from tracker.models import Delivery, DeliveryKind, DeliveryState, Follow, Subscriber

DUE_SOON_DAYS = 30


@dataclass(frozen=True)
class MilestoneFacts:
    id: int
    title: str
    slug: str
    workstream_id: int
    workstream: str
    roadmap_id: int
    roadmap: str
    jurisdiction_id: int
    status: str
    target: Target

    @property
    def is_open(self) -> bool:
        return self.status in Status.open_values()

    @property
    def deadline(self) -> datetime.date | None:
        if self.target.qualifier == Qualifier.NOT_BEFORE:
            return None
        return self.target.end

    @property
    def status_label(self) -> str:
        return str(Status(self.status).label)


class MilestoneIndex:
    """Every milestone's few facts a digest needs, and who follows what, by id."""

    def __init__(self, milestones: Iterable[MilestoneFacts]):
        self.by_id = {facts.id: facts for facts in milestones}
        self.all_ids = frozenset(self.by_id)
        groups = {"roadmap": defaultdict(set), "workstream": defaultdict(set)}
        groups["jurisdiction"] = defaultdict(set)
        for facts in self.by_id.values():
            groups["roadmap"][facts.roadmap_id].add(facts.id)
            groups["workstream"][facts.workstream_id].add(facts.id)
            groups["jurisdiction"][facts.jurisdiction_id].add(facts.id)
        self._groups = groups

    def followed(self, everything: bool, follows: Iterable[tuple[str, int]]) -> frozenset[int]:
        if everything:
            return self.all_ids
        ids = set()
        for kind, pk in follows:
            if kind == "milestone":
                if pk in self.by_id:
                    ids.add(pk)
            else:
                ids |= self._groups[kind].get(pk, set())
        return frozenset(ids)


_index_cache: dict[str, object] = {}


def milestone_index() -> MilestoneIndex:
    """Return the index, rebuilt only when an editor has changed the roadmap since last time."""
    version = content_version()
    if _index_cache.get("version") != version:
        rows = Milestone.objects.values_list(
            "id",
            "title",
            "slug",
            "workstream_id",
            "workstream__title",
            "workstream__roadmap_id",
            "workstream__roadmap__title",
            "authority__jurisdiction_id",
            "status",
            "target_precision",
            "target_start",
            "target_end",
            "target_qualifier",
            "target_wording",
        )
        _index_cache["index"] = MilestoneIndex(
            MilestoneFacts(
                *row[:9],
                target=Target(
                    precision=row[9], start=row[10], end=row[11], qualifier=row[12], wording=row[13]
                ),
            )
            for row in rows.iterator(chunk_size=2000)
        )
        _index_cache["version"] = version
    return _index_cache["index"]


def follows_of(subscriber_ids: Iterable[int]) -> dict[int, list[tuple[str, int]]]:
    """Return each subscriber's follows as (kind, id) pairs, in one query."""
    found = defaultdict(list)
    rows = Follow.objects.filter(subscriber_id__in=list(subscriber_ids)).values_list(
        "subscriber_id", "roadmap_id", "workstream_id", "jurisdiction_id", "milestone_id"
    )
    for subscriber_id, *targets in rows:
        for kind, pk in zip(Follow.TARGETS, targets, strict=True):
            if pk is not None:
                found[subscriber_id].append((kind, pk))
    return found


@dataclass(frozen=True)
class Change:
    """One recorded update of a followed milestone; the template describes it in its language."""

    milestone: MilestoneFacts
    update: MilestoneUpdate
    recorded_on: datetime.date

    @property
    def old_end(self) -> datetime.date | None:
        old = self.update.old_target_value
        return old.end if old else None


@dataclass(frozen=True)
class DigestContent:
    """One digest's sections; equal contents are rendered once."""

    language: str
    day: datetime.date
    new: tuple[Change, ...] = ()
    completed: tuple[Change, ...] = ()
    slipped: tuple[Change, ...] = ()
    changed: tuple[Change, ...] = ()
    due_soon: tuple[MilestoneFacts, ...] = ()
    overdue: tuple[MilestoneFacts, ...] = ()
    reminded_before_slip: tuple[MilestoneFacts, ...] = field(default=())

    @property
    def change_count(self) -> int:
        return len(self.new) + len(self.completed) + len(self.slipped) + len(self.changed)

    def is_empty(self) -> bool:
        return self.change_count == 0


def _updates_between(start: datetime.datetime, end: datetime.datetime) -> list[MilestoneUpdate]:
    rows = MilestoneUpdate.objects.filter(recorded_at__gt=start, recorded_at__lte=end).only(
        "id",
        "milestone_id",
        "kind",
        "recorded_at",
        "note",
        "old_status",
        "new_status",
        "old_target",
        "new_target",
        "slip_days",
        "old_progress",
        "new_progress",
    )
    return list(rows.order_by("recorded_at", "id"))


class DigestBuilder:
    """Works out the digests of one batch of deliveries: a few queries, then memory only."""

    def __init__(self, deliveries: list[Delivery]):
        self.index = milestone_index()
        subscribers = [delivery.subscriber for delivery in deliveries]
        self.follows = follows_of(subscriber.pk for subscriber in subscribers)
        starts = [s.digest_cursor for s in subscribers if s.digest_cursor]
        ends = [d.changes_through for d in deliveries]
        self.updates = _updates_between(min(starts), max(ends)) if starts and ends else []
        slipped = {update.milestone_id for update in self.updates if update.slip_days}
        self.reminded = self._reminders_sent(subscribers, slipped)

    @staticmethod
    def _reminders_sent(subscribers: list[Subscriber], milestone_ids: set[int]) -> set[tuple]:
        if not milestone_ids:
            return set()
        rows = Delivery.objects.filter(
            subscriber__in=subscribers,
            kind=DeliveryKind.REMINDER,
            state=DeliveryState.SENT,
            milestone_id__in=milestone_ids,
        ).values_list("subscriber_id", "milestone_id", "target_end")
        return set(rows)

    def content(self, delivery: Delivery) -> DigestContent:
        subscriber = delivery.subscriber
        followed = self.index.followed(
            subscriber.follows_everything, self.follows.get(subscriber.pk, ())
        )
        zone = subscriber.zone
        today = delivery.period
        sections = defaultdict(list)
        reminded = []
        start = subscriber.digest_cursor
        for update in self.updates:
            if update.milestone_id not in followed or not (
                start < update.recorded_at <= delivery.changes_through
            ):
                continue
            facts = self.index.by_id[update.milestone_id]
            change = Change(facts, update, update.recorded_at.astimezone(zone).date())
            if update.kind == UpdateKind.CREATED:
                sections["new"].append(change)
            elif update.new_status == Status.COMPLETED:
                sections["completed"].append(change)
            elif update.slip_days and update.slip_days > 0:
                sections["slipped"].append(change)
                if (subscriber.pk, facts.id, change.old_end) in self.reminded:
                    reminded.append(facts)
            else:
                sections["changed"].append(change)
        due_soon, overdue = [], []
        horizon = today + datetime.timedelta(days=DUE_SOON_DAYS)
        for pk in followed:
            facts = self.index.by_id[pk]
            if not facts.is_open or facts.deadline is None:
                continue
            if facts.deadline < today:
                overdue.append(facts)
            elif facts.deadline <= horizon:
                due_soon.append(facts)
        by_deadline = lambda facts: (facts.deadline, facts.title)  # noqa: E731
        return DigestContent(
            language=subscriber.language,
            day=today,
            new=tuple(sections["new"]),
            completed=tuple(sections["completed"]),
            slipped=tuple(sections["slipped"]),
            changed=tuple(sections["changed"]),
            due_soon=tuple(sorted(due_soon, key=by_deadline)),
            overdue=tuple(sorted(overdue, key=by_deadline)),
            reminded_before_slip=tuple(sorted(set(reminded), key=lambda f: f.title)),
        )


@dataclass(frozen=True)
class ReminderContent:
    language: str
    milestone: MilestoneFacts
    lead_days: int
    target_end: datetime.date


def reminder_content(delivery: Delivery) -> ReminderContent | None:
    """Return what a reminder says, or None if it no longer applies (done, or the target moved)."""
    facts = milestone_index().by_id.get(delivery.milestone_id)
    if facts is None or not facts.is_open or facts.deadline != delivery.target_end:
        return None
    return ReminderContent(
        language=delivery.subscriber.language,
        milestone=facts,
        lead_days=delivery.lead_days,
        target_end=delivery.target_end,
    )


def advance_cursors(sent: list[Delivery]) -> None:
    """Move each digest's subscriber past the changes it has now been sent (after the send)."""
    now = timezone.now()
    by_moment = defaultdict(list)
    for delivery in sent:
        by_moment[delivery.changes_through].append(delivery.subscriber_id)
    for moment, ids in by_moment.items():
        Subscriber.objects.filter(pk__in=ids, digest_cursor__lt=moment).update(
            digest_cursor=moment, last_digest_at=now
        )
