"""Who gets what when: digests at the local hour, reminders on their lead day, slips, catch-up."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from roadmap import services as roadmap_services
from roadmap.models import Milestone
from roadmap.targets import Target
from tests.factories import MilestoneFactory
from tracker import services
from tracker.dispatch import dispatch
from tracker.models import Delivery, DeliveryKind, DeliveryState, DispatchSlot, Subscriber

pytestmark = pytest.mark.django_db
UTC = datetime.UTC


def at(*args):
    return datetime.datetime(*args, tzinfo=UTC)


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Dispatch at a moment, then let the queued sends run as they would after commit."""

    def run_at(moment, **options):
        with (
            time_machine.travel(moment, tick=False),
            django_capture_on_commit_callbacks(execute=True),
        ):
            return dispatch(moment, **options)

    return run_at


def subscribe_at(moment, make_subscriber, **preferences):
    with time_machine.travel(moment, tick=False):
        return make_subscriber(**preferences)


def milestone_at(moment, **fields):
    with time_machine.travel(moment, tick=False):
        return MilestoneFactory(**fields)


def test_daily_digest_comes_at_the_local_hour_with_what_changed(make_subscriber, run):
    subscribe_at(at(2026, 1, 5, 7), make_subscriber, timezone="Europe/London", send_hour=8)
    milestone = milestone_at(at(2026, 1, 5, 7, 30), title="Stablecoin reserve audits")
    assert not run(at(2026, 1, 5, 7, 50)).ids  # 07:45 London: not their hour yet
    plan = run(at(2026, 1, 5, 8, 5))
    assert len(plan.ids) == 1
    [message] = mail.outbox
    assert "Roadmap digest" in message.subject
    assert milestone.title in message.body and "New milestones" in message.body
    delivery = Delivery.objects.get(kind=DeliveryKind.DIGEST)
    assert delivery.state == DeliveryState.SENT and delivery.period == datetime.date(2026, 1, 5)
    assert delivery.subscriber.digest_cursor == delivery.changes_through


def test_local_hour_follows_summer_time(make_subscriber, run):
    subscribe_at(at(2026, 7, 1, 5), make_subscriber, timezone="Europe/London", send_hour=8)
    milestone_at(at(2026, 7, 1, 6))
    assert len(run(at(2026, 7, 1, 7, 1)).ids) == 1  # 08:01 BST is 07:01 UTC


def test_weekly_digest_waits_for_its_day_and_an_empty_period_sends_nothing(make_subscriber, run):
    # 2026-01-05 is a Monday; the subscriber reads on Wednesdays at 09:00 Singapore time.
    subscribe_at(
        at(2026, 1, 4),
        make_subscriber,
        timezone="Asia/Singapore",
        send_hour=9,
        digest_frequency="weekly",
        digest_weekday=2,
        reminder_days=[],
    )
    assert not run(at(2026, 1, 5, 1, 5)).ids  # Monday 09:05 SGT, nothing changed
    milestone_at(at(2026, 1, 5, 2))
    assert not run(at(2026, 1, 6, 1, 5)).ids  # Tuesday
    assert len(run(at(2026, 1, 7, 1, 5)).ids) == 1  # Wednesday
    assert not run(at(2026, 1, 14, 1, 5)).ids  # next Wednesday: nothing new, nothing sent
    assert len(mail.outbox) == 1


def test_a_dispatcher_that_was_down_catches_up_and_never_repeats_a_slot(make_subscriber, run):
    subscribe_at(at(2026, 1, 5, 5), make_subscriber, timezone="Europe/London", send_hour=8)
    milestone_at(at(2026, 1, 5, 5, 30))
    run(at(2026, 1, 5, 6))
    plan = run(at(2026, 1, 5, 11, 20))  # no run between 06:00 and 11:20
    assert plan.slots == 21 * 2  # 06:15 … 11:15, for digests and reminders
    assert len(plan.ids) == 1
    assert not run(at(2026, 1, 5, 11, 20)).ids
    assert DispatchSlot.objects.filter(kind=DeliveryKind.DIGEST).count() == 22
    assert len(mail.outbox) == 1


def test_two_dispatchers_on_the_same_slot_write_each_delivery_once(make_subscriber, run):
    subscribe_at(at(2026, 1, 5, 5), make_subscriber, timezone="UTC", send_hour=8)
    milestone_at(at(2026, 1, 5, 6))
    first = run(at(2026, 1, 5, 8, 1))
    DispatchSlot.objects.all().delete()  # as if a second beat had not seen the first's slots
    second = run(at(2026, 1, 5, 8, 2))
    assert len(first.ids) == 1 and second.ids == []
    assert Delivery.objects.filter(kind=DeliveryKind.DIGEST).count() == 1
    assert len([m for m in mail.outbox if "digest" in m.subject]) == 1


def test_reminders_come_on_each_lead_day_and_a_slip_rearms_them(make_subscriber, run):
    milestone = milestone_at(
        at(2026, 1, 1),
        title="Custody rule proposal",
        target=Target.on_day(datetime.date(2026, 1, 20)),
    )
    subscribe_at(
        at(2026, 1, 2),
        make_subscriber,
        timezone="America/New_York",
        send_hour=9,
        reminder_days=[7, 1],
        digest_frequency="daily",
    )
    run(at(2026, 1, 13, 13, 59))  # 08:59 in New York
    assert not Delivery.objects.filter(kind=DeliveryKind.REMINDER).exists()
    run(at(2026, 1, 13, 14, 1))  # 09:01 on 13 January, seven days before
    [reminder] = Delivery.objects.filter(kind=DeliveryKind.REMINDER)
    assert (reminder.lead_days, reminder.target_end) == (7, datetime.date(2026, 1, 20))
    assert [m.subject for m in mail.outbox] == ["Due in 7 days: Custody rule proposal"]
    run(at(2026, 1, 14, 14, 1))
    assert Delivery.objects.filter(kind=DeliveryKind.REMINDER).count() == 1

    with time_machine.travel(at(2026, 1, 15, 12), tick=False):
        roadmap_services.milestone_shift_target(milestone=milestone, days=7, note="Slipped")
    mail.outbox.clear()
    run(at(2026, 1, 16, 14, 1))  # the daily digest tells of the slip and the old reminder
    [digest] = mail.outbox
    assert "Slipped" in digest.body and "reminder for the old date" in digest.body
    mail.outbox.clear()
    run(at(2026, 1, 20, 14, 1))  # seven days before the new target
    assert [m.subject for m in mail.outbox] == ["Due in 7 days: Custody rule proposal"]
    keys = set(Delivery.objects.filter(kind=DeliveryKind.REMINDER).values_list("key", flat=True))
    assert keys == {
        f"reminder:{milestone.pk}:7:2026-01-20",
        f"reminder:{milestone.pk}:7:2026-01-27",
    }


def test_a_reminder_for_a_milestone_completed_meanwhile_is_not_sent(make_subscriber, run):
    milestone = milestone_at(at(2026, 1, 1), target=Target.on_day(datetime.date(2026, 1, 20)))
    subscribe_at(at(2026, 1, 2), make_subscriber, timezone="UTC", send_hour=9, reminder_days=[7])
    with time_machine.travel(at(2026, 1, 13, 9, 1), tick=False):
        plan = dispatch(at(2026, 1, 13, 9, 1))  # written, not yet sent
        roadmap_services.milestone_change_status(milestone=milestone, status="completed")
        from tracker.tasks import send_deliveries

        send_deliveries(plan.ids)
    assert Delivery.objects.get(kind=DeliveryKind.REMINDER).state == DeliveryState.SKIPPED
    assert not [m for m in mail.outbox if "Due in" in m.subject]


def test_unconfirmed_suspended_and_unsubscribed_addresses_get_nothing(make_subscriber, run):
    subscribe_at(at(2026, 1, 1), make_subscriber, email="new@example.com", confirm=False)
    gone = subscribe_at(at(2026, 1, 1), make_subscriber, email="gone@example.com")
    refused = subscribe_at(at(2026, 1, 1), make_subscriber, email="refused@example.com")
    services.subscriber_unsubscribe(subscriber=gone)
    services.subscribers_suspend(subscriber_ids=[refused.pk], reason="550 No such mailbox")
    milestone_at(at(2026, 1, 1, 12))
    mail.outbox.clear()
    assert not run(at(2026, 1, 2, 8, 1)).ids
    assert not mail.outbox


def test_dry_run_prints_the_plan_and_writes_nothing(make_subscriber, capsys):
    subscribe_at(at(2026, 1, 5, 5), make_subscriber, timezone="UTC", send_hour=8)
    milestone_at(at(2026, 1, 5, 6))
    mail.outbox.clear()
    with time_machine.travel(at(2026, 1, 5, 8, 1), tick=False):
        call_command("send_digests", "--dry-run")
    out = capsys.readouterr().out
    assert "reader@example.com: digest:2026-01-05" in out and "dry run" in out
    assert not Delivery.objects.filter(kind=DeliveryKind.DIGEST).exists()
    assert not DispatchSlot.objects.exists() and not mail.outbox


def test_send_digests_for_one_subscriber_sends_now_and_once(
    make_subscriber, capsys, django_capture_on_commit_callbacks
):
    subscribe_at(at(2026, 1, 5, 5), make_subscriber, digest_frequency="weekly", digest_weekday=4)
    milestone_at(at(2026, 1, 5, 6))
    mail.outbox.clear()
    with (
        time_machine.travel(at(2026, 1, 5, 15), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        call_command("send_digests", "--subscriber", "Reader@example.com")
        call_command("send_digests", "--subscriber", "reader@example.com")
    assert len(mail.outbox) == 1
    assert "1 digest(s) queued" in capsys.readouterr().out


def test_send_reminders_command_uses_the_same_records(make_subscriber, capsys):
    milestone_at(at(2026, 1, 1), target=Target.on_day(datetime.date(2026, 1, 20)))
    subscribe_at(at(2026, 1, 2), make_subscriber, timezone="UTC", send_hour=9, reminder_days=[7])
    with time_machine.travel(at(2026, 1, 13, 9, 1), tick=False):
        call_command("send_reminders", "--dry-run")
        assert "reminder:" in capsys.readouterr().out
        call_command("send_reminders")
        call_command("send_reminders")
    assert Delivery.objects.filter(kind=DeliveryKind.REMINDER).count() == 1


def test_dispatch_and_a_digest_batch_cost_the_same_queries_at_100_and_10000_milestones(
    make_subscriber, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    from tests.support.datasets import build_roadmap

    reader = subscribe_at(at(2026, 1, 5, 5), make_subscriber, timezone="UTC", send_hour=8)
    counts = []
    for size in (100, 10_000):
        with time_machine.travel(at(2026, 1, 5, 6), tick=False):
            roadmap = build_roadmap(milestones=size, workstreams=50)
        with time_machine.travel(at(2026, 1, 5, 7), tick=False):
            changed = Milestone.objects.filter(workstream__roadmap=roadmap).first()
            roadmap_services.milestone_record_update(milestone=changed, note="A note")
        DispatchSlot.objects.all().delete()
        Delivery.objects.filter(kind=DeliveryKind.DIGEST).delete()
        Subscriber.objects.filter(pk=reader.pk).update(digest_cursor=at(2026, 1, 5, 5))
        mail.outbox.clear()
        with (
            time_machine.travel(at(2026, 1, 5, 8, 1), tick=False),
            django_capture_on_commit_callbacks(execute=True),
            django_assert_max_num_queries(30) as captured,
        ):
            dispatch(at(2026, 1, 5, 8, 1))
        counts.append(len(captured))
        [digest] = mail.outbox
        assert " more: " in digest.body or size == 100
    assert counts[0] == counts[1]
