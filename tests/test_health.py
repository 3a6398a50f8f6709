import datetime
import os
import subprocess
import sys
import time

import pytest
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from config.celery import app as celery_app
from tests.redis_process import RedisProcess

pytestmark = pytest.mark.django_db

REMOTE = {"REMOTE_ADDR": "203.0.113.5"}


@pytest.fixture
def unreachable_broker(monkeypatch):
    # Nothing listens on port 1: a real refused connection, not a mock.
    monkeypatch.setattr(celery_app.conf, "broker_url", "redis://127.0.0.1:1/0")


@pytest.fixture(autouse=True)
def beat_schedule():
    """The schedule's rows, as the migrations write them: a test that flushed the database (a
    transactional one) takes them away with everything else."""
    every_five, _ = IntervalSchedule.objects.get_or_create(every=5, period=IntervalSchedule.MINUTES)
    PeriodicTask.objects.get_or_create(
        name="Dispatch digests and reminders",
        defaults={"task": "tracker.tasks.dispatch", "interval": every_five},
    )


@pytest.fixture
def beat_ticked():
    PeriodicTask.objects.update(last_run_at=timezone.now() - datetime.timedelta(minutes=1))


def test_the_public_answer_says_ok_or_failing_per_part_and_nothing_more(client, unreachable_broker):
    response = client.get(reverse("health"), **REMOTE)

    assert response.status_code == 503
    body = response.json()
    assert set(body) == {"healthy", "database", "cache", "broker", "worker", "beat"}
    assert body["healthy"] is False
    assert body["database"] == "ok"
    assert body["broker"] == "failing"
    assert "127.0.0.1" not in response.content.decode()
    assert "Error" not in response.content.decode()


def test_a_client_on_the_loopback_address_sees_the_reasons(client, unreachable_broker):
    body = client.get(reverse("health"), REMOTE_ADDR="127.0.0.1").json()

    assert body["broker"] == "failing"
    assert "127.0.0.1:1" in body["details"]["broker"]


def test_staff_see_the_reasons_from_anywhere(client, admin_user, unreachable_broker):
    client.force_login(admin_user)

    body = client.get(reverse("health"), **REMOTE).json()

    assert "Error" in body["details"]["broker"]


@pytest.mark.parametrize("forwarded", [None, "127.0.0.1", "203.0.113.5"])
def test_behind_a_trusted_proxy_a_loopback_connection_sees_no_reasons(
    client, settings, unreachable_broker, forwarded
):
    """A proxy on the same host connects from loopback whoever the client is."""
    settings.TRUSTED_PROXIES = 1
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}

    body = client.get(reverse("health"), REMOTE_ADDR="127.0.0.1", **headers).json()

    assert body["broker"] == "failing"
    assert "details" not in body


def test_staff_behind_a_trusted_proxy_see_the_reasons(
    client, settings, admin_user, unreachable_broker
):
    settings.TRUSTED_PROXIES = 1
    client.force_login(admin_user)

    body = client.get(reverse("health"), REMOTE_ADDR="127.0.0.1").json()

    assert "127.0.0.1:1" in body["details"]["broker"]


def test_a_probe_opens_one_broker_connection(client, monkeypatch, unreachable_broker):
    opened = []
    connect = celery_app.connection_for_write

    def counted(*args, **kwargs):
        opened.append(args)
        return connect(*args, **kwargs)

    monkeypatch.setattr(celery_app, "connection_for_write", counted)

    body = client.get(reverse("health"), REMOTE_ADDR="127.0.0.1").json()

    assert len(opened) == 1
    assert body["broker"] == "failing" and body["worker"] == "failing"
    assert "broker is unreachable" in body["details"]["worker"]


def test_beat_is_ok_while_it_ticks_and_failing_with_its_age_once_it_stops(client):
    PeriodicTask.objects.update(last_run_at=timezone.now() - datetime.timedelta(minutes=2))
    ticking = client.get(reverse("health")).json()
    assert ticking["beat"] == "ok", ticking.get("details")

    PeriodicTask.objects.update(last_run_at=timezone.now() - datetime.timedelta(hours=1))
    body = client.get(reverse("health")).json()

    assert body["beat"] == "failing"
    assert "was 36" in body["details"]["beat"]  # 3,600 s and a little


def test_beat_that_never_ran_is_failing(client):
    PeriodicTask.objects.update(last_run_at=None)

    assert client.get(reverse("health")).json()["beat"] == "failing"


def test_the_worker_answers_a_ping_and_is_failing_once_it_is_gone(client, monkeypatch, beat_ticked):
    """A real worker process over a redis-server of the test's own, then killed."""
    with RedisProcess() as server:
        monkeypatch.setattr(celery_app.conf, "broker_url", server.url)
        # Broadcasts publish through the app's producer pool, made for the first broker used.
        monkeypatch.setattr(celery_app, "_pool", None)
        monkeypatch.setattr(celery_app.amqp, "_producer_pool", None)
        command = ["celery", "-A", "config", "worker", "--pool=solo", "--without-mingle"]
        worker = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", *command, "--without-gossip", "--loglevel=WARNING"],
            env={**os.environ, "REDIS_URL": server.url, "DJANGO_DEBUG": "1"},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            deadline = time.monotonic() + 60
            body = {}
            while time.monotonic() < deadline and body.get("worker") != "ok":
                body = client.get(reverse("health")).json()
            assert body["worker"] == "ok", body
            assert "1 answered" in body["details"]["worker"]
        finally:
            worker.kill()
            worker.wait(timeout=10)

        body = client.get(reverse("health")).json()

    assert body["worker"] == "failing"
    assert "no worker answered" in body["details"]["worker"]
