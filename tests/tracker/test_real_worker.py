"""End to end with the real parts: a Celery worker process over Redis, PostgreSQL, an SMTP server.

The worker is a separate process reading the same database and Redis as the test, sending to an
aiosmtpd server the test started. Without Redis or PostgreSQL these are skipped on a developer's
machine and fail in CI.
"""

import os
import re
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from pathlib import Path

import pytest
import redis
import time_machine
from celery import Celery
from django.db import connection
from django.utils import timezone
from kombu.exceptions import OperationalError

from config.celery import app
from roadmap.targets import Target
from tests.conftest import service_missing
from tests.factories import MilestoneFactory
from tests.tracker.smtp_sink import SmtpSink
from tracker import dispatch, journal, sending, tasks
from tracker.models import Delivery, DeliveryKind, DeliveryState, Subscriber

pytestmark = [pytest.mark.real_worker, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parent.parent.parent


def wait_for(condition, seconds=30, what="the condition"):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"Timed out after {seconds}s waiting for {what}")


@pytest.fixture
def queue(require_redis):
    """A queue of this test's own, so nothing else on the Redis server is touched."""
    if connection.vendor != "postgresql":
        service_missing("the worker must share the test's database: set DATABASE_URL to PostgreSQL")
    name = f"test-{uuid.uuid4().hex[:8]}"
    app.conf.task_default_queue = name
    yield name
    app.conf.task_default_queue = "celery"


class Worker:
    """A ``celery worker`` process; ``redis_url`` gives it a Redis of the test's own instead."""

    def __init__(self, queue: str, sink: SmtpSink, redis_url: str | None = None, concurrency=1):
        db = connection.settings_dict
        self.env = {
            **os.environ,
            "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
            "EMAIL_URL": f"smtp://127.0.0.1:{sink.port}",
            "DJANGO_DEBUG": "1",
        }
        # The Celery app that reaches this worker: the test's own, or one on the given Redis.
        self.app = app
        if redis_url:
            self.env["REDIS_URL"] = redis_url
            self.app = Celery("roadmap_tracker", set_as_current=False)
            self.app.config_from_object("django.conf:settings", namespace="CELERY")
            self.app.conf.broker_url = redis_url
        self.pool = ["--pool=solo"] if concurrency == 1 else [f"--concurrency={concurrency}"]
        self.queue = queue
        self.process = None

    def answers(self) -> bool:
        try:
            return bool(self.app.control.ping(destination=None, timeout=0.5))
        except (OperationalError, redis.RedisError):
            return False  # a broker the test restarted: the next ping reconnects

    def start(self):
        self.process = subprocess.Popen(  # noqa: S603
            [
                sys.executable,
                "-m",
                "tests.tracker.worker_process",
                self.queue,
                *self.pool,
                "--without-heartbeat",
                "--without-mingle",
                "--without-gossip",
                "--loglevel=INFO",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(self.answers, what="the Celery worker to answer")

    def kill(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture
def worker_and_sink(queue):
    with SmtpSink() as sink:
        worker = Worker(queue, sink)
        worker.start()
        yield worker, sink
        worker.stop()


def test_subscribe_confirm_and_digest_through_a_real_worker_exactly_once(client, worker_and_sink):
    _worker, sink = worker_and_sink
    response = client.post(
        "/api/v1/subscriptions/",
        {"email": "desk@example.com", "everything": True, "digest_frequency": "daily"},
        content_type="application/json",
    )
    assert response.status_code == 202
    wait_for(lambda: len(sink.messages) == 1, what="the confirmation email")
    body = sink.messages[0].get_body(("plain",)).get_content()
    confirm = re.search(r"http://[^\s]+/subscribe/confirm/[^\s]+/", body).group(0)
    assert client.post(confirm.split("8000", 1)[1]).status_code == 302
    subscriber = Subscriber.objects.get()
    assert subscriber.is_active

    MilestoneFactory(title="Crypto asset custody rule")
    plan = dispatch.dispatch_for(subscriber)
    wait_for(lambda: len(sink.messages) == 2, what="the digest")
    digest = sink.messages[1]
    assert "Crypto asset custody rule" in digest.get_body(("html",)).get_content()
    tasks.send_deliveries.delay(plan.ids)  # the same task again: nothing more is sent
    wait_for(lambda: Delivery.objects.filter(state=DeliveryState.SENT).count() == 2, what="records")
    time.sleep(1)
    assert len(sink.messages) == 2


def test_a_worker_killed_mid_batch_loses_nothing_and_repeats_nothing(queue):
    with SmtpSink(delay=0.02) as sink:
        worker = Worker(queue, sink)
        worker.start()
        try:
            past = timezone.now() - timezone.timedelta(hours=1)
            subscribers = Subscriber.objects.bulk_create(
                Subscriber(
                    email=f"reader{n}@example.com",
                    confirmed_at=past,
                    digest_cursor=past,
                    follows_everything=True,
                )
                for n in range(150)
            )
            MilestoneFactory()
            now = timezone.now()
            ids = [
                delivery.pk
                for delivery in Delivery.objects.bulk_create(
                    Delivery(
                        subscriber=s,
                        kind=DeliveryKind.DIGEST,
                        key="digest:today",
                        period=now.date(),
                        changes_through=now,
                    )
                    for s in subscribers
                )
            ]
            tasks.send_deliveries.delay(ids)
            wait_for(lambda: len(sink.messages) >= 20, what="the batch to be under way")
            worker.kill()
            sent_before_kill = len(sink.messages)
            assert 0 < sent_before_kill < 150
            worker.start()
            with time_machine.travel(timezone.now() + sending.STUCK_AFTER * 2):
                assert tasks.sweep() > 0
            wait_for(lambda: len(sink.messages) >= 150, seconds=60, what="the rest of the batch")
            time.sleep(1)
        finally:
            worker.stop()
    recipients = [message["To"] for message in sink.messages]
    assert len(set(recipients)) == 150  # nothing lost
    # SMTP has no two-phase commit: a message the server accepted in the instant before the
    # worker died, before it could note it, is the one copy that can go again. It is the same
    # email, with the same Message-ID, so mail clients show it once.
    assert len(recipients) - len(set(recipients)) <= 1
    assert len({message["Message-ID"] for message in sink.messages}) == 150
    assert set(Delivery.objects.values_list("state", flat=True)) == {DeliveryState.SENT}


def _sweepers_at_once(queue: str, env: dict, count: int = 2) -> list[int]:
    """Start ``count`` sweeper processes that sweep at the same instant; return what each queued."""
    start_at = time.time() + 3  # after every process has set Django up
    processes = [
        subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "tests.tracker.sweeper_process", queue, str(start_at)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(count)
    ]
    outputs = [process.communicate(timeout=60)[0] for process in processes]
    assert all(process.returncode == 0 for process in processes)
    return [int(output.strip()) for output in outputs]


def test_two_sweeper_processes_racing_over_a_stuck_claim_send_each_reminder_once(queue):
    """A worker sent 151 reminders of a 500-row batch and died; two sweeps fire in one second.

    Each round starts the two sweepers at the same instant over a fresh stuck claim. Whatever
    their interleaving, the 151 that went out must not go again and the other 349 go once.
    """
    week = timezone.localdate() + timezone.timedelta(days=7)
    with SmtpSink() as sink:
        worker = Worker(queue, sink)
        for round_number in range(3):
            past = timezone.now() - timezone.timedelta(hours=1)
            subscribers = Subscriber.objects.bulk_create(
                Subscriber(email=f"r{round_number}-{n}@example.com", confirmed_at=past)
                for n in range(500)
            )
            milestone = MilestoneFactory(target=Target.on_day(week))
            deliveries = Delivery.objects.bulk_create(
                Delivery(
                    subscriber=subscriber,
                    kind=DeliveryKind.REMINDER,
                    key=f"reminder:{milestone.pk}:7:{week.isoformat()}",
                    milestone=milestone,
                    lead_days=7,
                    target_end=week,
                )
                for subscriber in subscribers
            )
            claimed = sending.claim([d.pk for d in deliveries])
            claim = claimed[0].claim
            died = journal.Journal(claim).open()
            for delivery in claimed[:151]:
                died.add(delivery.pk)
            died.close()
            Delivery.objects.filter(claim=claim).update(
                claimed_at=timezone.now() - sending.STUCK_AFTER * 2
            )

            requeued = _sweepers_at_once(queue, worker.env)
            assert sum(requeued) == 349, requeued  # one sweeper settled it, the other found none

            worker.start()
            try:
                wait_for(
                    lambda claimed=claimed: (
                        not Delivery.objects.filter(
                            pk__in=[d.pk for d in claimed], state=DeliveryState.PENDING
                        ).exists()
                    ),
                    seconds=60,
                    what="the re-queued reminders to go",
                )
                time.sleep(0.5)
            finally:
                worker.stop()
            received = Counter(message["To"] for message in sink.messages)
            went_before = {d.subscriber.email for d in claimed[:151]}
            rest = {d.subscriber.email for d in claimed[151:]}
            assert not went_before & set(received)
            assert {email for email in received if email in rest} == rest
            assert all(received[email] == 1 for email in rest)
            states = Delivery.objects.filter(pk__in=[d.pk for d in claimed])
            assert set(states.values_list("state", flat=True)) == {DeliveryState.SENT}
