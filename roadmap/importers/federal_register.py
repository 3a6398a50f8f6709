"""Federal Register documents (the public API's JSON): comment deadlines and effective dates.

A file is one document or a search page (``{"results": [...]}``). A proposed rule with
``comments_close_on`` becomes a "comment period closes" milestone, a rule with ``effective_on`` an
"effective" one, each keeping the document's own words about its dates (``dates``). When the
document names a RIN the Unified Agenda import already tracks, its milestones go in that rule's
workstream, and the matching timetable step (the NPRM for a proposed rule, the final rule for a
rule) is completed on the publication date. Agencies are known by their Federal Register slug. A
field that is ``null`` means "none"; a field that is absent (a search page asked for fewer
``fields[]``) means "not said", and nothing is changed on its account. A document whose fields
are not of the documented types refuses the whole file (naming the document, the field and what
it holds), unless ``skip_invalid`` is given: then the others are imported and it is listed.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable
from typing import IO

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify

from roadmap import services
from roadmap.importers.cleaning import clean_line, clean_text
from roadmap.importers.permissions import EVERYONE, Gate
from roadmap.importers.records import (
    federal_register_agency,
    published_at,
    record_with_source,
    us_roadmap,
)
from roadmap.importers.report import ImportFailed, ImportReport
from roadmap.importers.unified_agenda import ROADMAP_SLUG as AGENDA_SLUG
from roadmap.models import Authority, Confidence, Milestone, Status, Workstream
from roadmap.targets import Target

ROADMAP_SLUG = "us-federal-register"
PROGRESS_EVERY = 250
MAX_BYTES = 50 * 1024 * 1024
MISSING = object()
STEP_FOR_TYPE = {"Proposed Rule": ("nprm",), "Rule": ("final-rule", "final-action")}
_TEXT_FIELDS = ("document_number", "title", "type", "citation", "html_url", "dates")
_DATE_FIELDS = ("publication_date", "comments_close_on", "effective_on")


class InvalidDocument(ValueError):
    """A document whose fields are not what the Federal Register API documents."""


def _kind(value) -> str:
    names = {str: "text", list: "a list", dict: "an object", bool: "true/false", type(None): "null"}
    return names.get(type(value), "a number")


def _date(document: dict, name: str):
    """The date in ``name``: MISSING if absent, None if null, else a date."""
    value = document.get(name, MISSING)
    if value is MISSING or value is None:
        return value
    return datetime.date.fromisoformat(value)


def validate(document) -> None:
    """Raise ``InvalidDocument`` naming the first field that is not of its documented type."""
    if not isinstance(document, dict):
        raise InvalidDocument(f"expected a document object, got {_kind(document)}")
    for name in _TEXT_FIELDS:
        value = document.get(name)
        if value is not None and not isinstance(value, str):
            raise InvalidDocument(f"field “{name}” should be text, not {_kind(value)}")
    for name in _DATE_FIELDS:
        value = document.get(name)
        if value is None:
            continue
        try:
            if not isinstance(value, str):
                raise TypeError
            datetime.date.fromisoformat(value)
        except (TypeError, ValueError):
            raise InvalidDocument(
                f"field “{name}” should be a date such as 2026-04-12, not “{str(value)[:40]}”"
            ) from None
    for name in ("document_number", "title", "publication_date"):
        if not clean_line(document.get(name) if isinstance(document.get(name), str) else ""):
            raise InvalidDocument(f"field “{name}” is required")
    agencies = document.get("agencies")
    if agencies is not None and not (
        isinstance(agencies, list) and all(isinstance(agency, dict) for agency in agencies)
    ):
        shown = json.dumps(agencies)[:60]
        raise InvalidDocument(f"field “agencies” should be a list of agency objects, not {shown}")
    for agency in agencies or []:
        for name in ("name", "raw_name", "slug"):
            if agency.get(name) is not None and not isinstance(agency[name], str):
                raise InvalidDocument(f"an agency's “{name}” should be text")
    rins = document.get("regulation_id_numbers")
    if rins is not None and not (isinstance(rins, list) and all(isinstance(r, str) for r in rins)):
        raise InvalidDocument("field “regulation_id_numbers” should be a list of RINs")
    info = document.get("regulation_id_number_info")
    if info is not None and not isinstance(info, dict):
        raise InvalidDocument("field “regulation_id_number_info” should be an object")


def read_documents(stream: IO[bytes]) -> list:
    data = stream.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ImportFailed(f"The file is larger than {MAX_BYTES // 1024 // 1024} MB.")
    try:
        parsed = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ImportFailed(f"The file is not JSON (truncated, or XML?): {error}") from error
    except RecursionError as error:
        raise ImportFailed("The file nests its JSON too deeply to be a document.") from error
    if isinstance(parsed, dict) and isinstance(parsed.get("results"), list):
        return parsed["results"]
    if isinstance(parsed, dict) and "document_number" in parsed:
        return [parsed]
    raise ImportFailed(
        "This is not a Federal Register document or search page: expected an object with "
        "document_number, or with a results list."
    )


class _Importer:
    def __init__(self, report: ImportReport, gate: Gate):
        self.report = report
        self.gate = gate
        self._roadmap = None
        self._authorities: dict[str, Authority] = {}
        self._workstreams: dict[str, Workstream] = {}
        self._rules: dict[str, Workstream] = {}
        self._milestones: dict[str, Milestone] = {}

    def read_ahead(self, documents: list) -> None:
        """Load in a few queries what a page of documents would look up one by one: their
        milestones and the tracked rules they name. (Again after a document was rolled back.)"""
        valid = [document for document in documents if isinstance(document, dict)]
        numbers = [document.get("document_number") for document in valid]
        slugs = [
            f"fr-{clean_line(number)}-{suffix}"
            for number in numbers
            if isinstance(number, str)
            for suffix in ("comments", "effective")
        ]
        self._milestones = {m.slug: m for m in Milestone.objects.filter(slug__in=slugs)}
        rins = {rin.lower() for document in valid for rin in _rins(document)}
        rules = Workstream.objects.filter(roadmap__slug=AGENDA_SLUG, slug__in=rins)
        self._rules = {rule.slug: rule for rule in rules} if rins else {}
        self._authorities, self._workstreams, self._roadmap = {}, {}, None

    @property
    def roadmap(self):
        if self._roadmap is None:
            self._roadmap = us_roadmap(
                gate=self.gate,
                slug=ROADMAP_SLUG,
                title="US Federal Register documents",
                summary="Comment deadlines and effective dates of documents published in the "
                "Federal Register, imported from its API.",
                lead={"acronym": "OFR", "name": "Office of the Federal Register"},
            )
        return self._roadmap

    def authority(self, agency: dict) -> Authority:
        name = clean_line(agency.get("name") or agency.get("raw_name"))
        slug = slugify(clean_line(agency.get("slug")) or name)[:100] or "federal-agency"
        if name.isupper():
            name = name.title()  # raw names come in capitals: "TREASURY DEPARTMENT"
        if slug not in self._authorities:
            self._authorities[slug] = federal_register_agency(
                gate=self.gate, slug=slug, name=name or slug
            )
        return self._authorities[slug]

    def tracked_rule(self, rins: list[str]) -> Workstream | None:
        """The workstream of the first of ``rins`` the Unified Agenda import tracks."""
        return next((self._rules[r.lower()] for r in rins if r.lower() in self._rules), None)

    def document(self, document: dict) -> None:
        number = clean_line(document.get("document_number"))
        title = clean_line(document.get("title"))
        kind = clean_line(document.get("type"))
        published = _date(document, "publication_date")
        observed = published_at(published)
        agencies = document.get("agencies") or [{}]
        authority = self.authority(agencies[0])
        rule = self.tracked_rule(_rins(document))
        workstream = rule or self.workstream(agencies[0], authority)
        source = {
            "title": f"Federal Register {clean_line(document.get('citation')) or number}"[:300],
            "publisher": "Federal Register",
            "url": document.get("html_url") or "",
        }
        dates = clean_text(document.get("dates"))
        if rule is not None:
            self.complete_step(rule, kind, published, source, observed)
        closes = _date(document, "comments_close_on")
        if kind == "Proposed Rule" and isinstance(closes, datetime.date):
            self.milestone(
                f"fr-{number}-comments",
                f"Comment period closes: {title}",
                Target.on_day(closes, wording=_wording(dates)),
                workstream,
                authority,
                source,
                dates,
                observed,
            )
        effective = _date(document, "effective_on")
        if kind == "Rule" and isinstance(effective, datetime.date):
            self.milestone(
                f"fr-{number}-effective",
                f"Effective: {title}",
                Target.on_day(effective, wording=_wording(dates)),
                workstream,
                authority,
                source,
                dates,
                observed,
            )

    def workstream(self, agency: dict, authority: Authority) -> Workstream:
        slug = slugify(agency.get("slug") or authority.acronym)[:100] or "agency"
        if slug not in self._workstreams:
            workstream = Workstream.objects.filter(roadmap=self.roadmap, slug=slug).first()
            if workstream is None:
                self.gate.check("add", Workstream, authority.name)
                workstream = Workstream.objects.create(
                    roadmap=self.roadmap, slug=slug, title=authority.name[:200]
                )
            self._workstreams[slug] = workstream
        return self._workstreams[slug]

    def complete_step(
        self,
        rule: Workstream,
        kind: str,
        published: datetime.date,
        source: dict,
        observed: datetime.datetime,
    ) -> None:
        prefixes = STEP_FOR_TYPE.get(kind, ())
        steps = Milestone.objects.filter(workstream=rule).exclude(status__in=Status.final_values())
        for milestone in steps.order_by("target_end", "pk"):
            action = milestone.slug.removeprefix(f"ua-{rule.slug}-")
            if action.startswith(prefixes) and "comment" not in action:
                record_with_source(
                    self.gate,
                    milestone,
                    source,
                    f"Published as {source['title']}.",
                    observed,
                    status=Status.COMPLETED,
                    actual_date=published,
                )
                self.report.changed.append(f"{milestone.title}: completed on {published}")
                return

    def milestone(
        self,
        slug: str,
        title: str,
        target: Target,
        workstream: Workstream,
        authority: Authority,
        source: dict,
        dates: str,
        observed: datetime.datetime,
    ) -> None:
        existing = self._milestones.get(slug)
        if existing is None:
            self.gate.check("add", Milestone, title)
            self._milestones[slug] = services.milestone_create(
                workstream=workstream,
                authority=authority,
                title=title[:300],
                slug=slug,
                summary=f"Dates, as the document states them: {dates}" if dates else "",
                confidence=Confidence.OFFICIAL,
                target=target,
                sources=[source],
                note="Imported from the Federal Register.",
                observed_at=observed,
            )
            self.report.created.append(f"{title} ({target.words()})")
        elif existing.target.same_dates(target):
            self.report.unchanged += 1
        else:
            before = existing.target
            record_with_source(
                self.gate,
                existing,
                source,
                "Federal Register update.",
                observed,
                target=target,
            )
            self.report.changed.append(f"{title}: {before.words()} → {target.words()}")


def _rins(document: dict) -> list[str]:
    """The RINs a document names, in its list and in its RIN details, each once."""
    listed = document.get("regulation_id_numbers")
    rins = [rin for rin in listed if isinstance(rin, str)] if isinstance(listed, list) else []
    info = document.get("regulation_id_number_info")
    if isinstance(info, dict):
        rins += [rin for rin in info if isinstance(rin, str) and rin not in rins]
    return rins


def _wording(dates: str) -> str:
    """The document's own words about its dates, cut to fit a target's wording."""
    return dates if len(dates) <= 200 else dates[:199].rstrip() + "…"


def import_documents(
    documents: list,
    *,
    skip_invalid: bool = False,
    dry_run: bool = False,
    gate: Gate = EVERYONE,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Import parsed documents; all or nothing. Raise ``ImportFailed`` for an invalid document
    unless ``skip_invalid`` is given, or for a write ``gate``'s user may not make; an import that
    would change nothing writes nothing. ``progress`` is told how many were read, now and then."""
    report = ImportReport(unit="documents", dry_run=dry_run)
    with transaction.atomic():
        with services.bulk_changes():
            importer = _Importer(report, gate)
            importer.read_ahead(documents)
            for position, document in enumerate(documents, 1):
                report.read += 1
                if progress is not None and report.read % PROGRESS_EVERY == 0:
                    progress(report.read)
                number = document.get("document_number") if isinstance(document, dict) else None
                name = (
                    clean_line(number) if isinstance(number, str) and number else f"item {position}"
                )
                try:
                    validate(document)
                    with transaction.atomic():
                        importer.document(document)
                except (InvalidDocument, ValueError, ValidationError) as error:
                    problem = f"{name}: {error}"
                    if not skip_invalid:
                        raise ImportFailed(
                            f"{problem}. Use --skip-invalid to import the rest without it."
                        ) from error
                    report.rejected.append(problem)
                    importer.read_ahead(documents)  # what it wrote was rolled back
        if dry_run or not report.wrote_anything:
            transaction.set_rollback(True)
    return report


def import_federal_register(stream: IO[bytes], **options) -> ImportReport:
    """Import a document or a search page from ``stream`` (``options``: see
    ``import_documents``)."""
    return import_documents(read_documents(stream), **options)
