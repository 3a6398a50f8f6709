"""Digest fan-out: 100,000 confirmed subscribers, one digest period, one worker process.

The subscribers follow everything, one roadmap, one jurisdiction or one workstream of the demo
roadmap; a few milestones changed since their last digest. A second process (``--worker``) does
what a Celery worker with ``--pool=solo`` does for one beat tick: the dispatcher writes the
deliveries, then each batch task runs (eagerly, in that process) and sends over one SMTP
connection to a sink in a third process. Reported: emails per second, SQL queries per 1,000 emails
and the worker's peak RSS; and, in the same run, what the sink takes from a loop that sends
pre-built messages over one connection (the ceiling for this machine).

    python tests/benchmarks/bench_tracker.py      # BENCH_SUBSCRIBERS=10000 for a quick run
"""

import datetime
import json
import os
import resource
import subprocess
import sys
import time

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


def baseline(port: int) -> float:
    """Messages per second from a loop sending pre-built digests over one connection."""
    from django.core.mail import EmailMultiAlternatives, get_connection

    connection = get_connection(
        "django.core.mail.backends.smtp.EmailBackend", host="127.0.0.1", port=port
    )
    html = "<html><body>" + "<p>A change in what you follow.</p>" * 40 + "</body></html>"
    messages = []
    for n in range(BASELINE_MESSAGES):
        message = EmailMultiAlternatives(
            "Roadmap digest", "A change in what you follow.\n" * 40, to=[f"r{n}@bench.example"]
        )
        message.attach_alternative(html, "text/html")
        messages.append(message)
    connection.open()
    started = time.perf_counter()
    for message in messages:
        connection.send_messages([message])
    seconds = time.perf_counter() - started
    connection.close()
    return BASELINE_MESSAGES / seconds


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
    try:
        with throwaway_database("bench_tracker") as url:
            # The tick comes in the next hour, so every change made now is before it.
            tick = datetime.datetime.now(datetime.UTC) + datetime.timedelta(hours=1)
            tick = tick.replace(minute=1, second=0, microsecond=0)
            build(SUBSCRIBERS, send_hour=tick.hour)
            ceiling = baseline(port)
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
    finally:
        sink.terminate()
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    per_second = figures["sent"] / figures["seconds"]
    per_thousand = figures["queries"] / figures["sent"] * 1000
    label = f"{SUBSCRIBERS:,} subscribers, one period"
    write_report(
        "bench_tracker",
        [
            row(
                f"digests sent, {label}",
                [figures["sent"]],
                unit="emails",
                target=f"= {SUBSCRIBERS:,}",
                passed=figures["sent"] == SUBSCRIBERS,
            ),
            row(
                f"fan-out speed, {label}",
                [per_second],
                unit="emails/s",
                target="≥ 500",
                passed=per_second >= 500,
            ),
            row(
                "SQL queries per 1,000 emails",
                [per_thousand],
                unit="queries",
                target="≤ 20",
                passed=per_thousand <= 20,
            ),
            row(
                "worker peak RSS",
                [figures["peak_mib"]],
                unit="MiB",
                target="< 150",
                passed=figures["peak_mib"] < 150,
            ),
            row("pre-built messages over one connection (same sink)", [ceiling], unit="emails/s"),
            row(
                "fan-out speed / pre-built loop",
                [per_second / ceiling],
                unit="ratio",
                target="≥ 0.25",
                passed=per_second / ceiling >= 0.25,
            ),
        ],
    )


if __name__ == "__main__":
    if "--worker" in sys.argv:
        worker()
    else:
        main()
