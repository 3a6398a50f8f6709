"""The US Unified Agenda (reginfo.gov XML): each rule's timetable as milestones, kept up to date.

A file is one edition: ``REGINFO_RIN_DATA`` holding a ``RIN_INFO`` per rule. A rule (keyed by its
RIN) becomes a workstream of the "US Unified Agenda" roadmap; each row of its timetable a
milestone. Importing a later edition is a new observation of the same timetable: a date that moved
is recorded as a change (a slip when later) with the edition as its source, and a row that gained a
Federal Register citation is completed. The file is read as a stream with ``defusedxml`` (no DTDs,
entities or external references), so a full edition takes bounded memory, and stray control bytes
that old editions contain are removed (and counted) before the parser sees them.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import BinaryIO
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse
from django.db import transaction
from django.utils.text import slugify

from roadmap import services
from roadmap.importers.cleaning import BadDate, clean_line, clean_text, split_action
from roadmap.importers.records import record_with_source, us_authority, us_roadmap
from roadmap.importers.report import ImportFailed, ImportReport
from roadmap.models import (
    Authority,
    Confidence,
    Milestone,
    Status,
    Workstream,
)
from roadmap.targets import Target

ROADMAP_SLUG = "us-unified-agenda"
RULE_URL = "https://www.reginfo.gov/public/do/eAgendaViewRule?pubId={edition}&RIN={rin}"
# Bytes XML 1.0 forbids (all but tab, newline and carriage return below 0x20).
_CONTROL = bytes(b for b in range(32) if b not in (9, 10, 13))
_RIN = re.compile(r"^\d{4}-[A-Z]{2}\d{2}$")


class _Cleaned:
    """A binary stream with XML's forbidden control bytes taken out, counting them."""

    def __init__(self, stream: BinaryIO):
        self.stream = stream
        self.removed = 0

    def read(self, size: int = -1) -> bytes:
        data = self.stream.read(size)
        cleaned = data.translate(None, _CONTROL)
        self.removed += len(data) - len(cleaned)
        return cleaned


@dataclass
class Step:
    action: str
    target: Target
    citation: str


@dataclass
class Rule:
    rin: str
    edition: str
    agency_code: str
    agency_name: str
    agency_acronym: str
    parent_acronym: str
    title: str
    abstract: str
    stage: str
    steps: list[Step] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def matches(self, agency: str, rin_prefix: str, keyword: str) -> bool:
        agencies = {self.agency_acronym.lower(), self.agency_code.lower()}
        agencies.add(self.parent_acronym.lower())
        return (
            (not agency or agency.lower() in agencies)
            and (not rin_prefix or self.rin.startswith(rin_prefix.upper()))
            and (
                not keyword
                or keyword.lower() in self.title.lower()
                or keyword.lower() in self.abstract.lower()
            )
        )


def _text(element: Element | None, path: str) -> str:
    found = element.find(path) if element is not None else None
    return (found.text or "") if found is not None else ""


def _rule(element: Element) -> Rule:
    agency = element.find("AGENCY")
    parent = element.find("PARENT_AGENCY")
    rule = Rule(
        rin=clean_line(_text(element, "RIN")).upper(),
        edition=clean_line(_text(element, "PUBLICATION/PUBLICATION_ID")),
        agency_code=clean_line(_text(agency, "CODE")),
        agency_name=clean_line(_text(agency, "NAME")),
        agency_acronym=clean_line(_text(agency, "ACRONYM")),
        parent_acronym=clean_line(_text(parent, "ACRONYM")),
        title=clean_line(_text(element, "RULE_TITLE")),
        abstract=clean_text(_text(element, "ABSTRACT")),
        stage=clean_line(_text(element, "RULE_STAGE")),
    )
    for row in element.findall("TIMETABLE_LIST/TIMETABLE"):
        try:
            action, target = split_action(_text(row, "TTBL_ACTION"), _text(row, "TTBL_DATE"))
        except BadDate as error:
            rule.problems.append(f"{rule.rin}: timetable row skipped: {error}")
            continue
        if action:
            rule.steps.append(Step(action, target, clean_line(_text(row, "FR_CITATION"))))
    return rule


class AgendaReader:
    """Reads an edition's rules one at a time, keeping memory bounded."""

    def __init__(self, stream: BinaryIO):
        self.cleaned = _Cleaned(stream)

    @property
    def control_bytes_removed(self) -> int:
        return self.cleaned.removed

    def rules(self) -> Iterator[Rule]:
        root = None
        try:
            for event, element in iterparse(
                self.cleaned, events=("start", "end"), forbid_dtd=True, forbid_entities=True
            ):
                if root is None:
                    root = element
                    if element.tag != "REGINFO_RIN_DATA":
                        raise ImportFailed(
                            "This is not a Unified Agenda file: its root element is "
                            f"<{element.tag}>, not <REGINFO_RIN_DATA>."
                        )
                elif event == "end" and element.tag == "RIN_INFO":
                    yield _rule(element)
                    root.clear()
        except ParseError as error:
            raise ImportFailed(f"The file is not well-formed XML (truncated?): {error}") from error
        except DefusedXmlException as error:
            raise ImportFailed(
                "The file declares a DTD, entities or external references, which are refused "
                f"({type(error).__name__})."
            ) from error
        if root is None:
            raise ImportFailed("The file is empty.")


class _Importer:
    def __init__(self, report: ImportReport):
        self.report = report
        self.roadmap = us_roadmap(
            slug=ROADMAP_SLUG,
            title="US Unified Agenda of Regulatory and Deregulatory Actions",
            summary="Each rule of the agencies' semiannual agenda, with its timetable, imported "
            "from reginfo.gov; every edition updates the dates.",
            lead={
                "acronym": "OIRA",
                "name": "Office of Information and Regulatory Affairs",
                "website": "https://www.reginfo.gov",
            },
        )

    def authority(self, rule: Rule) -> Authority:
        acronym = rule.agency_acronym or rule.agency_code or "US agency"
        return us_authority(acronym, rule.agency_name or acronym)

    def workstream(self, rule: Rule) -> Workstream:
        workstream, created = Workstream.objects.get_or_create(
            roadmap=self.roadmap,
            slug=rule.rin.lower(),
            defaults={"title": f"{rule.rin}: {rule.title}"[:200], "summary": rule.abstract},
        )
        if not created and (workstream.summary != rule.abstract):
            workstream.summary = rule.abstract
            workstream.save(update_fields=["summary"])
        return workstream

    def rule(self, rule: Rule) -> None:
        authority = self.authority(rule)
        workstream = self.workstream(rule)
        source = {
            "title": f"Unified Agenda, edition {rule.edition}"[:300],
            "publisher": "reginfo.gov",
            "url": RULE_URL.format(edition=rule.edition, rin=rule.rin),
        }
        seen: dict[str, int] = {}
        for step in rule.steps:
            base = slugify(step.action)[:60] or "step"
            seen[base] = seen.get(base, 0) + 1
            slug = f"ua-{rule.rin.lower()}-{base}" + (f"-{seen[base]}" if seen[base] > 1 else "")
            self.step(rule, step, slug, workstream, authority, source)

    def step(self, rule, step: Step, slug, workstream, authority, source) -> None:
        done = bool(step.citation)
        actual = step.target.start if done and step.target.is_dated else None
        if done and actual is None:
            actual = datetime.date(int(rule.edition[:4]), int(rule.edition[4:6]), 1)
        label = f"{rule.rin} {step.action} ({step.target.words()})"
        milestone = Milestone.objects.filter(slug=slug).first()
        if milestone is None:
            services.milestone_create(
                workstream=workstream,
                authority=authority,
                title=f"{step.action}: {rule.title}"[:300],
                slug=slug,
                summary=f"Federal Register: {step.citation}" if done else "",
                status=Status.COMPLETED if done else Status.PLANNED,
                confidence=Confidence.OFFICIAL,
                target=step.target,
                actual_date=actual,
                sources=[source],
                note=f"Imported from the Unified Agenda, edition {rule.edition}.",
            )
            self.report.created.append(label)
            return
        changes = {}
        if not milestone.target.same_dates(step.target):
            changes["target"] = step.target
        if done and milestone.status not in Status.final_values():
            changes.update(status=Status.COMPLETED, actual_date=actual)
        if not changes:
            self.report.unchanged += 1
            return
        before = milestone.target
        record_with_source(milestone, source, f"Unified Agenda, edition {rule.edition}.", **changes)
        slip = before.slip_days(step.target) if "target" in changes else None
        what = [f"target {before.words()} → {step.target.words()}"] if "target" in changes else []
        if slip:
            what[0] += f" ({slip:+d} days)"
        if "status" in changes:
            what.append(f"completed ({step.citation})")
        self.report.changed.append(f"{rule.rin} {step.action}: {'; '.join(what)}")


def import_unified_agenda(
    stream: BinaryIO,
    *,
    agency: str = "",
    rin_prefix: str = "",
    keyword: str = "",
    dry_run: bool = False,
) -> ImportReport:
    """Import one edition; all or nothing. Raise ``ImportFailed`` if the file can't be read."""
    report = ImportReport(dry_run=dry_run)
    with transaction.atomic():
        importer = _Importer(report)
        reader = AgendaReader(stream)
        for rule in reader.rules():
            report.rejected += rule.problems
            if not _RIN.match(rule.rin) or not rule.edition.isdigit() or len(rule.edition) != 6:
                report.rejected.append(
                    f"a rule with RIN “{rule.rin}” and edition “{rule.edition}”: "
                    "not a RIN such as 3235-AM12 or an edition such as 202504"
                )
                continue
            if not rule.matches(agency, rin_prefix, keyword):
                report.skipped += 1
                continue
            importer.rule(rule)
        if reader.control_bytes_removed:
            report.notes.append(
                f"Removed {reader.control_bytes_removed} stray control bytes that XML may not hold."
            )
        if dry_run:
            transaction.set_rollback(True)
    return report
