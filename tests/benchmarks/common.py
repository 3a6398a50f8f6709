"""What every benchmark script shares: Django set-up, repeated timing, and the report file."""

import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
RESULTS = ROOT / "var" / "bench"


def setup_django() -> None:
    """Make the project importable and configure Django, as manage.py does."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DJANGO_DEBUG", "1")
    import django

    django.setup()


def backend() -> str:
    """Say what the run stands on: the database engine, and Redis or the embedded defaults."""
    from django.conf import settings
    from django.db import connection

    broker = "Redis" if settings.REDIS_URL else "embedded broker and cache"
    return f"{connection.vendor}, {broker}"


def timings(action: Callable[[], object], *, repeat: int = 7, warmup: int = 1) -> list[float]:
    """Run ``action`` ``warmup`` times unmeasured, then ``repeat`` times; return seconds each."""
    for _ in range(warmup):
        action()
    seconds = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        seconds.append(time.perf_counter() - started)
    return seconds


def row(figure: str, values: list[float], *, unit: str, target: str | None = None, passed=None):
    """Return one table row: the median, min and max of ``values``."""
    return {
        "figure": figure,
        "unit": unit,
        "median": statistics.median(values),
        "min": min(values),
        "max": max(values),
        "target": target,
        "passed": passed,
    }


def write_report(name: str, rows: list[dict]) -> None:
    """Write ``var/bench/<name>.json`` for the runner and print the rows."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    report = {"backend": backend(), "rows": rows}
    (RESULTS / f"{name}.json").write_text(json.dumps(report, indent=2) + "\n")
    for item in rows:
        print(f"{item['figure']}: median {item['median']:.4g} {item['unit']}", flush=True)


@contextmanager
def throwaway_database(name: str):
    """Create a test database for the benchmark ``name``, yield a DATABASE_URL other processes
    can open it with, and destroy it afterwards, so the database DATABASE_URL names is untouched.

    On SQLite the database is a file under var/bench (an in-memory one would be invisible to a
    second process); on PostgreSQL it is ``test_<name of the configured database>``.
    """
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    if connection.vendor == "sqlite":
        RESULTS.mkdir(parents=True, exist_ok=True)
        connection.settings_dict["TEST"]["NAME"] = str(RESULTS / f"{name}.sqlite3")
    created = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        url = f"sqlite:///{created}"
    else:
        url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{created}"
    try:
        yield url
    finally:
        connection.creation.destroy_test_db(created, verbosity=0)
