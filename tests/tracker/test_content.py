"""Building digests and reminders is pure: every test here builds from a ``BatchState`` made by
hand, with no database (pytest-django refuses any query in a test without the django_db mark)."""

import datetime
import itertools

from roadmap.models import MilestoneUpdate, Status, UpdateKind
from roadmap.targets import Target
from tracker.content import (
    DIGEST_DUE_SOON_DAYS,
    DIGEST_SECTION_LIMIT,
    FACT_FIELDS,
    BatchState,
    DigestBuilder,
    FollowPattern,
    LikelyLate,
    MilestoneFacts,
    reminder_content,
)
from tracker.models import Delivery, DeliveryKind, Subscriber

UTC = datetime.UTC
DAY = datetime.date(2026, 3, 10)
CURSOR = datetime.datetime(2026, 3, 9, 8, tzinfo=UTC)
THROUGH = datetime.datetime(2026, 3, 10, 8, tzinfo=UTC)
FOLLOWED_WORKSTREAM = 7
UPDATE_IDS = itertools.count(1)


def facts(pk, title=None, deadline=DAY, workstream_id=FOLLOWED_WORKSTREAM, status=Status.PLANNED):
    return MilestoneFacts(
        id=pk,
        title=title or f"Milestone {pk}",
        slug=f"milestone-{pk}",
        workstream_id=workstream_id,
        workstream="Policy",
        roadmap_id=1,
        roadmap="Crypto Task Force",
        jurisdiction_id=1,
        status=status,
        target=Target.on_day(deadline),
    )


def update(milestone, at, kind=UpdateKind.CHANGED, **fields):
    return MilestoneUpdate(
        pk=next(UPDATE_IDS), milestone_id=milestone.id, kind=kind, recorded_at=at, **fields
    )


def digest_for(subscriber, period=DAY, through=THROUGH):
    return Delivery(
        subscriber=subscriber, kind=DeliveryKind.DIGEST, period=period, changes_through=through
    )


def reader(pk=1, **fields):
    defaults = {"timezone": "UTC", "language": "en", "digest_cursor": CURSOR}
    return Subscriber(pk=pk, email=f"reader{pk}@example.com", **{**defaults, **fields})


def state(**fields):
    follows = {1: FollowPattern(everything=False, workstreams=frozenset({FOLLOWED_WORKSTREAM}))}
    return BatchState(now=THROUGH, **{"follows": follows, **fields})


def test_a_digest_sorts_the_followed_changes_in_its_span_into_sections():
    new, done, slipped, changed = facts(1), facts(2), facts(3), facts(4)
    elsewhere = facts(5, workstream_id=99)
    at = CURSOR + datetime.timedelta(hours=1)
    old_target = Target.on_day(DAY - datetime.timedelta(days=5)).as_dict()
    updates = (
        (update(new, CURSOR, kind=UpdateKind.CREATED), new),  # at the cursor: sent before
        (update(new, at, kind=UpdateKind.CREATED), new),
        (update(done, at, new_status=Status.COMPLETED), done),
        (update(slipped, at, slip_days=5, old_target=old_target), slipped),
        (update(changed, at, note="A note"), changed),
        (update(elsewhere, at, kind=UpdateKind.CREATED), elsewhere),  # not followed
        (update(changed, THROUGH + datetime.timedelta(seconds=1)), changed),  # after its span
    )
    sent = frozenset({(1, slipped.id, DAY - datetime.timedelta(days=5))})

    content = DigestBuilder(state(updates=updates, reminders_sent=sent)).content(
        digest_for(reader())
    )

    assert [change.milestone for change in content.new] == [new]
    assert [change.milestone for change in content.completed] == [done]
    assert [change.milestone for change in content.slipped] == [slipped]
    assert [change.milestone for change in content.changed] == [changed]
    assert list(content.reminded_before_slip) == [slipped]
    assert content.change_count == 4 and content.language == "en" and content.day == DAY


def test_a_change_is_dated_on_the_subscribers_local_day():
    milestone = facts(1)
    late_evening = datetime.datetime(2026, 3, 9, 23, 30, tzinfo=UTC)
    updates = ((update(milestone, late_evening, kind=UpdateKind.CREATED), milestone),)

    content = DigestBuilder(state(updates=updates)).content(
        digest_for(reader(timezone="Asia/Singapore"))
    )

    assert [change.recorded_on for change in content.new] == [datetime.date(2026, 3, 10)]


def test_due_soon_holds_the_coming_month_and_overdue_the_most_recent_first():
    soon, later, just_late, long_late = (
        facts(1, deadline=DAY + datetime.timedelta(days=DIGEST_DUE_SOON_DAYS)),
        facts(2, deadline=DAY + datetime.timedelta(days=DIGEST_DUE_SOON_DAYS + 1)),
        facts(3, deadline=DAY - datetime.timedelta(days=1)),
        facts(4, deadline=DAY - datetime.timedelta(days=40)),
    )
    upcoming = tuple(sorted([soon, later, just_late, long_late], key=lambda f: f.deadline))

    content = DigestBuilder(state(upcoming=upcoming)).content(digest_for(reader()))

    assert list(content.due_soon) == [soon]
    assert list(content.overdue) == [just_late, long_late]
    assert content.is_empty()  # due dates alone make no digest


def test_each_section_keeps_the_first_items_and_counts_the_rest():
    extra = 3
    milestones = [facts(n, title=f"Rule {n:03}") for n in range(DIGEST_SECTION_LIMIT + extra)]
    at = CURSOR + datetime.timedelta(minutes=1)
    updates = tuple((update(m, at, kind=UpdateKind.CREATED), m) for m in milestones)

    content = DigestBuilder(state(updates=updates)).content(digest_for(reader()))

    assert len(content.new) == DIGEST_SECTION_LIMIT and content.new.more == extra
    assert content.change_count == DIGEST_SECTION_LIMIT + extra


def test_likely_late_is_told_once_in_the_digest_whose_span_holds_the_crossing():
    milestone = facts(1)
    crossing = LikelyLate(milestone, DAY + datetime.timedelta(days=90), CURSOR)
    later = LikelyLate(facts(2), DAY, CURSOR + datetime.timedelta(minutes=1))

    content = DigestBuilder(state(likely_late=(crossing, later))).content(digest_for(reader()))

    assert list(content.likely_late) == [later]  # the one at the cursor went in the last digest


def test_subscribers_reading_the_same_thing_share_one_content():
    milestone = facts(1)
    updates = ((update(milestone, CURSOR + datetime.timedelta(minutes=1)), milestone),)
    pattern = FollowPattern(everything=True)
    builder = DigestBuilder(state(updates=updates, follows={1: pattern, 2: pattern}))

    first = builder.content(digest_for(reader(1)))
    second = builder.content(digest_for(reader(2)))

    assert first == second and hash(first) == hash(second)


def reminder_for(milestone, subscriber, lead_days, target_end):
    return Delivery(
        subscriber=subscriber,
        kind=DeliveryKind.REMINDER,
        milestone_id=milestone.id,
        lead_days=lead_days,
        target_end=target_end,
    )


def test_a_reminder_counts_the_days_left_on_the_subscribers_local_day():
    milestone = facts(1, deadline=DAY + datetime.timedelta(days=7))
    now = datetime.datetime(2026, 3, 9, 20, tzinfo=UTC)  # already the 10th in Singapore
    delivery = reminder_for(milestone, reader(timezone="Asia/Singapore"), 7, milestone.deadline)

    content = reminder_content(BatchState(now=now, reminded={1: milestone}), delivery)

    assert content is not None and content.days_left == 7 and not content.is_late
    late = reminder_content(
        BatchState(now=now + datetime.timedelta(days=2), reminded={1: milestone}), delivery
    )
    assert late is not None and late.days_left == 5 and late.is_late


def test_a_reminder_that_no_longer_applies_says_nothing():
    deadline = DAY + datetime.timedelta(days=7)
    subscriber = reader()
    moved = facts(1, deadline=deadline + datetime.timedelta(days=1))
    done = facts(2, deadline=deadline, status=Status.COMPLETED)
    due = facts(3, deadline=DAY - datetime.timedelta(days=1))
    now = datetime.datetime(2026, 3, 10, 9, tzinfo=UTC)
    state_ = BatchState(now=now, reminded={1: moved, 2: done, 3: due})

    assert reminder_content(state_, reminder_for(moved, subscriber, 7, deadline)) is None
    assert reminder_content(state_, reminder_for(done, subscriber, 7, deadline)) is None
    assert reminder_content(state_, reminder_for(due, subscriber, 1, due.deadline)) is None
    assert reminder_content(state_, reminder_for(facts(4), subscriber, 7, deadline)) is None


def test_milestone_facts_read_a_row_by_its_field_names_in_any_order():
    row = {
        "milestone__id": 5,
        "milestone__title": "Custody rule",
        "milestone__slug": "custody-rule",
        "milestone__workstream_id": 2,
        "milestone__workstream__title": "Policy",
        "milestone__workstream__roadmap_id": 3,
        "milestone__workstream__roadmap__title": "Crypto Task Force",
        "milestone__authority__jurisdiction_id": 4,
        "milestone__status": Status.PLANNED,
        "milestone__target_precision": "day",
        "milestone__target_start": DAY,
        "milestone__target_end": DAY,
        "milestone__target_qualifier": "on",
        "milestone__target_wording": "10 March",
        "milestone__title_zh_hans": "托管规则",
    }
    assert {name.removeprefix("milestone__") for name in row} == set(FACT_FIELDS)

    milestone = MilestoneFacts.from_row(dict(reversed(row.items())), prefix="milestone__")

    assert (milestone.id, milestone.workstream_id, milestone.roadmap_id) == (5, 2, 3)
    assert (milestone.jurisdiction_id, milestone.title_zh_hans) == (4, "托管规则")
    assert milestone.target == Target.on_day(DAY, wording="10 March")
