"""Pages under load: gunicorn with production settings, wrk on loopback, 10,000 milestones.

The dashboard (page cache warm) and a milestone page are measured against the same bytes served
by a trivial view through the same server, middleware and settings (the limit for this stack):
requests per second, p50 and p99 latency, and the ratio. Needs wrk (`make bench` installs it).

    python tests/benchmarks/bench_http.py
"""

import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request

from common import RESULTS, ROOT, row, setup_django, throwaway_database, write_report

WORKERS = 2
SECONDS = 8
CONNECTIONS = 16
ROUNDS = 3


def wrk(url: str) -> tuple[float, float, float]:
    """Requests per second, p50 and p99 latency in ms."""
    out = subprocess.run(  # noqa: S603
        ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{SECONDS}s", "--latency", url],  # noqa: S607
        capture_output=True,
        text=True,
        check=True,
    ).stdout

    def latency(percentile: str) -> float:
        value, unit = re.search(rf"{percentile}%\s+([\d.]+)(us|ms|s)", out).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    assert not errors, f"{url}: {errors.group(0)}"
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)), latency("50"), latency("99")


def serve(url: str, port: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_DEBUG": "0",
        "DJANGO_SETTINGS_MODULE": "tests.benchmarks.http_settings",
        "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY", "bench-" + "x" * 50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "API_ANON_RATE": "1000000/minute",
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], env=env, check=True
    )
    server = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}",
         "--workers", str(WORKERS), "--log-level", "warning"],
        cwd=ROOT,
        env=env,
    )  # fmt: skip
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/health/", timeout=5)
            return server
        except urllib.error.HTTPError:
            return server  # it answers: a 503 only says no Celery worker or beat runs beside it
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise RuntimeError("gunicorn did not start")


def measure(base: str) -> list[dict]:
    from roadmap.models import Milestone

    pages = {
        "dashboard": "/",
        "milestone": f"/milestones/{Milestone.objects.order_by('pk').first().slug}/",
    }
    (RESULTS / "bytes").mkdir(parents=True, exist_ok=True)
    rows = []
    for name, path in pages.items():
        body = urllib.request.urlopen(base + path, timeout=30).read()  # noqa: S310 (warms the cache)
        (RESULTS / "bytes" / name).write_bytes(body)
        page, limit = [], []
        for _ in range(ROUNDS):
            page.append(wrk(base + path))
            limit.append(wrk(f"{base}/bench/bytes/{name}/"))
        ratios = [p[0] / t[0] for p, t in zip(page, limit, strict=True)]
        dashboard = name == "dashboard"
        rows += [
            row(f"{name} (cache warm), requests/s", [r[0] for r in page], unit="requests/s"),
            row(f"{name}, p50 latency", [r[1] for r in page], unit="ms"),
            row(f"{name}, p99 latency", [r[2] for r in page], unit="ms"),
            row(f"{name}'s bytes from a trivial view", [r[0] for r in limit], unit="requests/s"),
            row(
                f"{name} / trivial view",
                ratios,
                unit="ratio",
                target="≥ 0.5" if dashboard else None,
                passed=sorted(ratios)[len(ratios) // 2] >= 0.5 if dashboard else None,
            ),
        ]
    return rows


def main() -> None:
    setup_django()
    from tests.support.datasets import build_roadmap
    from tests.tracker.smtp_sink import free_port

    with throwaway_database("bench_http") as url:
        build_roadmap(milestones=10_000, workstreams=50)
        port = free_port()
        server = serve(url, port)
        try:
            write_report("bench_http", measure(f"http://127.0.0.1:{port}"))
        finally:
            server.terminate()
            server.wait(30)


if __name__ == "__main__":
    main()
