"""Pages after a whole Unified Agenda edition is imported: response time rendered afresh, and size.

The synthetic 20 MB edition of ``bench_import`` (some 4,900 rules, so as many workstreams, and
three milestones each) is imported into a throwaway test database, and every imported milestone
is given one topic (the rules are all "on digital assets"), the comparison's worst case: one cell
of the whole agenda. Then the dashboard, the subscribe page, the comparison, the calendar feed,
the preferences page of a subscriber following everything and the agenda roadmap's page (every
workstream is its) are each rendered several times, the page cache's version bumped before every
request (as after an editor's change), so none is served from the cache; the preferences page is
never cached. Target: 300 ms each (issue 13, item 21).

    python tests/benchmarks/bench_pages.py
"""

import statistics

from bench_import import write_edition
from common import RESULTS, row, setup_django, throwaway_database, timings, write_report

EDITION = RESULTS / "agenda_pages.xml"
TARGET_MS = 300


def import_edition() -> int:
    """Import the edition, give every milestone the topic "Digital assets" and let PostgreSQL
    gather its statistics; return how many milestones there are."""
    from django.db import connection

    from roadmap.importers.unified_agenda import import_unified_agenda
    from roadmap.models import Milestone, Topic

    with EDITION.open("rb") as stream:
        import_unified_agenda(stream)
    topic = Topic.objects.create(slug="digital-assets", name="Digital assets")
    tagged = Milestone.topics.through
    tagged.objects.bulk_create(
        (
            tagged(milestone_id=pk, topic=topic)
            for pk in Milestone.objects.values_list("pk", flat=True)
        ),
        batch_size=5000,
    )
    if connection.vendor == "postgresql":
        # What autovacuum does within a minute of a bulk load; a server with it off (as the
        # shared one here) would otherwise plan every page for tables it believes nearly empty.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return Milestone.objects.count()


def preferences_url() -> str:
    """The preferences page of a confirmed subscriber following everything."""
    from django.urls import reverse

    from config.celery import app
    from tracker import services, tokens
    from tracker.models import Subscriber

    app.conf.task_always_eager = True  # the confirmation email goes to the test mail outbox
    services.subscriber_subscribe(
        email="everything@example.org",
        preferences={"reminder_days": [30, 7, 1], "digest_frequency": "daily"},
        follows=services.Follows(everything=True),
    )
    subscriber = services.subscriber_confirm(
        subscriber=Subscriber.objects.get(email="everything@example.org")
    )
    return reverse("tracker:manage", args=[tokens.make_token(subscriber, tokens.MANAGE)])


def measure() -> list[dict]:
    from django.test import Client
    from django.urls import reverse

    from roadmap.cache import bump_content_version
    from roadmap.models import Roadmap, Workstream

    milestones = import_edition()
    workstreams = Workstream.objects.count()
    pages = [
        ("dashboard /", reverse("roadmap:dashboard")),
        ("subscribe page /subscribe/", reverse("tracker:subscribe")),
        ("comparison /compare/", reverse("roadmap:comparison")),
        ("calendar feed /feeds/calendar.ics", reverse("roadmap:all-ics")),
        ("preferences page, subscriber following everything", preferences_url()),
        ("the agenda roadmap's page", Roadmap.objects.get().get_absolute_url()),
    ]
    client = Client()
    size = f"{milestones:,} milestones, {workstreams:,} workstreams"
    rows = []
    for name, url in pages:
        sizes = []

        def fresh(url=url, sizes=sizes):
            bump_content_version()
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            sizes.append(len(response.content) / 1024)

        ms = [seconds * 1000 for seconds in timings(fresh, repeat=7)]
        rows.append(
            row(
                f"{name}, {size}, rendered (page cache version bumped before each request)",
                ms,
                unit="ms",
                target=f"≤ {TARGET_MS}",
                passed=statistics.median(ms) <= TARGET_MS,
            )
        )
        rows.append(row(f"{name}: response size", sizes, unit="KiB"))
    return rows


def main() -> None:
    setup_django()
    write_edition(EDITION)
    try:
        with throwaway_database("bench_pages"):
            write_report("bench_pages", measure())
    finally:
        EDITION.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
