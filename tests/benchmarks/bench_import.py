"""Importing a synthetic 20 MB Unified Agenda edition: time and the importing process's peak memory.

The edition holds some 9,000 rules of many agencies, each with an HTML abstract and a timetable;
the import takes only the SEC's (one in twenty), as an editor would, but parses the whole file.
The import runs in its own process so that its peak RSS is its own.

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

RULE = """<RIN_INFO>
  <RIN>{rin}</RIN>
  <PUBLICATION><PUBLICATION_ID>202504</PUBLICATION_ID></PUBLICATION>
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


def write_edition() -> int:
    RESULTS.mkdir(parents=True, exist_ok=True)
    paragraph = "<p>The agency is considering amendments&nbsp;to its rules. " * 20 + "</p>"
    written, number = 0, 0
    with FILE.open("w", encoding="utf-8") as out:
        out.write(
            '<?xml version="1.0" encoding="UTF-8"?>\n<REGINFO_RIN_DATA RUN_DATE="2025-05-02">\n'
        )
        while written < TARGET_BYTES:
            code, name, acronym = AGENCIES[number % len(AGENCIES)]
            text = RULE.format(
                rin=_rin(code, number // len(AGENCIES)),
                code=code,
                name=name,
                acronym=acronym,
                number=number,
                paragraphs=paragraph * 3,
                month=number % 12 + 1,
            )
            out.write(text)
            written += len(text)
            number += 1
        out.write("</REGINFO_RIN_DATA>\n")
    return number


def importer() -> None:
    setup_django()
    from roadmap.importers.unified_agenda import import_unified_agenda

    started = time.perf_counter()
    with FILE.open("rb") as stream:
        report = import_unified_agenda(stream, agency="SEC")
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "created": len(report.created), "peak_mib": peak}))


def main() -> None:
    setup_django()
    from django.db import connection

    rules = write_edition()
    try:
        with throwaway_database("bench_import") as url:
            connection.close()
            result = subprocess.run(  # noqa: S603
                [sys.executable, __file__, "--import"],
                env={**os.environ, "DATABASE_URL": url},
                capture_output=True,
                text=True,
                check=True,
            )
    finally:
        FILE.unlink(missing_ok=True)
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    size = f"{TARGET_BYTES // 1024 // 1024} MB edition, {rules:,} rules"
    write_report(
        "bench_import",
        [
            row(
                f"import, {size} ({figures['created']:,} SEC milestones)",
                [figures["seconds"]],
                unit="s",
            ),
            row(
                "importing process peak RSS",
                [figures["peak_mib"]],
                unit="MiB",
                target="< 150",
                passed=figures["peak_mib"] < 150,
            ),
        ],
    )


if __name__ == "__main__":
    if "--import" in sys.argv:
        importer()
    else:
        main()
