"""The US Unified Agenda (reginfo.gov XML): each rule's timetable as milestones, kept up to date.

A file is one edition: ``REGINFO_RIN_DATA`` holding a ``RIN_INFO`` per rule. A rule (keyed by its
RIN) becomes a workstream of the "US Unified Agenda" roadmap with an ``AgendaRule`` saying what
the agenda says of it (its agency by code, parent agency, stage, priority, newest edition); each
row of its timetable, and each legal deadline, a milestone. What the rows mean:

- The edition (``PUBLICATION_ID``, YYYYMM) orders observations of a rule. An edition older than
  the newest one imported for a rule moves nothing; the same edition again changes nothing.
- A row with an ``FR_CITATION`` is done: completed, officially, with the citation linked.
- A row dated before the edition's own month is what the agency reports as done, even without a
  citation: completed with the confidence "reported", never overdue. A later row is a projection.
- A row that a later edition no longer lists is dropped, and that is news ("dropped from the
  agenda in the Fall 2026 edition"); listed again, it says so. A date that becomes "To Be
  Determined" is a recorded change: the date was withdrawn.
- ``LEGAL_DLINE_LIST`` entries are statutory or judicial deadlines: milestones "by" their date.
- The abstract becomes the workstream's summary, read again only when an edition changes it (its
  fingerprint is kept): an editor's correction stays until the agency rewrites the abstract.
- Dates written into an old edition's action become their own day-precision milestones.

The file is read as a stream with ``defusedxml`` (no DTDs, entities or external references), so a
full edition takes bounded memory. UTF-16 files (with their byte-order mark) are read; the 0x19
byte that 2004 editions hold for an apostrophe becomes ’; other control bytes that XML forbids are
removed and counted. A row or rule that can't be read refuses the whole file, naming the RIN, the
field and the value, unless ``skip_invalid`` is given: then the rest is imported and the report
lists what was skipped. An import that would change nothing writes nothing.
"""

from __future__ import annotations

import codecs
import datetime
import functools
import hashlib
import itertools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse
from django.db import transaction
from django.db.models import Max
from django.utils.text import slugify

from roadmap import services
from roadmap.importers.cleaning import BadDate, clean_line, clean_text, parse_timetable_date
from roadmap.importers.cleaning import split_row as split_timetable_row
from roadmap.importers.permissions import EVERYONE, Gate
from roadmap.importers.records import (
    agenda_agency,
    published_at,
    us_roadmap,
)
from roadmap.importers.report import ImportFailed, ImportReport
from roadmap.models import (
    EDITION_PATTERN,
    RIN_PATTERN,
    AgendaRule,
    Authority,
    Confidence,
    LegalDeadline,
    Milestone,
    Status,
    Workstream,
    edition_name,
)
from roadmap.targets import Qualifier, Target

ROADMAP_SLUG = "us-unified-agenda"
PROGRESS_EVERY = 250
READ_AHEAD = 500  # rules whose stored state is loaded at once
RULE_URL = "https://www.reginfo.gov/public/do/eAgendaViewRule?pubId={edition}&RIN={rin}"
CITATION_URL = "https://www.federalregister.gov/citation/{volume}-FR-{page}"
# Bytes XML 1.0 forbids (all but tab, newline and carriage return below 0x20); 0x19 is mended.
_CONTROL = bytes(b for b in range(32) if b not in (9, 10, 13, 0x19))
_MANGLED_APOSTROPHE = b"\x19"
_RIN = re.compile(RIN_PATTERN)
_EDITION = re.compile(EDITION_PATTERN)
_CITATION = re.compile(r"^(\d+)\s*FR\s*(\d+)$", re.IGNORECASE)
_UTF16_DECLARATION = re.compile(rb"^(\s*<\?xml[^>]*encoding=[\"'])utf-16(le|be)?([\"'])", re.I)


class _Cleaned:
    """A binary stream as UTF-8 that XML accepts: UTF-16 transcoded, 0x19 mended as ’, other
    forbidden control bytes taken out (and counted)."""

    def __init__(self, stream: IO[bytes]):
        self.stream = stream
        self.removed = 0
        self.mended = 0
        self._decoder: codecs.IncrementalDecoder | None = None
        self._first = True

    def read(self, size: int = -1) -> bytes:
        while True:
            data = self.stream.read(size)
            if self._first:
                self._first = False
                if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
                    self._decoder = codecs.getincrementaldecoder("utf-16")()
            if self._decoder is not None:
                text = self._decoder.decode(data, final=not data)
                converted = text.encode("utf-8")
                data = _UTF16_DECLARATION.sub(rb"\1UTF-8\3", converted) if converted else data
                if not converted and data:
                    continue  # half a character so far: read on
            self.mended += data.count(_MANGLED_APOSTROPHE)
            data = data.replace(_MANGLED_APOSTROPHE, "’".encode())
            cleaned = data.translate(None, _CONTROL)
            self.removed += len(data) - len(cleaned)
            return cleaned


@dataclass(frozen=True)
class Agency:
    code: str
    name: str
    acronym: str


@dataclass
class Step:
    action: str
    target: Target
    citation: str = ""
    legal: str = LegalDeadline.NONE
    description: str = ""
    met_on: datetime.date | None = None  # a legal deadline's step, done on this day


@dataclass
class Rule:
    rin: str
    edition: str
    agency: Agency
    parent: Agency | None
    title: str
    abstract_as_written: str
    stage: str
    priority: str
    steps: list[Step] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    skipped_rows: int = 0

    @functools.cached_property
    def abstract(self) -> str:
        """The abstract as clean text, worked out only for a rule that is imported or searched."""
        return clean_text(self.abstract_as_written)

    @property
    def edition_start(self) -> datetime.date:
        return datetime.date(int(self.edition[:4]), int(self.edition[4:6]), 1)

    @functools.cached_property
    def abstract_fingerprint(self) -> str:
        """The abstract as written, fingerprinted: an unchanged one is not cleaned again."""
        return hashlib.sha256(self.abstract_as_written.encode()).hexdigest()

    @functools.cached_property
    def edition_name(self) -> str:
        """The edition as people name it: "Spring 2025"."""
        return edition_name(self.edition)

    @property
    def published(self) -> datetime.datetime:
        """When the edition that says this was published: the start of its month."""
        return published_at(self.edition_start)

    @property
    def source(self) -> dict:
        """The rule's page in its edition, as the source every change it brings cites."""
        return {
            "title": f"Unified Agenda, {self.edition_name} edition ({self.edition})",
            "publisher": "reginfo.gov",
            "url": RULE_URL.format(edition=self.edition, rin=self.rin),
        }

    @property
    def identity_problem(self) -> str:
        """Why this rule can't be imported at all, or ""."""
        if not _RIN.match(self.rin):
            return f"RIN “{self.rin}”: not a RIN such as 3235-AM12"
        if not _EDITION.match(self.edition):
            return f"{self.rin}: PUBLICATION_ID “{self.edition}”: not an edition such as 202504"
        return ""

    def matches(self, agency: str, rin_prefix: str, keyword: str) -> bool:
        agencies = {self.agency.acronym.lower(), self.agency.code.lower()}
        if self.parent:
            agencies.add(self.parent.acronym.lower())
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


def _agency(element: Element | None, rin: str = "") -> Agency | None:
    if element is None:
        return None
    code = clean_line(_text(element, "CODE")) or rin[:4]
    return Agency(code, clean_line(_text(element, "NAME")), clean_line(_text(element, "ACRONYM")))


def _legal_deadline(rule: Rule, info: Element) -> Step:
    """A ``LEGAL_DLINE_INFO`` as a step "by" its date; raise BadDate for a date or type not read."""
    kind = clean_line(_text(info, "DLINE_TYPE"))
    legal = {"statutory": LegalDeadline.STATUTORY, "judicial": LegalDeadline.JUDICIAL}.get(
        kind.lower()
    )
    if legal is None:
        raise BadDate(f"“{kind}” is neither Statutory nor Judicial", "DLINE_TYPE")
    try:
        date = parse_timetable_date(_text(info, "DLINE_DATE"))
    except BadDate as error:
        raise BadDate(str(error), "DLINE_DATE") from error
    if date.is_dated:
        date = Target(date.precision, date.start, date.end, Qualifier.BY, date.wording)
    stage = clean_line(_text(info, "DLINE_ACTION_STAGE"))
    action = f"{legal.label.capitalize()} deadline" + (f": {stage}" if stage else "")
    return Step(action, date, legal=legal, description=clean_line(_text(info, "DLINE_DESC")))


def _rule(element: Element) -> Rule:
    rin = clean_line(_text(element, "RIN")).upper()
    rule = Rule(
        rin=rin,
        edition=clean_line(_text(element, "PUBLICATION/PUBLICATION_ID")),
        agency=_agency(element.find("AGENCY"), rin) or Agency(rin[:4], "", ""),
        parent=_agency(element.find("PARENT_AGENCY")),
        title=clean_line(_text(element, "RULE_TITLE")),
        abstract_as_written=_text(element, "ABSTRACT"),
        stage=clean_line(_text(element, "RULE_STAGE")),
        priority=clean_line(_text(element, "PRIORITY_CATEGORY")),
    )
    for row in element.findall("TIMETABLE_LIST/TIMETABLE"):
        action, date = _text(row, "TTBL_ACTION"), _text(row, "TTBL_DATE")
        try:
            pairs = split_timetable_row(action, date)
        except BadDate as error:
            value = clean_line(date if error.field == "TTBL_DATE" else action)
            rule.problems.append(f"{rin}: {error.field} “{value}”: {error}")
            continue
        citation = clean_line(_text(row, "FR_CITATION"))
        for position, (words, target) in enumerate(pairs):
            if words:
                rule.steps.append(Step(words, target, citation if position == 0 else ""))
    for info in element.findall("LEGAL_DLINE_LIST/LEGAL_DLINE_INFO"):
        try:
            rule.steps.append(_legal_deadline(rule, info))
        except BadDate as error:
            rule.problems.append(f"{rin}: {error.field}: {error}")
    return rule


class AgendaReader:
    """Reads an edition's rules one at a time, keeping memory bounded."""

    def __init__(self, stream: IO[bytes]):
        self.cleaned = _Cleaned(stream)

    def rules(self) -> Iterator[Rule]:
        root, depth = None, 0
        try:
            for event, element in iterparse(
                self.cleaned, events=("start", "end"), forbid_dtd=True, forbid_entities=True
            ):
                depth += 1 if event == "start" else -1
                if root is None:
                    root = element
                    if element.tag != "REGINFO_RIN_DATA":
                        raise ImportFailed(
                            "This is not a Unified Agenda file: its root element is "
                            f"<{element.tag}>, not <REGINFO_RIN_DATA>."
                        )
                elif event == "end" and depth == 1:
                    # A top-level element is read whole: a rule is taken, and whatever it is,
                    # it is dropped at once, so memory stays bounded by the largest element.
                    if element.tag == "RIN_INFO":
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

    def notes(self) -> list[str]:
        notes = []
        if self.cleaned.mended:
            notes.append(f"Read {self.cleaned.mended} 0x19 bytes as apostrophes (’).")
        if self.cleaned.removed:
            notes.append(
                f"Removed {self.cleaned.removed} stray control bytes that XML may not hold."
            )
        return notes


def _citation_source(citation: str) -> dict:
    match = _CITATION.match(citation)
    url = CITATION_URL.format(volume=match[1], page=match[2]) if match else ""
    return {"title": citation[:300], "publisher": "Federal Register", "url": url}


class _Importer:
    def __init__(self, report: ImportReport, gate: Gate):
        self.report = report
        self.gate = gate
        self._roadmap = None
        self._agencies: dict[Agency, Authority] = {}
        self._known: dict[str, AgendaRule] = {}
        self._not_imported: set[str] = set()
        self._unlinked: dict[str, Workstream] = {}
        self._existing: dict[int, dict[str, Milestone]] = {}
        # What the rules read so far write, together, at the next ``flush``:
        self._new_workstreams: list[Workstream] = []
        self._new_agenda_rules: list[AgendaRule] = []
        self._changed_workstreams: list[Workstream] = []
        self._changed_agenda_rules: list[tuple[AgendaRule, tuple[str, ...]]] = []
        self._to_create: list[dict] = []  # new milestones
        self._to_change: list[services.Change] = []  # changes to stored milestones
        self._rins_to_create: set[str] = set()
        self._words: dict[Target, str] = {}

    @property
    def roadmap(self):
        if self._roadmap is None:
            self._roadmap = us_roadmap(
                gate=self.gate,
                slug=ROADMAP_SLUG,
                title="US Unified Agenda of Regulatory and Deregulatory Actions",
                summary="Each rule of the agencies' semiannual agenda, with its timetable, "
                "imported from reginfo.gov; every edition updates the dates.",
                lead={
                    "acronym": "OIRA",
                    "name": "Office of Information and Regulatory Affairs",
                    "website": "https://www.reginfo.gov",
                },
            )
        return self._roadmap

    def agency(self, agency: Agency, parent: Authority | None = None) -> Authority:
        if agency not in self._agencies:
            self._agencies[agency] = agenda_agency(
                gate=self.gate,
                code=agency.code,
                name=agency.name,
                acronym=agency.acronym,
                parent=parent,
            )
        return self._agencies[agency]

    def words(self, target: Target) -> str:
        """``target.words()``, worked out once for each of the few targets an edition holds."""
        if target not in self._words:
            self._words[target] = target.words()
        return self._words[target]

    def flush(self) -> None:
        """Write what the rules read so far bring, in a few statements: their new workstreams and
        agenda rules, then their new milestones and the changes to stored ones."""
        Workstream.objects.bulk_create(self._new_workstreams)
        AgendaRule.objects.bulk_create(self._new_agenda_rules)
        Workstream.objects.bulk_update(self._changed_workstreams, ["title", "summary"])
        _update_alike(self._changed_agenda_rules)
        if self._to_create:
            services.milestones_create(milestones=self._to_create)
        if self._to_change:
            services.milestones_record_update(changes=self._to_change)
        self._new_workstreams, self._new_agenda_rules = [], []
        self._changed_workstreams, self._changed_agenda_rules = [], []
        self._to_create, self._to_change, self._rins_to_create = [], [], set()

    def read_ahead(self, rules: list[Rule]) -> None:
        """Load in two queries what a run of rules would look up one by one: the rules already
        imported, and their milestones. (The previous run's new milestones are written first.)"""
        self.flush()
        rins = {rule.rin for rule in rules}
        known = AgendaRule.objects.filter(rin__in=rins)
        self._known = {agenda.rin: agenda for agenda in known.select_related("workstream")}
        self._not_imported = rins - set(self._known)
        self._existing = {agenda.workstream_id: {} for agenda in self._known.values()}
        for milestone in Milestone.objects.filter(workstream_id__in=list(self._existing)):
            self._existing[milestone.workstream_id][milestone.slug] = milestone
        # Workstreams of rules imported before their agenda rule was kept (older imports).
        slugs = [rin.lower() for rin in self._not_imported]
        older = Workstream.objects.filter(roadmap__slug=ROADMAP_SLUG, slug__in=slugs)
        self._unlinked = {workstream.slug: workstream for workstream in older}

    def rule(self, rule: Rule) -> None:
        again = rule.rin in self._rins_to_create
        if again:
            self.flush()  # the file names this rule twice: its first milestones must be read
        self._rins_to_create.add(rule.rin)
        known = self._known.pop(rule.rin, None)
        if known is None and (again or rule.rin not in self._not_imported):
            known = AgendaRule.objects.filter(rin=rule.rin).select_related("workstream").first()
        if known is not None and known.edition > rule.edition:
            self.report.older += 1
            return
        parent = self.agency(rule.parent) if rule.parent and rule.parent.code else None
        agency = self.agency(rule.agency, parent)
        workstream = self.workstream(rule, known)
        # What follows may change the stored milestones: they are taken from the read-ahead.
        existing = {} if workstream.pk is None else self._existing.pop(workstream.pk, None)
        if existing is None:
            existing = {m.slug: m for m in Milestone.objects.filter(workstream=workstream)}
        self.meet_deadlines(rule)
        seen: dict[str, int] = {}
        for step in rule.steps:
            base = slugify(step.action)[:60] or "step"
            seen[base] = seen.get(base, 0) + 1
            slug = f"ua-{rule.rin.lower()}-{base}" + (f"-{seen[base]}" if seen[base] > 1 else "")
            self.step(rule, step, existing.pop(slug, None), slug, workstream, agency)
        if known is not None and not rule.skipped_rows:
            self.drop(rule, [m for m in existing.values() if m.slug.startswith("ua-")])
        self.describe(rule, known, workstream, agency)

    @staticmethod
    def meet_deadlines(rule: Rule) -> None:
        """A legal deadline is met when the timetable row of its stage is done ("Final" by the
        final rule or action, "NPRM" by the NPRM): on that row's day."""
        done: dict[str, datetime.date] = {}
        for step in rule.steps:
            if step.legal or not step.target.is_dated:
                continue
            first, last = step.target.span()
            if step.citation or last < rule.edition_start:
                done.setdefault(step.action.split()[0].lower(), first)
        for step in rule.steps:
            if step.legal and ": " in step.action:
                stage = step.action.split(": ", 1)[1].split()[0].lower()
                step.met_on = done.get(stage)

    def workstream(self, rule: Rule, known: AgendaRule | None) -> Workstream:
        title = f"{rule.rin}: {rule.title}"[:200]
        if known is None:
            workstream = self._unlinked.pop(rule.rin.lower(), None)
            if workstream is None and rule.rin not in self._not_imported:
                workstream = Workstream.objects.filter(
                    roadmap=self.roadmap, slug=rule.rin.lower()
                ).first()
            if workstream is None:
                self.gate.check("add", Workstream, title)
                workstream = Workstream(
                    roadmap=self.roadmap, slug=rule.rin.lower(), title=title, summary=rule.abstract
                )
                self._new_workstreams.append(workstream)
                return workstream
        else:
            workstream = known.workstream
        summary = workstream.summary
        if known is None or known.abstract_fingerprint != rule.abstract_fingerprint:
            summary = rule.abstract
        if (workstream.title, workstream.summary) != (title, summary):
            self.gate.check("change", Workstream, workstream.title)
            if workstream.title != title:
                self.report.changed.append(
                    f"{rule.rin}: title “{workstream.title}” → “{title}” "
                    f"({rule.edition_name} edition)"
                )
            workstream.title, workstream.summary = title, summary
            self._changed_workstreams.append(workstream)
        return workstream

    def describe(self, rule: Rule, known: AgendaRule | None, workstream, agency) -> None:
        """Keep what the agenda says of the rule: its agency, stage, priority, newest edition and
        its abstract's fingerprint."""
        fields = {
            "agency_id": agency.pk,
            "stage": rule.stage[:100],
            "priority": rule.priority[:200],
            "edition": rule.edition,
            "abstract_fingerprint": rule.abstract_fingerprint,
        }
        if known is None:
            self.gate.check("add", AgendaRule, rule.rin)
            self._new_agenda_rules.append(AgendaRule(workstream=workstream, rin=rule.rin, **fields))
            self.report.confirmed += 1
            return
        if known.stage != fields["stage"] and known.stage:
            self.report.changed.append(f"{rule.rin}: stage {known.stage} → {rule.stage}")
        changed = [name for name, value in fields.items() if getattr(known, name) != value]
        for name in changed:
            setattr(known, name, fields[name])
        if changed:
            self.gate.check("change", AgendaRule, rule.rin)
            self._changed_agenda_rules.append((known, tuple(changed)))
            self.report.confirmed += 1

    def step(self, rule: Rule, step: Step, milestone, slug, workstream, agency) -> None:
        cited = bool(step.citation)
        reported = (
            not cited
            and not step.legal
            and step.target.is_dated
            and step.target.span()[1] < rule.edition_start
        )
        title = f"{step.action}: {rule.title}"[:300]
        done = cited or reported or step.met_on is not None
        if cited:
            actual = step.target.start if step.target.is_dated else rule.edition_start
        else:
            actual = step.target.end if reported else step.met_on
        name = rule.edition_name
        if milestone is None:
            label = f"{rule.rin} {step.action} ({self.words(step.target)})"
            self.gate.check("add", Milestone, label)
            sources = [rule.source] + ([_citation_source(step.citation)] if cited else [])
            self._to_create.append(
                {
                    "workstream": workstream,
                    "authority": agency,
                    "title": title,
                    "slug": slug,
                    "summary": self.summary(rule, step, reported),
                    "status": Status.COMPLETED if done else Status.PLANNED,
                    "confidence": Confidence.REPORTED if reported else Confidence.OFFICIAL,
                    "legal_deadline": step.legal,
                    "target": step.target,
                    "actual_date": actual,
                    "sources": sources,
                    "note": f"Imported from the Unified Agenda, {name} edition ({rule.edition}).",
                    "observed_at": rule.published,
                }
            )
            self.report.created.append(label + (" reported done" if reported else ""))
            return
        if milestone.dropped_on is not None:
            self.gate.check("change", Milestone, milestone.title)
            added = services.source_add(milestone=milestone, **rule.source)
            services.milestone_relist(
                milestone=milestone,
                note=f"Listed again in the {name} edition.",
                source=added,
                observed_at=rule.published,
            )
            self.report.changed.append(f"{rule.rin} {step.action}: listed again")
        changes: dict[str, Any] = {}
        what: list[str] = []
        if not milestone.target.same_dates(step.target):
            changes["target"] = step.target
            slip = milestone.target.slip_days(step.target)
            if step.target.is_dated:
                what.append(f"target {self.words(milestone.target)} → {self.words(step.target)}")
                if slip:
                    what[-1] += f" ({slip:+d} days)"
            else:
                what.append(f"date withdrawn ({self.words(milestone.target)} → to be determined)")
        if done and milestone.status not in Status.final_values():
            changes.update(status=Status.COMPLETED, actual_date=actual)
            if reported:
                changes["confidence"] = Confidence.REPORTED
            what.append(
                f"completed ({step.citation})" if cited else "reported done" if reported else "met"
            )
        if milestone.title != title:
            changes["title"] = title
            what.append("rule title corrected")
        if not changes:
            if milestone.dropped_on is None:
                self.report.unchanged += 1
            return
        note = f"Unified Agenda, {name} edition ({rule.edition})."
        if "target" in changes and not step.target.is_dated:
            note = f"Date withdrawn (To Be Determined) in the {name} edition ({rule.edition})."
        if "title" in changes:
            note += f" Rule title corrected: “{milestone.title}” → “{title}”."
        self.gate.check("change", Milestone, milestone.title)
        cites = [_citation_source(step.citation)] if cited and changes.get("status") else []
        self._to_change.append(
            services.Change(milestone, changes, note, [*cites, rule.source], rule.published)
        )
        self.report.changed.append(f"{rule.rin} {step.action}: {'; '.join(what)}")

    @staticmethod
    def summary(rule: Rule, step: Step, reported: bool) -> str:
        if step.citation:
            url = _citation_source(step.citation)["url"]
            cited = f"[{step.citation}]({url})" if url else step.citation
            return f"Published in the Federal Register at {cited}."
        if reported:
            return (
                f"Reported done by the agency: dated before the {rule.edition_name} "
                "edition, without a Federal Register citation."
            )
        return step.description

    def drop(self, rule: Rule, unseen: list[Milestone], why: str = "") -> None:
        """Record that the open rows the edition no longer lists were dropped from the agenda."""
        name = rule.edition_name
        for milestone in unseen:
            if milestone.dropped_on is not None or milestone.status in Status.final_values():
                continue
            self.gate.check("change", Milestone, milestone.title)
            added = services.source_add(milestone=milestone, **rule.source)
            services.milestone_drop(
                milestone=milestone,
                on=rule.edition_start,
                note=f"Dropped from the agenda in the {name} edition{why}.",
                source=added,
                observed_at=rule.published,
            )
            self.report.changed.append(f"{milestone.title}: dropped from the {name} edition")

    def drop_unlisted_rules(self, edition: str, agency_codes: set[str], rins: set[str]) -> None:
        """Drop the open rows of rules an earlier edition listed for the agencies this edition
        covers, which this edition no longer lists at all."""
        gone = (
            AgendaRule.objects.filter(agency__agenda_code__in=agency_codes, edition__lt=edition)
            .exclude(rin__in=rins)
            .select_related("workstream")
        )
        for agenda_rule in gone.iterator():
            rule = Rule(agenda_rule.rin, edition, Agency("", "", ""), None, "", "", "", "")
            milestones = Milestone.objects.filter(workstream=agenda_rule.workstream)
            self.drop(rule, list(milestones), " (the rule is no longer listed)")


def _update_alike(changed: list[tuple[AgendaRule, tuple[str, ...]]]) -> None:
    """Save each rule's changed fields (``changed``: the rule and their names) with one UPDATE
    per distinct set of fields and values: a new edition changes most rules' edition alike, and
    ``bulk_update``'s CASE per row and field costs more."""
    alike: dict[tuple, list[int]] = {}
    for rule, names in changed:
        alike.setdefault(tuple((name, getattr(rule, name)) for name in names), []).append(rule.pk)
    for values, pks in alike.items():
        AgendaRule.objects.filter(pk__in=pks).update(**dict(values))


def _read_ahead(importer: _Importer, rules: Iterator[Rule]) -> Iterator[Rule]:
    """Yield ``rules``, letting ``importer`` load what each run of ``READ_AHEAD`` will need."""
    while run := list(itertools.islice(rules, READ_AHEAD)):
        importer.read_ahead([rule for rule in run if not rule.identity_problem])
        yield from run


def latest_edition() -> str | None:
    """The newest edition (YYYYMM) imported for any rule, or None before the first import."""
    return AgendaRule.objects.aggregate(newest=Max("edition"))["newest"]


def import_unified_agenda(
    stream: IO[bytes],
    *,
    agency: str = "",
    rin_prefix: str = "",
    keyword: str = "",
    skip_invalid: bool = False,
    dry_run: bool = False,
    gate: Gate = EVERYONE,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Import one edition; all or nothing. Raise ``ImportFailed`` if the file can't be read, if a
    rule or row is invalid and ``skip_invalid`` is not given, or if it needs to write what
    ``gate``'s user may not. ``progress`` is told how many rules were read, now and then."""
    report = ImportReport(unit="rules", dry_run=dry_run)
    filtered = bool(agency or rin_prefix or keyword)
    editions, agency_codes, rins = set(), set(), set()
    with transaction.atomic():
        with services.bulk_changes():
            importer = _Importer(report, gate)
            reader = AgendaReader(stream)
            for rule in _read_ahead(importer, reader.rules()):
                report.read += 1
                if progress is not None and report.read % PROGRESS_EVERY == 0:
                    progress(report.read)
                problems = [rule.identity_problem] if rule.identity_problem else rule.problems
                if problems and not skip_invalid:
                    raise ImportFailed(
                        f"{problems[0]}. Use --skip-invalid to import the rest without it."
                    )
                report.rejected += problems
                if rule.identity_problem:
                    continue
                rule.skipped_rows = len(rule.problems)
                editions.add(rule.edition)
                agency_codes.add(rule.agency.code)
                rins.add(rule.rin)
                if not rule.matches(agency, rin_prefix, keyword):
                    report.skipped += 1
                    continue
                importer.rule(rule)
            importer.flush()
            if len(editions) == 1 and not filtered and not report.rejected:
                importer.drop_unlisted_rules(editions.pop(), agency_codes, rins)
            if report.older:
                report.notes.append(
                    f"{report.older} rules were left as they are: a newer edition is already "
                    "imported for them."
                )
            report.notes += reader.notes()
        if dry_run or not report.wrote_anything:
            transaction.set_rollback(True)
    return report
