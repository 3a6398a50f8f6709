"""Reminder scan: finding the due reminders for one slot, at 10,000 and at 100,000 milestones.

1,000 subscribers (reminders 30, 7 and 1 days ahead, following everything) have their local hour
in the slot, and at both sizes the same nine open milestones are due on those lead days. The scan
asks the database only for milestones whose deadline is exactly one of those lead times away, so
its time should follow the number of reminders due, not the number of milestones. The subscribers
confirmed within the hour, so no lead day was missed while they were subscribed: no late reminder
is caught up, and both sizes find the same reminders. Each run is a
dry run (worked out, written, then rolled back).

    python tests/benchmarks/bench_reminders.py
"""

import datetime

from common import row, setup_django, throwaway_database, timings, write_report

SIZES = [10_000, 100_000]
SUBSCRIBERS = 1_000
DUE_PER_LEAD_DAY = 3


def measure() -> list[dict]:
    from django.utils import timezone

    from roadmap.models import Milestone
    from tests.support.datasets import build_roadmap
    from tracker.dispatch import dispatch
    from tracker.models import DeliveryKind, Subscriber

    now = timezone.now().replace(minute=1, second=0, microsecond=0)
    yesterday = now - datetime.timedelta(days=1)
    Subscriber.objects.bulk_create(
        Subscriber(
            email=f"reader{n}@bench.example",
            timezone="UTC",
            send_hour=now.hour,
            digest_frequency="never",
            reminder_days=[30, 7, 1],
            follows_everything=True,
            confirmed_at=now - datetime.timedelta(minutes=1),
            digest_cursor=yesterday,
        )
        for n in range(SUBSCRIBERS)
    )
    rows = []
    for size in SIZES:
        roadmap = build_roadmap(milestones=size, workstreams=50)
        deadlines = [now.date() + datetime.timedelta(days=lead) for lead in (30, 7, 1)]
        milestones = Milestone.objects.filter(workstream__roadmap=roadmap)
        far = now.date() + datetime.timedelta(days=3000)
        milestones.filter(target_end__in=deadlines).update(
            target_precision="day", target_start=far, target_end=far
        )
        open_ones = milestones.open().order_by("pk").values_list("pk", flat=True)
        for position, deadline in enumerate(deadlines):
            chosen = list(open_ones[position * 10 : position * 10 + DUE_PER_LEAD_DAY])
            milestones.filter(pk__in=chosen).update(
                target_precision="day",
                target_start=deadline,
                target_end=deadline,
                target_qualifier="on",
            )
        due = Milestone.objects.open().with_deadline().filter(target_end__in=deadlines).count()
        reminders = []

        def scan(reminders=reminders):
            plan = dispatch(now, kinds={DeliveryKind.REMINDER}, dry_run=True)
            reminders.append(len(plan.ids))

        ms = [seconds * 1000 for seconds in timings(scan, repeat=5)]
        found = reminders
        rows.append(
            row(
                f"reminder scan, {size:,} milestones ({due} due, {found[-1]:,} reminders)",
                ms,
                unit="ms",
            )
        )
    return rows


def main() -> None:
    setup_django()
    with throwaway_database("bench_reminders"):
        write_report("bench_reminders", measure())


if __name__ == "__main__":
    main()
