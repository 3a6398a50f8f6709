"""What a reminder or digest says, built from what ``tracker.selectors`` read for the batch.

Nothing here reads the database: ``selectors.batch_state`` reads a batch's changes, the open
milestones due within ``DIGEST_DUE_SOON_DAYS`` or overdue, and its subscribers' follows in a handful
of queries, and the builders here work out each email from that ``BatchState`` in memory. A
subscriber's follows are a **FollowPattern**; subscribers with the same pattern see the same
milestones, so the due and overdue lists are worked out once per pattern, and subscribers who would
read the same thing (same language, day and followed changes) share one ``DigestContent``, rendered
once however many of them there are. A followed milestone whose forecast's P80 moved past its
target's period is told once per crossing: in the digest that covers the moment
``Forecast.late_since`` records.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, fields
from typing import Any

from roadmap.models import Milestone, MilestoneUpdate, Status, UpdateKind
from roadmap.targets import Target
from tracker import schedule
from tracker.models import Delivery, Subscriber

# A digest comes daily or weekly, so it lists what is due within the month; the dashboard, read to
# plan, looks a quarter ahead (roadmap.selectors.DUE_SOON_DAYS).
DIGEST_DUE_SOON_DAYS = 30
# An email's section shows this many items before "and N more" (a page's lists show
# roadmap.selectors.LIST_LIMIT): enough to read at a glance, and a digest stays a few KB.
DIGEST_SECTION_LIMIT = 25
# What a digest or reminder shows of a milestone, read by these names (``MilestoneFacts.from_row``).
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
    def from_row(cls, row: Mapping[str, Any], prefix: str = "") -> MilestoneFacts:
        """Build from a ``values()`` row of ``FACT_FIELDS``, each name after ``prefix``."""
        return cls(
            id=row[f"{prefix}id"],
            title=row[f"{prefix}title"],
            slug=row[f"{prefix}slug"],
            workstream_id=row[f"{prefix}workstream_id"],
            workstream=row[f"{prefix}workstream__title"],
            roadmap_id=row[f"{prefix}workstream__roadmap_id"],
            roadmap=row[f"{prefix}workstream__roadmap__title"],
            jurisdiction_id=row[f"{prefix}authority__jurisdiction_id"],
            status=row[f"{prefix}status"],
            target=Target(
                precision=row[f"{prefix}target_precision"],
                start=row[f"{prefix}target_start"],
                end=row[f"{prefix}target_end"],
                qualifier=row[f"{prefix}target_qualifier"],
                wording=row[f"{prefix}target_wording"],
            ),
            title_zh_hans=row[f"{prefix}title_zh_hans"],
        )

    @classmethod
    def of(cls, milestone: Milestone) -> MilestoneFacts:
        """Build from a milestone loaded with its workstream, roadmap and authority."""
        workstream = milestone.workstream
        return cls(
            id=milestone.id,
            title=milestone.title,
            slug=milestone.slug,
            workstream_id=workstream.id,
            workstream=workstream.title,
            roadmap_id=workstream.roadmap_id,
            roadmap=workstream.roadmap.title,
            jurisdiction_id=milestone.authority.jurisdiction_id,
            status=milestone.status,
            target=milestone.target,
            title_zh_hans=milestone.title_zh_hans,
        )

    @property
    def is_open(self) -> bool:
        return self.status in Status.open_values()

    @property
    def deadline(self) -> datetime.date | None:
        return self.target.deadline

    @property
    def status_label(self) -> str:
        return str(Status(self.status).label)


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
    """The first ``DIGEST_SECTION_LIMIT`` items of a digest's section and how many it had in all,
    so a subscriber who follows thousands of milestones reads "and N more" and not a 5 MiB email."""

    items: tuple = ()
    total: int = 0

    @classmethod
    def capped(cls, items: Iterable) -> Section:
        items = tuple(items)
        return cls(items[:DIGEST_SECTION_LIMIT], len(items))

    @property
    def more(self) -> int:
        return self.total - len(self.items)

    def __iter__(self) -> Iterator:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)


@dataclass(frozen=True)
class DigestContent:
    """One digest's sections, each a ``Section`` (a tuple given is capped into one); equal
    contents are rendered once."""

    language: str
    day: datetime.date
    new: Section = Section()
    completed: Section = Section()
    slipped: Section = Section()
    changed: Section = Section()
    due_soon: Section = Section()
    overdue: Section = Section()
    reminded_before_slip: Section = Section()
    likely_late: Section = Section()

    @property
    def change_count(self) -> int:
        return sum(
            section.total
            for section in (self.new, self.completed, self.slipped, self.changed, self.likely_late)
        )

    def __post_init__(self) -> None:
        for field_ in fields(self):
            value = getattr(self, field_.name)
            if isinstance(value, tuple):
                object.__setattr__(self, field_.name, Section.capped(value))

    def is_empty(self) -> bool:
        return self.change_count == 0


@dataclass(frozen=True)
class BatchState:
    """Everything the emails of one batch say, read at once by ``selectors.batch_state``.

    The digests' part is empty in a batch without digests, the reminders' in one without
    reminders.
    """

    now: datetime.datetime
    # Each digest subscriber's follows, by subscriber id.
    follows: Mapping[int, FollowPattern] = field(default_factory=dict)
    # The updates recorded since the oldest digest's cursor, each with its milestone, in order.
    updates: tuple[tuple[MilestoneUpdate, MilestoneFacts], ...] = ()
    # The crossings into "likely late" in the same span, in order.
    likely_late: tuple[LikelyLate, ...] = ()
    # Open, listed milestones due by the last digest's day plus DIGEST_DUE_SOON_DAYS, by deadline.
    upcoming: tuple[MilestoneFacts, ...] = ()
    # (subscriber id, milestone id, target end) of the reminders sent for milestones that slipped.
    reminders_sent: frozenset[tuple[int, int, datetime.date]] = frozenset()
    # The reminders' milestones, by id (a milestone deleted since is missing).
    reminded: Mapping[int, MilestoneFacts] = field(default_factory=dict)


class DigestBuilder:
    """Works out the digests of one batch from its ``BatchState``, in memory only."""

    def __init__(self, state: BatchState):
        self.state = state
        self._lists: dict[tuple[FollowPattern, datetime.date], tuple[Section, Section]] = {}

    def _due_lists(self, pattern: FollowPattern, today: datetime.date) -> tuple[Section, Section]:
        """(due soon, overdue) for a pattern, worked out once."""
        key = (pattern, today)
        if key not in self._lists:
            followed = [facts for facts in self.state.upcoming if pattern.matches(facts)]
            horizon = today + datetime.timedelta(days=DIGEST_DUE_SOON_DAYS)
            due = [f for f in followed if f.deadline is not None and today <= f.deadline <= horizon]
            # Most recent first.
            overdue = [f for f in followed if f.deadline is not None and f.deadline < today][::-1]
            self._lists[key] = (Section.capped(due), Section.capped(overdue))
        return self._lists[key]

    def _changes(
        self,
        subscriber: Subscriber,
        pattern: FollowPattern,
        start: datetime.datetime,
        through: datetime.datetime,
    ) -> tuple[dict[str, list[Change]], list[MilestoneFacts], list[LikelyLate]]:
        """The followed changes in (start, through] by section, the slipped milestones the
        subscriber had a reminder for at their old date, and the "likely late" crossings."""
        sections: dict[str, list[Change]] = {
            "new": [],
            "completed": [],
            "slipped": [],
            "changed": [],
        }
        reminded = []
        zone = subscriber.zone
        for update, milestone in self.state.updates:
            if not (start < update.recorded_at <= through):
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
                if (subscriber.pk, milestone.id, change.old_end) in self.state.reminders_sent:
                    reminded.append(milestone)
            else:
                sections["changed"].append(change)
        likely_late = [
            late
            for late in self.state.likely_late
            if start < late.since <= through and pattern.matches(late.milestone)
        ]
        return sections, reminded, likely_late

    def content(self, delivery: Delivery) -> DigestContent:
        if delivery.period is None:
            raise ValueError("A digest is for a day: its delivery's period is missing.")
        subscriber = delivery.subscriber
        pattern = self.state.follows[subscriber.pk]
        start, through = subscriber.digest_cursor, delivery.changes_through
        sections: dict[str, list[Change]] = defaultdict(list)
        reminded: list[MilestoneFacts] = []
        likely_late: list[LikelyLate] = []
        # A subscriber never confirmed has no cursor: no change is after it.
        if start is not None and through is not None:
            sections, reminded, likely_late = self._changes(subscriber, pattern, start, through)
        due_soon, overdue = self._due_lists(pattern, delivery.period)
        return DigestContent(
            language=subscriber.language,
            day=delivery.period,
            new=Section.capped(sections["new"]),
            completed=Section.capped(sections["completed"]),
            slipped=Section.capped(sections["slipped"]),
            changed=Section.capped(sections["changed"]),
            due_soon=due_soon,
            overdue=overdue,
            reminded_before_slip=Section.capped(sorted(set(reminded), key=lambda f: f.title)),
            likely_late=Section.capped(likely_late),
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


def reminder_content(state: BatchState, delivery: Delivery) -> ReminderContent | None:
    """What the reminder says, or None if it no longer applies (done, the target moved, or the
    deadline passed before it could go)."""
    if delivery.milestone_id is None or delivery.target_end is None or delivery.lead_days is None:
        return None  # not a reminder's row
    milestone = state.reminded.get(delivery.milestone_id)
    if milestone is None or not milestone.is_open or milestone.deadline != delivery.target_end:
        return None
    today = schedule.local_day(state.now, delivery.subscriber.timezone)
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
