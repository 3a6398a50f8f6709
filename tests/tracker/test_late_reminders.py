"""Reminders catch up: a lead day missed while the dispatcher was down, or jumped over by a slip,
is sent late, once, and says so; a new subscriber is not flooded with lead days before their time.
"""

import datetime

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from roadmap import services as roadmap_services
from roadmap.targets import Target
from tests.factories import MilestoneFactory
from tracker.dispatch import dispatch
from tracker.models import Delivery, DeliveryKind, DeliveryState

pytestmark = pytest.mark.django_db
UTC = datetime.UTC


def at(*args):
    return datetime.datetime(*args, tzinfo=UTC)


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    def run_at(moment):
        with (
            time_machine.travel(moment, tick=False),
            django_capture_on_commit_callbacks(execute=True),
        ):
            return dispatch(moment)

    return run_at


@pytest.fixture
def reader(make_subscriber):
    with time_machine.travel(at(2026, 1, 2), tick=False):
        return make_subscriber(
            timezone="UTC", send_hour=9, reminder_days=[30, 7, 1], digest_frequency="never"
        )


def milestone_due(day, title="Custody rule proposal"):
    with time_machine.travel(at(2026, 1, 1), tick=False):
        return MilestoneFactory(title=title, target=Target.on_day(day))


def reminders():
    return list(
        Delivery.objects.filter(kind=DeliveryKind.REMINDER).values_list(
            "lead_days", "target_end", "state"
        )
    )


def test_a_lead_day_missed_while_the_dispatcher_was_down_is_sent_late_once(reader, run):
    milestone_due(datetime.date(2026, 1, 20))
    run(at(2026, 1, 12, 9, 1))  # the last run before it went down; the 7-day one is on the 13th

    run(at(2026, 1, 16, 9, 1))  # back four days later, beyond the dispatcher's own catch-up

    assert reminders() == [(7, datetime.date(2026, 1, 20), DeliveryState.SENT)]
    [message] = mail.outbox
    assert message.subject == "Due in 4 days: Custody rule proposal"
    assert "Due in 4 days. Our reminder is late" in message.body
    assert "7 days before the deadline" in message.alternatives[0][0]
    mail.outbox.clear()
    run(at(2026, 1, 17, 9, 1))
    run(at(2026, 1, 18, 9, 1))
    assert mail.outbox == []
    run(at(2026, 1, 19, 9, 1))  # the 1-day reminder comes on time, and says nothing of lateness
    [message] = mail.outbox
    assert message.subject == "Due in 1 day: Custody rule proposal"
    assert "late" not in message.body


def test_a_lead_day_a_slip_jumped_over_is_sent_late_and_only_the_most_recent(reader, run):
    milestone = milestone_due(datetime.date(2026, 3, 1))
    with time_machine.travel(at(2026, 1, 10, 12), tick=False):
        roadmap_services.milestone_move_target(
            milestone=milestone, target=Target.on_day(datetime.date(2026, 1, 15)), note="Sooner"
        )

    run(at(2026, 1, 11, 9, 1))

    assert reminders() == [(7, datetime.date(2026, 1, 15), DeliveryState.SENT)]  # not the 30
    [message] = mail.outbox
    assert message.subject == "Due in 4 days: Custody rule proposal"


def test_a_reminder_sent_on_time_is_not_sent_again_late(reader, run):
    milestone_due(datetime.date(2026, 1, 20))
    for day in range(13, 19):
        run(at(2026, 1, day, 9, 1))

    assert reminders() == [(7, datetime.date(2026, 1, 20), DeliveryState.SENT)]
    assert len(mail.outbox) == 1
    assert "late" not in mail.outbox[0].body


def test_a_reminder_caught_up_late_is_not_proposed_again_on_the_days_after(reader, run):
    milestone_due(datetime.date(2026, 1, 20))
    run(at(2026, 1, 12, 9, 1))
    run(at(2026, 1, 16, 9, 1))  # catches up the 7-day reminder missed on the 13th
    assert reminders() == [(7, datetime.date(2026, 1, 20), DeliveryState.SENT)]

    for day in (17, 18):  # the 13th is still the lead day missed: nothing new is due
        with CaptureQueriesContext(connection) as queries:
            run(at(2026, 1, day, 9, 1))
        inserts = [
            q["sql"] for q in queries if q["sql"].startswith('INSERT INTO "tracker_delivery"')
        ]
        assert inserts == []
    assert len(mail.outbox) == 1


def test_a_new_subscriber_gets_no_late_reminders_for_lead_days_before_they_confirmed(
    make_subscriber, run
):
    for number, day in enumerate([3, 5, 9, 20]):
        milestone_due(datetime.date(2026, 1, 10 + day), title=f"Milestone {number}")
    with time_machine.travel(at(2026, 1, 10, 8), tick=False):
        make_subscriber(timezone="UTC", send_hour=9, reminder_days=[30, 7, 1])

    run(at(2026, 1, 10, 9, 1))

    assert reminders() == []


def test_nothing_is_caught_up_once_the_deadline_has_passed(reader, run):
    milestone_due(datetime.date(2026, 1, 14))
    run(at(2026, 1, 5, 9, 1))

    run(at(2026, 1, 15, 9, 1))  # its walk of the missed 13th writes the 1-day one, too late

    assert mail.outbox == []
    assert DeliveryState.SENT not in {state for _lead, _end, state in reminders()}


def test_a_lead_day_missed_long_ago_is_not_caught_up(reader, run):
    milestone_due(datetime.date(2026, 2, 25))  # its 30-day lead day was 26 January
    run(at(2026, 1, 25, 9, 1))

    run(at(2026, 2, 10, 9, 1))  # fifteen days down: beyond LATE_DAYS

    assert reminders() == []
