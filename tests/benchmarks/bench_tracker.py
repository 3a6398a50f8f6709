"""Digest fan-out: 100,000 confirmed subscribers, one digest period, against the raw SMTP limit.

The subscribers follow everything, one roadmap, one jurisdiction or one workstream of the demo
roadmap; a few milestones changed since their last digest. All mail goes to one SMTP sink in a
process of its own (``smtp_sink_process.py``), which counts what each recipient received.

- **Raw limit**: ``smtplib.sendmail`` over one connection, sending one real digest of the data
  set (multipart, headers included) already serialised to bytes, again and again.
- **Django reference**: the same digest as ``EmailMultiAlternatives`` objects, each encoded to MIME
  by Django's SMTP backend as it is sent, one at a time over one connection.
- **Fan-out, one worker process** (``--worker``): what a Celery worker with ``--pool=solo`` does
  for one beat tick: the dispatcher writes the deliveries, then each batch task runs (eagerly, in
  that process) and sends over one SMTP connection. Also its SQL queries per 1,000 emails and
  peak RSS.
- **Fan-out, two worker processes**: the same period again (deliveries and cursors reset), the
  dispatcher in a process of its own queuing the batches on Redis, and two ``celery worker
  --pool=solo`` processes sending them; the time runs from the dispatch's start to the last
  delivery recorded sent.

Every fan-out row checks the sink: each subscriber received exactly one digest.

    python tests/benchmarks/bench_tracker.py      # BENCH_SUBSCRIBERS=10000 for a quick run
"""

import datetime
import json
import os
import resource
import smtplib
import subprocess
import sys
import time
import uuid

from common import ROOT, row, setup_django, throwaway_database, write_report

SUBSCRIBERS = int(os.environ.get("BENCH_SUBSCRIBERS", "100000"))
BASELINE_MESSAGES = 10_000


def build(count: int, send_hour: int) -> None:
    import datetime
    import itertools

    from django.core.management import call_command
    from django.utils import timezone

    from roadmap import services as roadmap_services
    from roadmap.models import Jurisdiction, Milestone, Roadmap, Workstream
    from tracker.models import Follow, Subscriber

    call_command("load_demo_roadmap", stdout=open(os.devnull, "w"))  # noqa: SIM115
    yesterday = timezone.now() - datetime.timedelta(days=1)
    roadmaps = list(Roadmap.objects.all())
    jurisdictions = list(Jurisdiction.objects.all())
    workstreams = list(Workstream.objects.all())
    patterns = itertools.cycle(
        [("everything", None)] * 5
        + [("roadmap", r) for r in roadmaps[:3]]
        + [("jurisdiction", j) for j in jurisdictions[:1]]
        + [("workstream", w) for w in workstreams[:1]]
    )
    for start in range(0, count, 5000):
        batch, follows = [], []
        for n in range(start, min(start + 5000, count)):
            kind, target = next(patterns)
            subscriber = Subscriber(
                email=f"reader{n}@bench.example",
                timezone="UTC",
                send_hour=send_hour,
                digest_frequency="daily",
                reminder_days=[],
                follows_everything=kind == "everything",
                confirmed_at=yesterday,
                digest_cursor=yesterday,
                language="zh-hans" if n % 4 == 0 else "en",
            )
            batch.append(subscriber)
            if target is not None:
                follows.append((subscriber, kind, target))
        Subscriber.objects.bulk_create(batch)
        Follow.objects.bulk_create(Follow(subscriber=s, **{k: t}) for s, k, t in follows)
    for milestone in Milestone.objects.order_by("pk")[:6]:
        roadmap_services.milestone_record_update(
            milestone=milestone, progress=min(milestone.progress + 10, 100), note="Bench"
        )


def start_sink():
    from tests.tracker.smtp_sink import free_port

    port = free_port()
    sink = subprocess.Popen(  # noqa: S603
        [sys.executable, str(ROOT / "tests/benchmarks/smtp_sink_process.py"), str(port)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert sink.stdout.readline().strip() == "ready"
    return sink, port


def stop_sink(sink) -> dict:
    """Stop the sink; return what it received per recipient domain."""
    sink.terminate()
    output = sink.communicate(timeout=30)[0]
    return json.loads(output.strip().splitlines()[-1])


def sample_digest():
    """A real digest of the data set, as the admin's preview builds it for a subscriber."""
    from tracker import previews
    from tracker.models import DeliveryKind, Subscriber

    subscriber = Subscriber.objects.filter(follows_everything=True, language="en").first()
    return previews.preview(subscriber, DeliveryKind.DIGEST)["message"]


def raw_limit(port: int, message) -> tuple[float, int]:
    """Messages per second through smtplib sending ``message`` already serialised, and its size."""
    from django.core.mail.message import sanitize_address

    data = message.message().as_bytes(linesep="\r\n")
    sender = sanitize_address(message.from_email, "utf-8")
    connection = smtplib.SMTP("127.0.0.1", port)
    started = time.perf_counter()
    for n in range(BASELINE_MESSAGES):
        connection.sendmail(sender, [f"r{n}@raw.example"], data)
    seconds = time.perf_counter() - started
    connection.quit()
    return BASELINE_MESSAGES / seconds, len(data)


def django_loop(port: int, message) -> float:
    """Messages per second from Django's SMTP backend encoding each ``EmailMultiAlternatives``
    copy of ``message`` as it sends it, one at a time over one connection."""
    from django.core.mail import EmailMultiAlternatives, get_connection

    connection = get_connection(
        "django.core.mail.backends.smtp.EmailBackend", host="127.0.0.1", port=port
    )
    copies = []
    for n in range(BASELINE_MESSAGES):
        copy = EmailMultiAlternatives(message.subject, message.body, to=[f"r{n}@django.example"])
        copy.extra_headers = message.extra_headers
        copy.attach_alternative(*message.alternatives[0])
        copies.append(copy)
    connection.open()
    started = time.perf_counter()
    for copy in copies:
        connection.send_messages([copy])
    seconds = time.perf_counter() - started
    connection.close()
    return BASELINE_MESSAGES / seconds


def reset_period() -> None:
    """Undo the fan-out: no deliveries, no walked slots, every cursor back where it was."""
    from tracker.models import Delivery, DispatchSlot, Subscriber

    Delivery.objects.all().delete()
    DispatchSlot.objects.all().delete()
    yesterday = datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=1)
    Subscriber.objects.update(digest_cursor=yesterday, last_digest_at=None)


def dispatcher() -> None:
    """Run one beat tick's dispatch in this process, queuing its batches on Redis."""
    setup_django()
    from config.celery import app
    from tracker.dispatch import dispatch

    app.conf.task_default_queue = sys.argv[-2]
    started = time.time()
    plan = dispatch(datetime.datetime.fromisoformat(sys.argv[-1]))
    print(json.dumps({"queued": len(plan.ids), "started": started}), flush=True)


def two_workers(env: dict, tick: datetime.datetime) -> dict:
    """Send the period with two Celery worker processes; return the rate and what was sent."""
    from django.db.models import Max

    from config.celery import app
    from tracker.models import Delivery

    queue = f"bench-{uuid.uuid4().hex[:8]}"
    workers = [
        subprocess.Popen(  # noqa: S603
            [
                *(sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo"),
                *("-Q", queue, "-n", f"bench{n}@%h", "--loglevel=WARNING"),
                *("--without-heartbeat", "--without-mingle", "--without-gossip"),
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for n in (1, 2)
    ]
    try:
        names = {f"bench{n}@" for n in (1, 2)}
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            replies = app.control.ping(timeout=0.5)
            if names <= {name.partition("@")[0] + "@" for reply in replies for name in reply}:
                break
        dispatched = subprocess.run(  # noqa: S603
            [sys.executable, __file__, "--dispatch", queue, tick.isoformat()],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        figures = json.loads(dispatched.stdout.strip().splitlines()[-1])
        deadline = time.monotonic() + 600
        sent = 0
        while time.monotonic() < deadline:
            sent = Delivery.objects.filter(state="sent").count()
            if sent >= figures["queued"]:
                break
            time.sleep(1)
        last = Delivery.objects.aggregate(last=Max("sent_at"))["last"]
    finally:
        for process in workers:
            process.terminate()
        for process in workers:
            process.wait(30)
    seconds = last.timestamp() - figures["started"]
    return {"sent": sent, "per_second": sent / seconds}


def worker() -> None:
    """Run one beat tick's dispatch and every batch it queues, in this one process."""
    setup_django()
    from django.db import connection

    from config.celery import app
    from tracker.dispatch import dispatch

    app.conf.task_always_eager = True
    queries = 0

    def count(execute, sql, params, many, context):
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    now = datetime.datetime.fromisoformat(sys.argv[-1])
    with connection.execute_wrapper(count):
        started = time.perf_counter()
        plan = dispatch(now)
        seconds = time.perf_counter() - started
    from tracker.models import Delivery

    sent = Delivery.objects.filter(state="sent").count()
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "queued": len(plan.ids),
                "sent": sent,
                "seconds": seconds,
                "queries": queries,
                "peak_mib": peak_kib / 1024,
            }
        )
    )


def main() -> None:
    setup_django()
    from django.db import connection

    sink, port = start_sink()
    second_sink = None
    try:
        with throwaway_database("bench_tracker") as url:
            # The tick comes in the next hour, so every change made now is before it.
            tick = datetime.datetime.now(datetime.UTC) + datetime.timedelta(hours=1)
            tick = tick.replace(minute=1, second=0, microsecond=0)
            build(SUBSCRIBERS, send_hour=tick.hour)
            digest = sample_digest()
            raw, size = raw_limit(port, digest)
            django_rate = django_loop(port, digest)
            connection.close()
            env = {
                **os.environ,
                "DATABASE_URL": url,
                "EMAIL_URL": f"smtp://127.0.0.1:{port}",
                # The worker runs with production settings, as a deployed one would.
                "DJANGO_DEBUG": "0",
                "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY", "bench-" + "x" * 50),
            }
            # BENCH_PROFILE=file.prof profiles the worker with cProfile.
            profile = os.environ.get("BENCH_PROFILE")
            profile = ["-m", "cProfile", "-o", profile] if profile else []
            result = subprocess.run(  # noqa: S603
                [sys.executable, *profile, __file__, "--worker", tick.isoformat()],
                env=env,
                capture_output=True,
                text=True,
                check=True,
            )
            one = stop_sink(sink)
            reset_period()
            second_sink, second_port = start_sink()
            scaled = two_workers({**env, "EMAIL_URL": f"smtp://127.0.0.1:{second_port}"}, tick)
            two = stop_sink(second_sink)
    finally:
        for process in (sink, second_sink):
            if process is not None and process.poll() is None:
                process.kill()
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    per_second = figures["sent"] / figures["seconds"]
    per_thousand = figures["queries"] / figures["sent"] * 1000
    label = f"{SUBSCRIBERS:,} subscribers, one period"
    expected = {"messages": SUBSCRIBERS, "recipients": SUBSCRIBERS, "most": 1}
    once = one.get("bench.example") == expected
    twice_once = two.get("bench.example") == expected
    write_report(
        "bench_tracker",
        [
            row(
                f"raw SMTP limit: smtplib.sendmail of one real digest already serialised "
                f"({size / 1024:.0f} KiB, multipart), one connection",
                [raw],
                unit="emails/s",
            ),
            row(
                "Django reference: EmailMultiAlternatives encoded by Django's SMTP backend as "
                "each is sent, one connection",
                [django_rate],
                unit="emails/s",
            ),
            row(
                f"fan-out, one worker process: digests the sink received, {label}, "
                "each subscriber exactly once",
                [one.get("bench.example", {}).get("messages", 0)],
                unit="emails",
                target=f"= {SUBSCRIBERS:,}, 1 each",
                passed=once,
            ),
            row(
                f"fan-out speed, one worker process (dispatch and send), {label}",
                [per_second],
                unit="emails/s",
            ),
            row(
                "fan-out speed, one worker / raw SMTP limit",
                [per_second / raw],
                unit="ratio",
                target="≥ 0.5",
                passed=per_second / raw >= 0.5,
            ),
            row(
                "fan-out speed, one worker / Django reference",
                [per_second / django_rate],
                unit="ratio",
            ),
            row(
                "SQL queries per 1,000 emails, one worker",
                [per_thousand],
                unit="queries",
                target="≤ 20",
                passed=per_thousand <= 20,
            ),
            row(
                "worker peak RSS, one worker",
                [figures["peak_mib"]],
                unit="MiB",
                target="< 150",
                passed=figures["peak_mib"] < 150,
            ),
            row(
                "scale-out: digests the sink received from two worker processes, "
                "each subscriber exactly once",
                [two.get("bench.example", {}).get("messages", 0)],
                unit="emails",
                target=f"= {SUBSCRIBERS:,}, 1 each",
                passed=twice_once,
            ),
            row(
                "scale-out: fan-out speed, two Celery worker processes (dispatch in a third, "
                "batches over Redis), one PostgreSQL, Redis and sink",
                [scaled["per_second"]],
                unit="emails/s",
            ),
            row(
                "scale-out: two workers / one worker",
                [scaled["per_second"] / per_second],
                unit="ratio",
            ),
        ],
    )


if __name__ == "__main__":
    if "--worker" in sys.argv:
        worker()
    elif "--dispatch" in sys.argv:
        dispatcher()
    else:
        main()
