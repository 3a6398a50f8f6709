"""Watch runs over sources served locally: 10,000 Federal Register documents, and a 20 MB Unified
Agenda edition.

This process serves a stand-in of the Federal Register's ``documents.json`` (the tests' own,
``tests/roadmap/sources/federal_register_api.py``: 10,000 SEC rules over 100 days, 1,000 a page)
and of reginfo.gov's edition index with the synthetic edition ``bench_import.py`` writes; each
watch run is a ``watch_run`` in a process of its own, so its peak RSS is its own. The fetcher's
pacing is lifted (``WATCH_REQUESTS_PER_SECOND``): the Federal Register's 5 requests a second
would otherwise set the time.

- **First run**: every document is new.
- **Second run**: the watch's cursor is put back to read the same 10,000 again, with 1% of them
  changed (an effective date moved): almost everything is unchanged.

    python tests/benchmarks/bench_watch.py   # BENCH_DOCUMENTS=2000 for a quick run

``BENCH_PROFILE=file.prof`` profiles the second Federal Register run with cProfile.
"""

import datetime
import json
import os
import resource
import subprocess
import sys
import time

from common import ROOT, row, setup_django, throwaway_database, write_report

DOCUMENTS = int(os.environ.get("BENCH_DOCUMENTS", "10000"))
CHANGED_EVERY = 100
ENVIRONMENT = {"WATCH_ALLOW_PRIVATE_NETWORKS": "127.0.0.1/32", "WATCH_REQUESTS_PER_SECOND": "1000"}


def run_one() -> None:
    """Run the watch named on the command line in this process; print its record as JSON."""
    setup_django()
    from roadmap.sources import services
    from roadmap.sources.models import Watch

    watch = Watch.objects.get(name=sys.argv[-1])
    started = time.perf_counter()
    record = services.watch_run(watch=watch)
    seconds = time.perf_counter() - started
    figures = {
        name: getattr(record, name)
        for name in ("state", "fetched", "created", "changed", "unchanged", "errors")
    }
    figures["seconds"] = seconds
    figures["peak_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(figures, default=str), flush=True)


def watch_run(env: dict, name: str, profile: str = "") -> dict:
    profiling = ["-m", "cProfile", "-o", profile] if profile else []
    result = subprocess.run(  # noqa: S603
        [sys.executable, *profiling, __file__, "--run", name],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode:
        raise RuntimeError(result.stderr[-3000:])
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    assert figures["state"] == "ok", figures
    return figures


def federal_register(env: dict, web) -> list[dict]:
    from roadmap.sources import services
    from roadmap.sources.models import Watch, WatchKind
    from tests.roadmap.sources.federal_register_api import DocumentsApi, document
    from tests.roadmap.sources.server import Answer

    start = datetime.date(2026, 1, 5)
    documents = [
        document(n, start + datetime.timedelta(days=n % 100)) for n in range(1, DOCUMENTS + 1)
    ]
    web.route("/api/v1/documents.json", DocumentsApi(web, documents))
    web.route(
        "/api/v1/public-inspection-documents/current.json",
        Answer(200, b'{"count": 0, "results": []}'),
    )
    services.watch_add(
        kind=WatchKind.FEDERAL_REGISTER,
        url=web.url("/api/v1"),
        name="bench-federal-register",
        agencies=["securities-and-exchange-commission"],
        document_types=["RULE"],
        since=start,
    )
    first = watch_run(env, "bench-federal-register")
    for changed in documents[::CHANGED_EVERY]:
        moved = datetime.date.fromisoformat(changed["effective_on"]) + datetime.timedelta(days=30)
        changed["effective_on"] = moved.isoformat()
    Watch.objects.filter(name="bench-federal-register").update(cursor=None)
    second = watch_run(env, "bench-federal-register", os.environ.get("BENCH_PROFILE", ""))
    return [first, second]


def unified_agenda(env: dict, web) -> dict:
    from bench_import import FILE, write_edition

    from roadmap.sources import services
    from roadmap.sources.models import WatchKind
    from tests.roadmap.sources.server import Answer

    if not FILE.exists():
        write_edition()
    index = b'<a href="/files/REGINFO_RIN_DATA_202504.xml">Spring 2025</a>'
    web.route("/public/do/eAgendaXmlReport", Answer(200, index, {"Content-Type": "text/html"}))
    web.route(
        "/files/REGINFO_RIN_DATA_202504.xml",
        Answer(200, FILE.read_bytes(), {"Content-Type": "application/xml"}),
    )
    services.watch_add(
        kind=WatchKind.UNIFIED_AGENDA,
        url=web.url("/public/do/eAgendaXmlReport"),
        name="bench-unified-agenda",
        agencies=["SEC"],
    )
    figures = watch_run(env, "bench-unified-agenda")
    figures["megabytes"] = FILE.stat().st_size / 1024 / 1024
    return figures


def main() -> None:
    os.environ.update(ENVIRONMENT)
    setup_django()
    from django.db import connection

    from tests.roadmap.sources.server import LocalServer

    with throwaway_database("bench_watch") as url, LocalServer() as web:
        env = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(ROOT)}
        connection.close()
        first, second = federal_register(env, web)
        agenda = unified_agenda(env, web)
        connection.close()
    second_rate = second["fetched"] / second["seconds"]
    write_report(
        "bench_watch",
        [
            row(
                f"Federal Register watch, first run: {first['fetched']:,} documents read, "
                f"{first['created']:,} milestones created",
                [first["seconds"]],
                unit="s",
            ),
            row(
                "Federal Register watch, first run: peak RSS",
                [first["peak_mib"]],
                unit="MiB",
                target="< 150",
                passed=first["peak_mib"] < 150,
            ),
            row(
                f"Federal Register watch, second run: the same {second['fetched']:,} documents, "
                f"{second['changed']:,} changed",
                [second["seconds"]],
                unit="s",
            ),
            row(
                "Federal Register watch, second run: documents per second",
                [second_rate],
                unit="documents/s",
                target="≥ 1,000",
                passed=second_rate >= 1000,
            ),
            row(
                "Federal Register watch, second run: peak RSS",
                [second["peak_mib"]],
                unit="MiB",
                target="< 150",
                passed=second["peak_mib"] < 150,
            ),
            row(
                f"Unified Agenda watch: one {agenda['megabytes']:.0f} MB edition fetched and "
                f"imported ({agenda['created']:,} SEC milestones created)",
                [agenda["seconds"]],
                unit="s",
            ),
            row(
                "Unified Agenda watch: peak RSS",
                [agenda["peak_mib"]],
                unit="MiB",
                target="< 150",
                passed=agenda["peak_mib"] < 150,
            ),
        ],
    )


if __name__ == "__main__":
    if "--run" in sys.argv:
        run_one()
    else:
        main()
