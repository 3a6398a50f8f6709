"""Dashboard response time at 100 and at 10,000 milestones over 50 workstreams.

Each size is measured rendered afresh (the page cache's version bumped before every request, as
after an editor's change) and served from the page cache. The data is bulk-created in a throwaway
test database, so the database DATABASE_URL names is left as it was.

    python tests/benchmarks/bench_dashboard.py
"""

from common import row, setup_django, throwaway_database, timings, write_report

SIZES = [100, 10_000]
WORKSTREAMS = 50


def measure() -> list[dict]:
    from django.test import Client
    from django.urls import reverse

    from roadmap.cache import bump_content_version
    from tests.support.datasets import build_roadmap

    client = Client()
    url = reverse("roadmap:dashboard")
    rows = []
    for size in SIZES:
        build_roadmap(milestones=size, workstreams=WORKSTREAMS)

        def fresh():
            bump_content_version()
            assert client.get(url).status_code == 200

        def cached():
            assert client.get(url).status_code == 200

        fresh_ms = [seconds * 1000 for seconds in timings(fresh, repeat=7)]
        rows.append(row(f"dashboard, {size:,} milestones, rendered", fresh_ms, unit="ms"))
        cached_ms = [seconds * 1000 for seconds in timings(cached, repeat=7)]
        rows.append(
            row(f"dashboard, {size:,} milestones, from the page cache", cached_ms, unit="ms")
        )
    return rows


def main() -> None:
    setup_django()
    with throwaway_database("bench_dashboard"):
        write_report("bench_dashboard", measure())


if __name__ == "__main__":
    main()
