"""The milestone list as data to take away: one flat record per milestone, as CSV or JSON.

A spreadsheet runs a cell that starts with = + - @ (or a tab or carriage return before one) as a
formula, so every such text cell of the CSV is prefixed with an apostrophe (OWASP's advice against
CSV injection). The JSON keeps text as written: nothing evaluates it.
"""

import csv
import io

from django.conf import settings

from roadmap.models import Milestone

FIELDS = [
    "slug",
    "title",
    "status",
    "progress",
    "target",
    "target_precision",
    "target_start",
    "target_end",
    "target_qualifier",
    "deadline",
    "target_wording",
    "actual_date",
    "confidence",
    "slip_count",
    "slip_days",
    "roadmap",
    "workstream",
    "authority",
    "jurisdiction",
    "topics",
    "summary",
    "updated_at",
    "url",
]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def milestone_record(milestone: Milestone) -> dict:
    """Return one milestone as a flat record of plain values, in ``FIELDS`` order."""
    target = milestone.target
    return {
        "slug": milestone.slug,
        "title": milestone.title,
        "status": milestone.status,
        "progress": milestone.progress,
        "target": target.as_text(),
        "target_precision": target.precision.value,
        "target_start": _iso(target.start),
        "target_end": _iso(target.end),
        "target_qualifier": target.qualifier.value,
        "deadline": _iso(target.deadline),
        "target_wording": target.wording,
        "actual_date": _iso(milestone.actual_date),
        "confidence": milestone.confidence,
        "slip_count": milestone.slip_count,
        "slip_days": milestone.slip_days,
        "roadmap": milestone.workstream.roadmap.slug,
        "workstream": milestone.workstream.slug,
        "authority": milestone.authority.acronym,
        "jurisdiction": milestone.authority.jurisdiction.code,
        "topics": [topic.slug for topic in milestone.topics.all()],
        "summary": milestone.summary,
        "updated_at": _iso(milestone.updated_at),
        "url": settings.SITE_URL + milestone.get_absolute_url(),
    }


def csv_cell(value) -> str | int:
    """Return ``value`` as a CSV cell no spreadsheet will run as a formula."""
    if value is None:
        return ""
    if isinstance(value, list):
        value = " ".join(value)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def as_csv(records) -> str:
    """Return ``records`` as CSV text with a header row (a byte-order mark first, for Excel)."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(FIELDS)
    for record in records:
        writer.writerow([csv_cell(record[name]) for name in FIELDS])
    return out.getvalue()
