"""Federal Register documents (the public API's JSON): comment deadlines and effective dates.

A file is one document or a search page (``{"results": [...]}``). A proposed rule with
``comments_close_on`` becomes a "comment period closes" milestone, a rule with ``effective_on`` an
"effective" one. When the document names a RIN the Unified Agenda import already tracks, its
milestones go in that rule's workstream, and the matching timetable step (the NPRM for a proposed
rule, the final rule for a rule) is completed on the publication date. A field that is ``null``
means "none"; a field that is absent (a search page asked for fewer ``fields[]``) means "not
said", and nothing is changed on its account.
"""

from __future__ import annotations

import datetime
import json
from typing import BinaryIO

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify

from roadmap import services
from roadmap.importers.cleaning import clean_line
from roadmap.importers.records import record_with_source, us_authority, us_roadmap
from roadmap.importers.report import ImportFailed, ImportReport
from roadmap.importers.unified_agenda import ROADMAP_SLUG as AGENDA_SLUG
from roadmap.models import (
    Authority,
    Confidence,
    Milestone,
    Status,
    Workstream,
)
from roadmap.targets import Target

ROADMAP_SLUG = "us-federal-register"
MAX_BYTES = 50 * 1024 * 1024
MISSING = object()
STEP_FOR_TYPE = {"Proposed Rule": ("nprm",), "Rule": ("final-rule", "final-action")}


def _date(document: dict, name: str):
    """The date in ``name``: MISSING if absent, None if null, else a date (or ValueError)."""
    value = document.get(name, MISSING)
    if value is MISSING or value is None:
        return value
    return datetime.date.fromisoformat(value)


def read_documents(stream: BinaryIO) -> list[dict]:
    data = stream.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ImportFailed(f"The file is larger than {MAX_BYTES // 1024 // 1024} MB.")
    try:
        parsed = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ImportFailed(f"The file is not JSON (truncated, or XML?): {error}") from error
    if isinstance(parsed, dict) and isinstance(parsed.get("results"), list):
        return parsed["results"]
    if isinstance(parsed, dict) and "document_number" in parsed:
        return [parsed]
    raise ImportFailed(
        "This is not a Federal Register document or search page: expected an object with "
        "document_number, or with a results list."
    )


class _Importer:
    def __init__(self, report: ImportReport):
        self.report = report
        self.roadmap = us_roadmap(
            slug=ROADMAP_SLUG,
            title="US Federal Register documents",
            summary="Comment deadlines and effective dates of documents published in the Federal "
            "Register, imported from its API.",
            lead={"acronym": "OFR", "name": "Office of the Federal Register"},
        )

    def authority(self, agency: dict) -> Authority:
        slug = clean_line(agency.get("slug")) or "federal-agency"
        name = clean_line(agency.get("name") or agency.get("raw_name")) or slug
        known = Authority.objects.filter(name__iexact=name).first()
        if known is not None:
            return known
        acronym = "".join(word[0] for word in name.split() if word[0].isupper()) or slug
        return us_authority(acronym, name)

    def tracked_rule(self, rins: list[str]) -> Workstream | None:
        slugs = [rin.lower() for rin in rins]
        return Workstream.objects.filter(roadmap__slug=AGENDA_SLUG, slug__in=slugs).first()

    def document(self, document: dict) -> None:
        number = clean_line(document.get("document_number"))
        title = clean_line(document.get("title"))
        kind = clean_line(document.get("type"))
        published = _date(document, "publication_date")
        if not number or not title or published in (MISSING, None):
            raise ValueError("document_number, title and publication_date are required")
        agencies = document.get("agencies") or [{}]
        authority = self.authority(agencies[0])
        rins = list(document.get("regulation_id_numbers") or [])
        rins += [
            rin for rin in (document.get("regulation_id_number_info") or {}) if rin not in rins
        ]
        rule = self.tracked_rule(rins)
        workstream = rule or self.workstream(agencies[0], authority)
        source = {
            "title": f"Federal Register {clean_line(document.get('citation')) or number}"[:300],
            "publisher": "Federal Register",
            "url": document.get("html_url") or "",
        }
        if rule is not None:
            self.complete_step(rule, kind, published, source)
        closes = _date(document, "comments_close_on")
        if kind == "Proposed Rule" and isinstance(closes, datetime.date):
            self.milestone(
                f"fr-{number}-comments",
                f"Comment period closes: {title}",
                Target.on_day(closes),
                workstream,
                authority,
                source,
            )
        effective = _date(document, "effective_on")
        if kind == "Rule" and isinstance(effective, datetime.date):
            self.milestone(
                f"fr-{number}-effective",
                f"Effective: {title}",
                Target.on_day(effective),
                workstream,
                authority,
                source,
            )

    def workstream(self, agency: dict, authority: Authority) -> Workstream:
        slug = slugify(agency.get("slug") or authority.acronym)[:100] or "agency"
        workstream, _ = Workstream.objects.get_or_create(
            roadmap=self.roadmap, slug=slug, defaults={"title": authority.name[:200]}
        )
        return workstream

    def complete_step(self, rule: Workstream, kind: str, published, source: dict) -> None:
        prefixes = STEP_FOR_TYPE.get(kind, ())
        steps = Milestone.objects.filter(workstream=rule).exclude(status__in=Status.final_values())
        for milestone in steps.order_by("target_end", "pk"):
            action = milestone.slug.removeprefix(f"ua-{rule.slug}-")
            if action.startswith(prefixes) and "comment" not in action:
                record_with_source(
                    milestone,
                    source,
                    f"Published as {source['title']}.",
                    status=Status.COMPLETED,
                    actual_date=published,
                )
                self.report.changed.append(f"{milestone.title}: completed on {published}")
                return

    def milestone(self, slug, title, target: Target, workstream, authority, source) -> None:
        existing = Milestone.objects.filter(slug=slug).first()
        if existing is None:
            services.milestone_create(
                workstream=workstream,
                authority=authority,
                title=title[:300],
                slug=slug,
                confidence=Confidence.OFFICIAL,
                target=target,
                sources=[source],
                note="Imported from the Federal Register.",
            )
            self.report.created.append(f"{title} ({target.words()})")
        elif existing.target.same_dates(target):
            self.report.unchanged += 1
        else:
            before = existing.target
            record_with_source(existing, source, "Federal Register update.", target=target)
            self.report.changed.append(f"{title}: {before.words()} → {target.words()}")


def import_federal_register(stream: BinaryIO, *, dry_run: bool = False) -> ImportReport:
    """Import a document or a search page; all or nothing for the file, a report per document."""
    documents = read_documents(stream)
    report = ImportReport(dry_run=dry_run)
    with transaction.atomic():
        importer = _Importer(report)
        for position, document in enumerate(documents, 1):
            if not isinstance(document, dict):
                report.rejected.append(f"item {position}: not a document object")
                continue
            try:
                with transaction.atomic():
                    importer.document(document)
            except (ValueError, TypeError, ValidationError) as error:
                name = document.get("document_number") or f"item {position}"
                report.rejected.append(f"{name}: {error}")
        if dry_run:
            transaction.set_rollback(True)
    return report
