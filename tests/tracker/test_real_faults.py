"""Faults caused for real: two ``celery beat`` processes over one database, and the Redis the
worker runs on killed and restarted in the middle of a fan-out.

Each test starts its own ``redis-server`` on a free port (the broker, journal and cache of the
processes it starts, and the one it kills; never the shared server), a Celery worker and an
aiosmtpd sink, and counts what the sink received per subscriber. Without PostgreSQL or
redis-server they are skipped on a developer's machine and fail in CI.
"""

import datetime
import importlib
import shutil
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from django.db import connection
from django.db.models import F
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from tests.conftest import service_missing
from tests.factories import MilestoneFactory
from tests.redis_process import RedisProcess
from tests.tracker.smtp_sink import SmtpSink
from tests.tracker.test_real_worker import ROOT, Worker, wait_for
from tracker import schedule, sending
from tracker.models import Delivery, DeliveryKind, DeliveryState, DispatchSlot, Subscriber

pytestmark = [pytest.mark.real_worker, pytest.mark.django_db(transaction=True)]
BEAT_ENTRIES = importlib.import_module("tracker.migrations.0002_periodic_tasks").TASKS


@pytest.fixture
def redis_server():
    """A redis-server of this test's own, which the test may kill."""
    if connection.vendor != "postgresql":
        service_missing("the processes must share the test's database: set DATABASE_URL")
    if shutil.which("redis-server") is None:
        service_missing("redis-server is not installed")
    with RedisProcess() as server:
        yield server


def due_digests(count: int, prefix: str) -> list[Subscriber]:
    """Make ``count`` subscribers whom the next dispatch owes a digest, and return them.

    The dispatcher last walked the slot an hour ago (as after an hour of downtime), so its next
    tick walks the four quarter-hours since, and the subscribers' hour begins in one of them.
    """
    current = schedule.slot_start(timezone.now())
    last = current - datetime.timedelta(hours=1)
    for kind in (DeliveryKind.DIGEST, DeliveryKind.REMINDER):
        DispatchSlot.objects.create(kind=kind, starts_at=last)
    walked = schedule.slots_between(last + schedule.SLOT, current)
    hour = next(slot.hour for slot in walked if slot.minute == 0)
    past = timezone.now() - datetime.timedelta(days=1)
    subscribers = Subscriber.objects.bulk_create(
        Subscriber(
            email=f"{prefix}{n}@example.com",
            timezone="UTC",
            send_hour=hour,
            digest_frequency="daily",
            follows_everything=True,
            confirmed_at=past,
            digest_cursor=past,
        )
        for n in range(count)
    )
    MilestoneFactory(title="Custody rule proposed")
    return subscribers


def assert_each_got_one_digest(sink: SmtpSink, subscribers: list[Subscriber]) -> None:
    received = Counter(message["To"] for message in sink.messages)
    assert received == Counter(subscriber.email for subscriber in subscribers)
    for message in sink.messages:
        assert "Custody rule proposed" in message.get_body(("html",)).get_content()
    assert Delivery.objects.count() == len(subscribers)
    assert set(Delivery.objects.values_list("state", flat=True)) == {DeliveryState.SENT}


def beat_ticks(log: Path, task: str) -> int:
    """How many times the beat writing ``log`` sent ``task``."""
    lines = log.read_text().splitlines() if log.exists() else []
    return sum("Sending due task" in line and f"({task})" in line for line in lines)


def test_two_beats_over_one_database_send_each_digest_exactly_once(redis_server, tmp_path):
    subscribers = due_digests(600, "beat")
    # Beat's own schedule rows, ticking every few seconds instead of every few minutes.
    seconds = {"tracker.tasks.dispatch": 2, "tracker.tasks.sweep": 3}
    for name, task, _minutes in BEAT_ENTRIES:
        interval, _created = IntervalSchedule.objects.get_or_create(
            every=seconds[task], period=IntervalSchedule.SECONDS
        )
        PeriodicTask.objects.update_or_create(
            name=name, defaults={"task": task, "interval": interval, "enabled": True}
        )
    logs = [tmp_path / "beat-1.log", tmp_path / "beat-2.log"]
    with SmtpSink() as sink:
        # Two worker processes, so the two beats' dispatches can run at the same moment.
        worker = Worker("celery", sink, redis_server.url, concurrency=2)
        worker.start()
        beats = []
        try:
            for log in logs:
                with log.open("w") as output:
                    beats.append(
                        subprocess.Popen(  # noqa: S603
                            [
                                *(sys.executable, "-m", "celery", "-A", "config", "beat"),
                                *("--loglevel=INFO", "--max-interval=1"),
                            ],
                            cwd=ROOT,
                            env=worker.env,
                            stdout=output,
                            stderr=subprocess.STDOUT,
                        )
                    )
            wait_for(lambda: len(sink.messages) >= 600, seconds=45, what="every digest")
            wait_for(
                lambda: all(
                    beat_ticks(log, "tracker.tasks.dispatch") >= 3
                    and beat_ticks(log, "tracker.tasks.sweep") >= 2
                    for log in logs
                ),
                what="several ticks of each beat",
            )
            time.sleep(1)  # the last ticks' tasks finish
        finally:
            for beat in beats:
                beat.terminate()
                beat.wait(20)
            worker.stop()
    for log in logs:
        assert beat_ticks(log, "tracker.tasks.dispatch") >= 3, log.read_text()
        assert beat_ticks(log, "tracker.tasks.sweep") >= 2, log.read_text()
    assert_each_got_one_digest(sink, subscribers)


def test_redis_killed_and_restarted_mid_fan_out_loses_and_repeats_nothing(redis_server):
    subscribers = due_digests(1000, "fan")
    with SmtpSink(delay=0.01) as sink:
        worker = Worker("celery", sink, redis_server.url)
        worker.start()
        try:
            worker.app.send_task("tracker.tasks.dispatch")
            wait_for(lambda: len(sink.messages) >= 100, what="the fan-out to be under way")
            redis_server.kill()
            # The worker goes on with its batch while the broker and the journal are gone.
            time.sleep(1)
            redis_server.start()
            assert len(sink.messages) < 1000
            wait_for(
                lambda: not Delivery.objects.filter(state=DeliveryState.SENDING).exists(),
                seconds=40,
                what="the batch under way to be recorded",
            )
            # The restarted Redis keeps nothing (no persistence): the batch still queued there is
            # lost, and its rows wait, pending, for a sweep after LOST_AFTER.
            waiting = Delivery.objects.filter(state=DeliveryState.PENDING)
            assert waiting.exists()
            waiting.update(created_at=F("created_at") - sending.LOST_AFTER * 2)
            wait_for(worker.answers, what="the worker to reconnect to the restarted Redis")
            worker.app.send_task("tracker.tasks.sweep")
            wait_for(
                lambda: Delivery.objects.filter(state=DeliveryState.SENT).count() == 1000,
                seconds=40,
                what="the rest of the fan-out",
            )
            time.sleep(0.5)
        finally:
            worker.stop()
    # The worker never died, so even the one copy a crash may repeat (test_real_worker.py) is
    # not allowed here: each subscriber got exactly one.
    assert_each_got_one_digest(sink, subscribers)
