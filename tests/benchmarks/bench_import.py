"""Importing a synthetic 20 MB Unified Agenda edition: time and the importing process's peak memory.

The edition holds some 4,900 rules of twenty agencies, each with an HTML abstract and a timetable
of three rows. Rows measured, each import in its own process so that its peak RSS is its own:

- only the SEC's rules (one in twenty), as an editor filtering it would, the whole file parsed;
- the whole edition into an empty database, then the same file again (nothing changes), then the
  next edition with one rule in ten moved a month later (issue 17's three cases).

    python tests/benchmarks/bench_import.py
"""

import json
import os
import resource
import subprocess
import sys
import time

from common import RESULTS, row, setup_django, throwaway_database, write_report

TARGET_BYTES = 20 * 1024 * 1024
FILE = RESULTS / "agenda_synthetic.xml"

NEXT_FILE = RESULTS / "agenda_synthetic_next.xml"

RULE = """<RIN_INFO>
  <RIN>{rin}</RIN>
  <PUBLICATION><PUBLICATION_ID>{edition}</PUBLICATION_ID></PUBLICATION>
  <AGENCY><CODE>{code}</CODE><NAME>{name}</NAME><ACRONYM>{acronym}</ACRONYM></AGENCY>
  <RULE_TITLE>Rule {number} on digital assets and market structure
</RULE_TITLE>
  <ABSTRACT><![CDATA[<!DOCTYPE html><html><body>{paragraphs}</body></html>]]></ABSTRACT>
  <RULE_STAGE>Proposed Rule Stage</RULE_STAGE>
  <TIMETABLE_LIST>
    <TIMETABLE><TTBL_ACTION>NPRM</TTBL_ACTION>
      <TTBL_DATE>{month:02d}/00/2027</TTBL_DATE></TIMETABLE>
    <TIMETABLE><TTBL_ACTION>NPRM Comment Period End</TTBL_ACTION>
      <TTBL_DATE>To Be Determined</TTBL_DATE></TIMETABLE>
    <TIMETABLE><TTBL_ACTION>Final Rule</TTBL_ACTION>
      <TTBL_DATE>{month:02d}/15/2028</TTBL_DATE></TIMETABLE>
  </TIMETABLE_LIST>
</RIN_INFO>
"""
AGENCIES = [("3235", "Securities and Exchange Commission", "SEC")] + [
    (f"{1000 + n}", f"Agency {n}", f"AG{n}") for n in range(19)
]


def _rin(code: str, n: int) -> str:
    """A unique RIN of the form 3235-AM12 for the agency's n-th rule."""
    return f"{code}-{chr(65 + n // 2600 % 26)}{chr(65 + n // 100 % 26)}{n % 100:02d}"


def write_edition(path=FILE, edition="202504", moved_every=0) -> int:
    """Write the edition to ``path``; with ``moved_every`` = n, every n-th rule's dates are a
    month later. Return how many rules it holds."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    paragraph = "<p>The agency is considering amendments&nbsp;to its rules. " * 20 + "</p>"
    written, number = 0, 0
    with path.open("w", encoding="utf-8") as out:
        out.write(
            '<?xml version="1.0" encoding="UTF-8"?>\n<REGINFO_RIN_DATA RUN_DATE="2025-05-02">\n'
        )
        while written < TARGET_BYTES:
            code, name, acronym = AGENCIES[number % len(AGENCIES)]
            moved = bool(moved_every) and number % moved_every == 0
            text = RULE.format(
                edition=edition,
                rin=_rin(code, number // len(AGENCIES)),
                code=code,
                name=name,
                acronym=acronym,
                number=number,
                paragraphs=paragraph * 3,
                month=(number + moved) % 12 + 1,
            )
            out.write(text)
            written += len(text)
            number += 1
        out.write("</REGINFO_RIN_DATA>\n")
    return number


def importer(path: str, agency: str) -> None:
    setup_django()
    from roadmap.importers.unified_agenda import import_unified_agenda

    started = time.perf_counter()
    with open(path, "rb") as stream:
        report = import_unified_agenda(stream, agency=agency)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {
                "seconds": seconds,
                "created": len(report.created),
                "changed": len(report.changed),
                "unchanged": report.unchanged,
                "peak_mib": peak,
            }
        )
    )


def _run(url: str, path, agency: str = "") -> dict:
    result = subprocess.run(  # noqa: S603
        [sys.executable, __file__, "--import", str(path), agency],
        env={**os.environ, "DATABASE_URL": url},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def scenario(name: str) -> None:
    """Run one scenario's imports in a throwaway database of its own; print their figures."""
    setup_django()
    from django.db import connection

    with throwaway_database(f"bench_import_{name}") as url:
        connection.close()
        if name == "sec":
            figures = [_run(url, FILE, "SEC")]
        else:
            figures = [_run(url, FILE), _run(url, FILE), _run(url, NEXT_FILE)]
    print(json.dumps(figures))


def _scenario(name: str) -> list[dict]:
    result = subprocess.run(  # noqa: S603
        [sys.executable, __file__, "--scenario", name], capture_output=True, text=True, check=True
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    setup_django()
    rules = write_edition()
    write_edition(NEXT_FILE, edition="202510", moved_every=10)
    try:
        [sec] = _scenario("sec")
        first, again, following = _scenario("whole")
    finally:
        FILE.unlink(missing_ok=True)
        NEXT_FILE.unlink(missing_ok=True)
    size = f"{TARGET_BYTES // 1024 // 1024} MB edition of {rules:,} rules"
    rows = [
        row(
            f"{size}, SEC rules only ({sec['created']:,} milestones created)",
            [sec["seconds"]],
            unit="s",
        ),
        row(
            "SEC rules only: importing process peak RSS",
            [sec["peak_mib"]],
            unit="MiB",
            target="< 150",
            passed=sec["peak_mib"] < 150,
        ),
    ]
    for name, figures in [
        (f"whole {size}, first import ({first['created']:,} milestones created)", first),
        (f"the same edition again ({again['unchanged']:,} milestones unchanged)", again),
        (
            f"the next edition, a tenth of the rules moved ({following['changed']:,} changed)",
            following,
        ),
    ]:
        rows.append(
            row(name, [figures["seconds"]], unit="s", target="≤ 5", passed=figures["seconds"] <= 5)
        )
    peak = max(first["peak_mib"], again["peak_mib"], following["peak_mib"])
    rows.append(
        row(
            "whole edition: largest importing process peak RSS of the three",
            [peak],
            unit="MiB",
            target="< 150",
            passed=peak < 150,
        )
    )
    write_report("bench_import", rows)


if __name__ == "__main__":
    if "--import" in sys.argv:
        importer(sys.argv[2], sys.argv[3])
    elif "--scenario" in sys.argv:
        scenario(sys.argv[2])
    else:
        main()
