"""Sending over a real SMTP server: multipart, headers, one connection, exactly once, refusals."""

import datetime
from collections import Counter
from unittest import mock

import pytest
import time_machine
from django.utils import timezone

from roadmap.models import Roadmap
from roadmap.targets import Target
from tests.factories import MilestoneFactory, RoadmapFactory, WorkstreamFactory
from tracker import journal, mail, sending, services, subscribe_requests, tasks
from tracker.models import (
    Delivery,
    DeliveryKind,
    DeliveryState,
    Subscriber,
    SubscriptionRequest,
)

pytestmark = pytest.mark.django_db


def _digests(subscribers, now=None):
    now = now or timezone.now()
    return [
        Delivery.objects.create(
            subscriber=subscriber,
            kind=DeliveryKind.DIGEST,
            key=f"digest:{now.date().isoformat()}",
            period=now.date(),
            changes_through=now,
        ).pk
        for subscriber in subscribers
    ]


@pytest.fixture
def sweep(django_capture_on_commit_callbacks):
    """Run the sweeper as beat does, outside any transaction: what it queues goes at once."""

    def run():
        with django_capture_on_commit_callbacks(execute=True):
            return tasks.sweep()

    return run


@pytest.fixture
def readers(make_subscriber):
    """Subscribers confirmed an hour ago, then a change they all follow."""
    past = timezone.now() - datetime.timedelta(hours=1)

    def make(count, prefix="reader", **preferences):
        with time_machine.travel(past, tick=False):
            people = [
                make_subscriber(email=f"{prefix}{n}@example.com", **preferences)
                for n in range(count)
            ]
        Delivery.objects.filter(kind=DeliveryKind.CONFIRMATION).delete()
        return people

    return make


def test_a_batch_goes_over_one_connection_as_multipart_mail_with_list_headers(readers, smtp_sink):
    people = readers(5, language="zh-hans")
    MilestoneFactory(title="MiCA transitional period ends")
    tasks.send_deliveries(_digests(people))
    messages = smtp_sink.messages
    assert sorted(m["To"] for m in messages) == sorted(p.email for p in people)
    message = messages[0]
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "MiCA transitional period ends" in text and "MiCA transitional period ends" in html
    assert message["Content-Language"] == "zh-hans"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/subscribe/unsubscribe/" in message["List-Unsubscribe"]
    assert "mailto:" in message["List-Unsubscribe"]
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["Message-ID"].startswith("<delivery-")
    assert len({m["Message-ID"] for m in messages}) == 5
    assert len(smtp_sink.handler.sessions) == 1
    assert set(Delivery.objects.values_list("state", flat=True)) == {DeliveryState.SENT}


def test_a_task_run_twice_or_two_workers_with_the_same_ids_send_each_email_once(readers, smtp_sink):
    people = readers(3)
    MilestoneFactory()
    ids = _digests(people)
    tasks.send_deliveries(ids)
    tasks.send_deliveries(ids)
    assert sending.claim(ids) == []
    assert len(smtp_sink.messages) == 3


def test_a_refused_address_is_suspended_and_the_rest_of_the_batch_still_goes(readers, smtp_sink):
    people = readers(2) + readers(1, prefix="refuse") + readers(2, prefix="other")
    MilestoneFactory()
    refused = Subscriber.objects.get(email="refuse0@example.com")
    refused.email = "refuse@example.com"
    refused.save()
    tasks.send_deliveries(_digests(people))
    assert len(smtp_sink.messages) == 4
    refused.refresh_from_db()
    assert refused.suspended_at is not None and "550" in refused.suspension_reason
    failed = Delivery.objects.get(subscriber=refused)
    assert failed.state == DeliveryState.FAILED and "550" in failed.last_error
    assert not services.Subscriber.objects.active().filter(pk=refused.pk).exists()
    services.subscriber_confirm(subscriber=refused)  # a new confirmation lifts the suspension
    refused.refresh_from_db()
    assert refused.is_active


def test_a_temporary_refusal_is_retried_later_and_others_are_not_held_up(readers, smtp_sink):
    people = readers(1, prefix="busy") + readers(2)
    MilestoneFactory()
    busy = people[0]
    busy.email = "busy@example.com"
    busy.save()
    outcome = sending.send_claimed(sending.claim(_digests(people)))
    assert len(outcome.sent) == 2 and len(outcome.retry) == 1
    delivery = Delivery.objects.get(subscriber=busy)
    assert delivery.state == DeliveryState.PENDING and "451" in delivery.last_error
    assert len(smtp_sink.messages) == 2


def test_a_lost_connection_puts_the_rest_back_for_the_retry(readers, settings):
    people = readers(3)
    MilestoneFactory()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens: refused
    ids = _digests(people)
    # Celery's retry is the fault injected here: it would re-send the task after the backoff.
    retry = mock.patch.object(tasks.send_deliveries, "retry", side_effect=RuntimeError("retry"))
    with retry as retried, pytest.raises(RuntimeError, match="retry"):
        tasks.send_deliveries(ids)
    assert retried.call_args.kwargs == {"args": [ids], "countdown": 60}
    assert set(Delivery.objects.filter(pk__in=ids).values_list("state", flat=True)) == {
        DeliveryState.PENDING
    }
    assert "Connection refused" in Delivery.objects.get(pk=ids[0]).last_error


def test_exhausted_retries_leave_the_delivery_failed_for_an_editor_to_resend(
    readers, smtp_sink, django_capture_on_commit_callbacks
):
    [person] = readers(1)
    MilestoneFactory()  # a change, so the digest has something to say
    ids = _digests([person])
    sending.give_up(ids)
    assert Delivery.objects.get().state == DeliveryState.FAILED
    with django_capture_on_commit_callbacks(execute=True):
        # Queued again, and sent inline here.
        assert services.deliveries_resend(delivery_ids=ids) == 1
    assert Delivery.objects.get().state == DeliveryState.SENT
    assert [m["To"] for m in smtp_sink.messages] == [person.email]


def test_a_worker_killed_mid_batch_neither_loses_nor_repeats_an_email(readers, smtp_sink, sweep):
    people = readers(6)
    MilestoneFactory()
    ids = _digests(people)
    claimed = sending.claim(ids)
    # The worker sends three messages, then dies before it records anything.
    real_send = sending.get_connection

    class DiesAfterThree:
        def __init__(self):
            self.connection = real_send(fail_silently=False)
            self.count = 0

        def open(self):
            self.connection.open()

        def close(self):
            self.connection.close()

        def send_messages(self, messages):
            if self.count == 3:
                raise SystemExit("worker killed")
            self.count += 1
            return self.connection.send_messages(messages)

    with (
        mock.patch.object(sending, "get_connection", lambda **kw: DiesAfterThree()),
        pytest.raises(SystemExit),
    ):
        sending.send_claimed(claimed)
    assert len(smtp_sink.messages) == 3
    assert set(Delivery.objects.values_list("state", flat=True)) == {DeliveryState.SENDING}
    with time_machine.travel(timezone.now() + sending.STUCK_AFTER * 4):
        sweep()
    assert sorted(m["To"] for m in smtp_sink.messages) == sorted(p.email for p in people)
    assert set(Delivery.objects.values_list("state", flat=True)) == {DeliveryState.SENT}


def test_the_sweeper_requeues_pending_deliveries_whose_task_was_lost(readers, smtp_sink, sweep):
    people = readers(2)
    MilestoneFactory()
    _digests(people)  # written, but the queue lost their task
    sweep()
    assert not smtp_sink.messages  # too recent to be called lost
    with time_machine.travel(timezone.now() + sending.LOST_AFTER * 2):
        assert sweep() == 2
    assert len(smtp_sink.messages) == 2


def test_equal_digests_are_rendered_once_and_a_batch_costs_a_fixed_number_of_queries(
    readers, django_assert_max_num_queries
):
    roadmaps = RoadmapFactory.create_batch(2)
    for roadmap in roadmaps:
        MilestoneFactory(workstream=WorkstreamFactory(roadmap=roadmap))
    people = readers(40)
    for person, roadmap in zip(people[20:], [*roadmaps] * 10, strict=False):
        services.subscriber_update_preferences(
            subscriber=person,
            preferences={},
            follows=services.Follows(roadmaps=[Roadmap.objects.get(pk=roadmap.pk)]),
        )
    ids = _digests(people)
    render = mock.Mock(wraps=mail.render)
    with mock.patch.object(mail, "render", render), django_assert_max_num_queries(8):
        outcome = sending.send_claimed(sending.claim(ids))
    assert len(outcome.sent) == 40
    assert render.call_count == 3  # everything, the first roadmap, the second


def test_the_sent_journal_is_cleared_once_the_database_knows(
    readers, smtp_sink, django_capture_on_commit_callbacks
):
    [person] = readers(1)
    MilestoneFactory()
    [pk] = _digests([person])
    [claimed] = sending.claim([pk])
    with django_capture_on_commit_callbacks() as callbacks:
        sending.send_claimed([claimed])
        assert journal.read(claimed.claim) == {pk}  # kept until the record is committed...
    for callback in callbacks:
        callback()
    assert journal.read(claimed.claim) == set()  # ...and forgotten once the database knows
    assert Delivery.objects.get(pk=pk).sent_at is not None


def _reminders(subscribers, milestone):
    return [
        Delivery.objects.create(
            subscriber=subscriber,
            kind=DeliveryKind.REMINDER,
            key=f"reminder:{milestone.pk}:7:{milestone.target_end.isoformat()}",
            milestone=milestone,
            lead_days=7,
            target_end=milestone.target_end,
        ).pk
        for subscriber in subscribers
    ]


def test_a_sweeper_that_read_a_stuck_claim_before_another_settled_it_changes_nothing(
    readers, smtp_sink, django_capture_on_commit_callbacks
):
    """Two sweeps at once: the second read the claim's rows, then found its journal deleted.

    Reminders have no digest cursor to save them: only the compare-and-set on the row's state
    and claim keeps the two that went out from going again.
    """
    people = readers(6)
    week = timezone.localdate() + datetime.timedelta(days=7)
    milestone = MilestoneFactory(target=Target.on_day(week))
    claimed = sending.claim(_reminders(people, milestone))
    claim = claimed[0].claim
    worker_journal = journal.Journal(claim).open()
    for delivery in claimed[:2]:  # the worker sent two, then died
        worker_journal.add(delivery.pk)
    worker_journal.close()
    stale = list(Delivery.objects.filter(claim=claim).select_related("subscriber"))

    later = timezone.now() + sending.STUCK_AFTER * 2
    with django_capture_on_commit_callbacks(execute=True):
        requeued = sending.recover_stuck(later)
    assert sorted(requeued) == sorted(d.pk for d in claimed[2:])
    assert journal.read(claim) == set()
    # The second sweeper's journal read came after the first forgot it: "nothing went out".
    with django_capture_on_commit_callbacks(execute=True):
        sending.record(claim, stale, sending.Outcome(retry=[d.pk for d in stale]))
        assert sending.recover_stuck(later) == []  # and settling the claim again does nothing

    states = dict(Delivery.objects.values_list("pk", "state"))
    assert [states[d.pk] for d in claimed[:2]] == [DeliveryState.SENT] * 2
    assert {states[d.pk] for d in claimed[2:]} == {DeliveryState.PENDING}
    tasks.send_deliveries(requeued)
    received = sorted(message["To"] for message in smtp_sink.messages)
    assert received == sorted(d.subscriber.email for d in claimed[2:])  # once each, no more


@pytest.mark.parametrize("email", ["reader@example.com", "reader@bücher.example"])
def test_each_copy_of_a_prepared_email_is_the_email_built_the_ordinary_way(make_subscriber, email):
    from email import message_from_bytes, policy

    subscriber = make_subscriber(email=email, language="zh-hans")
    MilestoneFactory(title="Stablecoin reserve audits")
    [pk] = _digests([subscriber])
    [delivery] = sending.claim([pk])
    rendered = sending.Batch([delivery]).rendered(delivery)
    prepared = mail.PreparedEmail(DeliveryKind.DIGEST, rendered)
    assert prepared.fast
    copy = prepared.for_delivery(delivery)
    prepared.fast = False
    ordinary = prepared.for_delivery(delivery)

    def parsed(message):
        return message_from_bytes(message.message().as_bytes(), policy=policy.default)

    fast, slow = parsed(copy), parsed(ordinary)
    for header in ("To", "Subject", "Message-ID", "List-Unsubscribe", "List-Unsubscribe-Post"):
        assert " ".join(fast[header].split()) == " ".join(slow[header].split()), header
    for kind in ("plain", "html"):
        assert fast.get_body((kind,)).get_content() == slow.get_body((kind,)).get_content()
    assert "placeholder" not in copy.message().as_bytes().decode()
    assert "/subscribe/manage/" in fast.get_body(("plain",)).get_content()


def test_a_subscription_made_while_the_broker_is_down_is_kept_and_confirmed_later(
    client, broker_down, subscribe_form, django_capture_on_commit_callbacks, mailoutbox
):
    from config.celery import app

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/subscribe/", subscribe_form)
    assert response.status_code == 302  # the reader sees no error
    assert SubscriptionRequest.objects.count() == 1  # kept, though its task could not be queued
    assert not Subscriber.objects.exists() and not mailoutbox
    app.conf.task_always_eager = True  # the broker is back
    with (
        time_machine.travel(timezone.now() + subscribe_requests.LOST_AFTER * 2),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert tasks.sweep_subscribe_requests() == 1
    assert not SubscriptionRequest.objects.exists()
    delivery = Delivery.objects.get(kind=DeliveryKind.CONFIRMATION)
    assert delivery.subscriber.email == "reader@example.com"
    assert delivery.state == DeliveryState.SENT and len(mailoutbox) == 1


def test_a_server_busy_then_hanging_up_then_recovered_delivers_each_email_once(
    readers, smtp_sink, sweep
):
    people = readers(4) + readers(1, prefix="refuse")
    refused = people[-1]
    refused.email = "refuse@example.com"
    refused.save()
    MilestoneFactory()
    ids = _digests(people)
    smtp_sink.handler.mode = "busy"
    outcome = sending.send_claimed(sending.claim(ids))
    assert sorted(outcome.retry) == sorted(ids) and not smtp_sink.messages
    smtp_sink.handler.mode = "drop"
    outcome = sending.send_claimed(sending.claim(ids))
    assert sorted(outcome.retry) == sorted(ids) and not smtp_sink.messages
    smtp_sink.handler.mode = "ok"
    outcome = sending.send_claimed(sending.claim(ids))
    assert len(outcome.sent) == 4 and len(outcome.refused) == 1
    recipients = [message["To"] for message in smtp_sink.messages]
    assert sorted(recipients) == sorted(p.email for p in people[:4])
    failed = Delivery.objects.get(subscriber=refused)
    assert failed.state == DeliveryState.FAILED and failed.attempts == 3
    with time_machine.travel(timezone.now() + sending.LOST_AFTER_RETRY * 2):
        assert sweep() == 0  # a refused address is not retried forever
    assert len(smtp_sink.messages) == 4


def test_a_worker_that_dies_before_journaling_an_accepted_message_repeats_that_one_only(
    readers, smtp_sink, sweep
):
    """Pipelined, the next message's envelope goes with the end of this one's content, but its
    content waits until this one is journaled: a death in between leaves one message in doubt."""
    people = readers(6)
    MilestoneFactory()
    claimed = sending.claim(_digests(people))
    journaled = []
    real_add = journal.Journal.add

    def dies_at_the_fourth(self, delivery_id):
        if len(journaled) == 3:
            raise SystemExit("worker killed")
        journaled.append(delivery_id)
        real_add(self, delivery_id)

    with (
        mock.patch.object(journal.Journal, "add", dies_at_the_fourth),
        pytest.raises(SystemExit),
    ):
        sending.send_claimed(claimed)
    assert len(smtp_sink.messages) == 4  # the fourth was accepted; the fifth's content never went
    with time_machine.travel(timezone.now() + sending.STUCK_AFTER * 4):
        sweep()
    received = Counter(message["To"] for message in smtp_sink.messages)
    assert set(received) == {person.email for person in people}
    assert received[claimed[3].subscriber.email] == 2  # the one copy SMTP cannot rule out
    assert sum(received.values()) == 7
    assert set(Delivery.objects.values_list("state", flat=True)) == {DeliveryState.SENT}


@pytest.mark.parametrize("pipelining", [True, False])
def test_refusals_in_the_middle_of_a_batch_leave_the_others_going_with_or_without_pipelining(
    readers, settings, pipelining
):
    from tests.tracker.smtp_sink import SmtpSink

    people = readers(2) + readers(1, prefix="refuse") + readers(1, prefix="busy")
    people += readers(2, prefix="other")
    people[2].email, people[3].email = "refuse@example.com", "busy@example.com"
    for person in people[2:4]:
        person.save()
    MilestoneFactory()
    ids = _digests(people)
    with SmtpSink(pipelining=pipelining) as sink:
        for name, value in sink.settings().items():
            setattr(settings, name, value)
        outcome = sending.send_claimed(sending.claim(ids))
    assert outcome.refused == [ids[2]] and outcome.retry == [ids[3]]
    assert sorted(outcome.sent) == sorted(ids[:2] + ids[4:])
    assert len(sink.handler.sessions) == 1
    assert Counter(m["To"] for m in sink.messages) == Counter(
        p.email for p in people if p not in people[2:4]
    )
    assert "550" in Delivery.objects.get(pk=ids[2]).last_error
    assert "451" in Delivery.objects.get(pk=ids[3]).last_error


def test_a_copys_links_are_the_ones_the_url_patterns_give(make_subscriber, settings):
    from django.urls import reverse

    from tracker import tokens

    subscriber = make_subscriber()
    links = mail.Links().values(subscriber)
    manage = tokens.make_token(subscriber, tokens.MANAGE)
    confirm = tokens.make_token(subscriber, tokens.CONFIRM)
    site = settings.SITE_URL
    assert links[mail.MANAGE_URL] == site + reverse("tracker:manage", args=[manage])
    assert links[mail.UNSUBSCRIBE_URL] == site + reverse("tracker:unsubscribe", args=[manage])
    assert links[mail.CONFIRM_URL] == site + reverse("tracker:confirm", args=[confirm])
    assert tokens.read_token(manage, tokens.MANAGE) == subscriber
