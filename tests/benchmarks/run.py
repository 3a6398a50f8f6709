"""Run every benchmark script in this folder and write BENCHMARKS.md and BENCHMARKS.json.

Each ``bench_*.py`` runs in its own process (so peak memory is its own) and writes
``var/bench/<name>.json``: ``{"backend": "...", "rows": [{"figure", "unit", "median", "min", "max",
"target", "passed"}]}``. This runner only collects those files into one table.

    python tests/benchmarks/run.py [bench_dashboard bench_api ...]
"""

import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
RESULTS = ROOT / "var" / "bench"


def run(names: list[str]) -> list[dict]:
    RESULTS.mkdir(parents=True, exist_ok=True)
    scripts = sorted(HERE.glob("bench_*.py"))
    if names:
        scripts = [s for s in scripts if s.stem in names]
    reports = []
    for script in scripts:
        output = RESULTS / f"{script.stem}.json"
        output.unlink(missing_ok=True)
        started = time.monotonic()
        print(f"== {script.stem}", flush=True)
        result = subprocess.run([sys.executable, str(script)], cwd=ROOT, check=False)  # noqa: S603
        seconds = time.monotonic() - started
        if result.returncode != 0 or not output.exists():
            reports.append(
                {"name": script.stem, "error": f"exit code {result.returncode}", "rows": []}
            )
            continue
        report = json.loads(output.read_text())
        reports.append({"name": script.stem, "seconds": round(seconds, 1), **report})
    return reports


def _number(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:,.3g}" if abs(value) < 100 else f"{value:,.0f}"
    return f"{value:,}"


def markdown(reports: list[dict]) -> str:
    lines = [
        "# Benchmarks",
        "",
        f"Written by `make bench` on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}. Each figure is measured "
        "several times; median, min and max are over those runs. Ratios compare two things "
        "measured side by side in the same run, so they drift less than absolute times.",
        "",
        "| benchmark | figure | median | min | max | unit | target | pass |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for report in reports:
        name = f"{report['name']} ({report.get('backend', '?')})"
        if report.get("error"):
            lines.append(f"| {name} | did not finish: {report['error']} | | | | | | ✗ |")
        for row in report["rows"]:
            verdict = {True: "✓", False: "✗", None: ""}[row.get("passed")]
            lines.append(
                f"| {name} | {row['figure']} | {_number(row['median'])} | {_number(row.get('min'))}"
                f" | {_number(row.get('max'))} | {row.get('unit', '')} | {row.get('target') or ''}"
                f" | {verdict} |"
            )
    return "\n".join(lines) + "\n"


def main() -> None:
    reports = run(sys.argv[1:])
    (ROOT / "BENCHMARKS.json").write_text(json.dumps(reports, indent=2) + "\n")
    (ROOT / "BENCHMARKS.md").write_text(markdown(reports))
    print((ROOT / "BENCHMARKS.md").read_text())


if __name__ == "__main__":
    main()
