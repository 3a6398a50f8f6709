"""What a reminder or digest says, worked out for a whole batch of subscribers at once.

Nothing here reads every milestone: a batch loads the changes in its period, the open milestones
due within 30 days or overdue, and the follows of its subscribers, in a handful of queries, then
works out each digest in memory. A subscriber's follows are a **FollowPattern**; subscribers with
the same pattern see the same milestones, so the due and overdue lists are worked out once per
pattern, and subscribers who would read the same thing (same language, day and followed changes)
share one ``DigestContent``, rendered once however many of them there are. A followed
milestone whose forecast's P80 moved past its target's period is told once per crossing: in the
digest that covers the moment ``Forecast.late_since`` records.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, fields

from django.db.models import Q, QuerySet
from django.utils import timezone

from roadmap.models import Forecast, Milestone, MilestoneUpdate, Status, UpdateKind
from roadmap.targets import Target
from tracker import schedule
from tracker.models import Delivery, DeliveryKind, DeliveryState, Follow, Subscriber

DUE_SOON_DAYS = 30
LIST_LIMIT = 25
FACT_FIELDS = (
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
    "title_zh_hans",
)


@dataclass(frozen=True)
class MilestoneFacts:
    """The few facts of a milestone that emails show, and what they are followed through."""

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
    title_zh_hans: str = ""

    @classmethod
    def from_row(cls, row: tuple) -> MilestoneFacts:
        target = Target(
            precision=row[9], start=row[10], end=row[11], qualifier=row[12], wording=row[13]
        )
        return cls(*row[:9], target=target, title_zh_hans=row[14])

    @property
    def is_open(self) -> bool:
        return self.status in Status.open_values()

    @property
    def deadline(self) -> datetime.date | None:
        return self.target.deadline

    @property
    def status_label(self) -> str:
        return str(Status(self.status).label)


def facts(milestones: QuerySet) -> dict[int, MilestoneFacts]:
    return {row[0]: MilestoneFacts.from_row(row) for row in milestones.values_list(*FACT_FIELDS)}


def with_deadline_before(day: datetime.date) -> dict[int, MilestoneFacts]:
    """Open, still-listed milestones whose deadline is on or before ``day`` (a range scan)."""
    return facts(Milestone.objects.open().listed().with_deadline().filter(target_end__lte=day))


@dataclass(frozen=True)
class FollowPattern:
    """What one subscriber follows; equal patterns follow exactly the same milestones."""

    everything: bool
    roadmaps: frozenset[int] = frozenset()
    workstreams: frozenset[int] = frozenset()
    jurisdictions: frozenset[int] = frozenset()
    milestones: frozenset[int] = frozenset()

    def matches(self, milestone: MilestoneFacts) -> bool:
        return (
            self.everything
            or milestone.id in self.milestones
            or milestone.workstream_id in self.workstreams
            or milestone.roadmap_id in self.roadmaps
            or milestone.jurisdiction_id in self.jurisdictions
        )


def follow_patterns(subscribers: Iterable[Subscriber]) -> dict[int, FollowPattern]:
    """Return each subscriber's pattern, reading their follows in one query."""
    subscribers = list(subscribers)
    found = defaultdict(lambda: defaultdict(set))
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
class LikelyLate:
    """A followed milestone whose P80 moved past its target's period at ``since``."""

    milestone: MilestoneFacts
    p80: datetime.date
    since: datetime.datetime


@dataclass(frozen=True)
class Section:
    """The first ``LIST_LIMIT`` items of a digest's section and how many it had in all, so a
    subscriber who follows thousands of milestones reads "and N more" and not a 5 MiB email."""

    items: tuple = ()
    total: int = 0

    @classmethod
    def capped(cls, items: Iterable) -> Section:
        items = tuple(items)
        return cls(items[:LIST_LIMIT], len(items))

    @property
    def more(self) -> int:
        return self.total - len(self.items)

    def __iter__(self):
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)


@dataclass(frozen=True)
class DigestContent:
    """One digest's sections, each a ``Section`` (a tuple given is capped into one); equal
    contents are rendered once."""

    language: str
    day: datetime.date
    new: tuple[Change, ...] = ()
    completed: tuple[Change, ...] = ()
    slipped: tuple[Change, ...] = ()
    changed: tuple[Change, ...] = ()
    due_soon: tuple[MilestoneFacts, ...] = ()
    overdue: tuple[MilestoneFacts, ...] = ()
    reminded_before_slip: tuple[MilestoneFacts, ...] = ()
    likely_late: tuple[LikelyLate, ...] = ()

    @property
    def change_count(self) -> int:
        return sum(
            section.total
            for section in (self.new, self.completed, self.slipped, self.changed, self.likely_late)
        )

    def __post_init__(self):
        for field in fields(self):
            value = getattr(self, field.name)
            if isinstance(value, tuple):
                object.__setattr__(self, field.name, Section.capped(value))

    def is_empty(self) -> bool:
        return self.change_count == 0


def _facts_of(milestone: Milestone) -> MilestoneFacts:
    workstream = milestone.workstream
    return MilestoneFacts(
        milestone.id,
        milestone.title,
        milestone.slug,
        workstream.id,
        workstream.title,
        workstream.roadmap_id,
        workstream.roadmap.title,
        milestone.authority.jurisdiction_id,
        milestone.status,
        milestone.target,
        milestone.title_zh_hans,
    )


def _updates_between(start: datetime.datetime, end: datetime.datetime):
    """The updates recorded in (start, end], each with its milestone's facts, in one query."""
    updates = (
        MilestoneUpdate.objects.filter(recorded_at__gt=start, recorded_at__lte=end)
        .select_related("milestone__workstream__roadmap", "milestone__authority")
        .order_by("recorded_at", "id")
    )
    return [(update, _facts_of(update.milestone)) for update in updates]


def _late_between(start: datetime.datetime, end: datetime.datetime) -> list[LikelyLate]:
    """Open, listed milestones whose P80 moved past their target's period in (start, end], in
    one query."""
    rows = (
        Forecast.objects.filter(
            late_since__gt=start,
            late_since__lte=end,
            milestone__in=Milestone.objects.open().listed(),
        )
        .order_by("late_since", "milestone_id")
        .values_list("p80", "late_since", *(f"milestone__{name}" for name in FACT_FIELDS))
    )
    return [LikelyLate(MilestoneFacts.from_row(row[2:]), row[0], row[1]) for row in rows]


class DigestBuilder:
    """Works out the digests of one batch of deliveries: a few queries, then memory only."""

    def __init__(self, deliveries: list[Delivery]):
        subscribers = [delivery.subscriber for delivery in deliveries]
        self.patterns = follow_patterns(subscribers)
        starts = [s.digest_cursor for s in subscribers if s.digest_cursor]
        ends = [d.changes_through for d in deliveries]
        self.updates = _updates_between(min(starts), max(ends)) if starts and ends else []
        self.late = _late_between(min(starts), max(ends)) if starts and ends else []
        horizon = max(d.period for d in deliveries) + datetime.timedelta(days=DUE_SOON_DAYS)
        self.upcoming = sorted(
            with_deadline_before(horizon).values(), key=lambda f: (f.deadline, f.title)
        )
        slipped = {update.milestone_id for update, _facts in self.updates if update.slip_days}
        self.reminded = self._reminders_sent(subscribers, slipped)
        self._lists: dict[tuple, tuple] = {}

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

    def _due_lists(self, pattern: FollowPattern, today: datetime.date) -> tuple:
        """(due soon, overdue) for a pattern, worked out once."""
        key = (pattern, today)
        if key not in self._lists:
            followed = [facts for facts in self.upcoming if pattern.matches(facts)]
            horizon = today + datetime.timedelta(days=DUE_SOON_DAYS)
            due = [f for f in followed if today <= f.deadline <= horizon]
            overdue = [f for f in followed if f.deadline < today][::-1]  # most recent first
            self._lists[key] = (Section.capped(due), Section.capped(overdue))
        return self._lists[key]

    def content(self, delivery: Delivery) -> DigestContent:
        subscriber = delivery.subscriber
        pattern = self.patterns[subscriber.pk]
        zone = subscriber.zone
        sections = defaultdict(list)
        reminded = []
        start = subscriber.digest_cursor
        for update, milestone in self.updates:
            if not (start < update.recorded_at <= delivery.changes_through):
                continue
            if not pattern.matches(milestone):
                continue
            change = Change(milestone, update, update.recorded_at.astimezone(zone).date())
            if update.kind == UpdateKind.CREATED:
                sections["new"].append(change)
            elif update.new_status == Status.COMPLETED:
                sections["completed"].append(change)
            elif update.slip_days and update.slip_days > 0:
                sections["slipped"].append(change)
                if (subscriber.pk, milestone.id, change.old_end) in self.reminded:
                    reminded.append(milestone)
            else:
                sections["changed"].append(change)
        likely_late = tuple(
            late
            for late in self.late
            if start < late.since <= delivery.changes_through and pattern.matches(late.milestone)
        )
        due_soon, overdue = self._due_lists(pattern, delivery.period)
        return DigestContent(
            language=subscriber.language,
            day=delivery.period,
            new=tuple(sections["new"]),
            completed=tuple(sections["completed"]),
            slipped=tuple(sections["slipped"]),
            changed=tuple(sections["changed"]),
            due_soon=due_soon,
            overdue=overdue,
            reminded_before_slip=tuple(sorted(set(reminded), key=lambda f: f.title)),
            likely_late=likely_late,
        )


@dataclass(frozen=True)
class ReminderContent:
    language: str
    milestone: MilestoneFacts
    lead_days: int
    target_end: datetime.date
    days_left: int

    @property
    def is_late(self) -> bool:
        """Sent after its lead day: the dispatcher was down, or a slip jumped over it."""
        return self.days_left < self.lead_days


class ReminderBuilder:
    """Works out the reminders of one batch: one query for their milestones."""

    def __init__(self, deliveries: list[Delivery]):
        self.milestones = facts(
            Milestone.objects.filter(pk__in={d.milestone_id for d in deliveries})
        )
        self.now = timezone.now()

    def content(self, delivery: Delivery) -> ReminderContent | None:
        """What the reminder says, or None if it no longer applies (done, the target moved, or
        the deadline passed before it could go)."""
        milestone = self.milestones.get(delivery.milestone_id)
        if milestone is None or not milestone.is_open or milestone.deadline != delivery.target_end:
            return None
        today = schedule.local_day(self.now, delivery.subscriber.timezone)
        days_left = (delivery.target_end - today).days
        if days_left < 0:
            return None
        return ReminderContent(
            language=delivery.subscriber.language,
            milestone=milestone,
            lead_days=delivery.lead_days,
            target_end=delivery.target_end,
            days_left=days_left,
        )


def advance_cursors(sent: list[Delivery]) -> None:
    """Move each digest's subscriber past the changes it has now been sent (after the send)."""
    now = timezone.now()
    by_moment = defaultdict(list)
    for delivery in sent:
        by_moment[delivery.changes_through].append(delivery.subscriber_id)
    for moment, ids in by_moment.items():
        Subscriber.objects.filter(
            Q(digest_cursor__lt=moment) | Q(digest_cursor__isnull=True), pk__in=ids
        ).update(digest_cursor=moment, last_digest_at=now)
