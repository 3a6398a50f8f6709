"""The Federal Register's public-inspection desk: rules filed a day or more before they appear.

A Federal Register watch reads ``public-inspection-documents/current.json`` on every run. A rule
or proposed rule of the watch's agencies whose RIN is a rule the Unified Agenda import tracks
records a note on that rule's matching open step ("filed for public inspection on …, to be
published on …"), once. The desk's documents do not list their RINs, so they are read from the
heading of the filed text, where every rule states it.
"""

from __future__ import annotations

import re

from django.db import transaction

from roadmap import services
from roadmap.importers.unified_agenda import ROADMAP_SLUG as AGENDA_SLUG
from roadmap.models import Milestone, Status, Workstream
from roadmap.sources.fetch import FetchError
from roadmap.sources.models import SeenItem
from roadmap.sources.runs import Run, SourceError

RULE_TYPES = {"Rule": ("final-rule", "final-action"), "Proposed Rule": ("nprm",)}
RIN = re.compile(r"\bRIN[:\s]+(\d{4}-[A-Z]{2}\d{2})\b")
# The heading that names the RIN is on the filed text's first page.
HEADING_BYTES = 64 * 1024


def run_watch(run: Run) -> None:
    page = run.get_json(f"{run.watch.url.rstrip('/')}/public-inspection-documents/current.json")
    documents = page.get("results", [])
    if not isinstance(documents, list):
        raise SourceError("public inspection: results is not a list")
    agencies = set(run.watch.agency_list())
    seen = set(
        SeenItem.objects.filter(watch=run.watch, key__startswith="public-inspection:").values_list(
            "key", flat=True
        )
    )
    for document in documents:
        if not isinstance(document, dict) or document.get("type") not in RULE_TYPES:
            continue
        slugs = {agency.get("slug") for agency in document.get("agencies") or [] if agency}
        if agencies and not agencies & slugs:
            continue
        number = document.get("document_number")
        key = f"public-inspection:{number}"
        if not number or key in seen:
            continue
        run.record.fetched += 1
        step = _tracked_step(document, _rins(run, document))
        if step is None:
            run.record.skipped += 1
        elif not run.dry_run:
            with transaction.atomic():
                _record(step, document)
                SeenItem.objects.create(watch=run.watch, key=key)
        if step is not None:
            run.record.changed += 1


def _rins(run: Run, document: dict) -> list[str]:
    listed = document.get("regulation_id_numbers")
    if isinstance(listed, list) and listed:
        return [rin for rin in listed if isinstance(rin, str)]
    url = document.get("raw_text_url")
    if not isinstance(url, str) or not url:
        return []
    try:
        with run.get(url, max_bytes=HEADING_BYTES, truncate=True) as response:
            heading = response.body.read().decode("utf-8", "replace")
    except FetchError as error:
        run.error(f"public inspection {document.get('document_number')}: {error}")
        return []
    return RIN.findall(heading)


def _tracked_step(document: dict, rins: list[str]) -> Milestone | None:
    """The open step of the tracked rule this filing is: the NPRM of a proposed rule, the final
    rule of a rule, else the rule's next open step."""
    rules = Workstream.objects.filter(
        roadmap__slug=AGENDA_SLUG, slug__in=[rin.lower() for rin in rins]
    )
    for rule in rules.order_by("slug"):
        steps = list(
            rule.milestones.exclude(status__in=Status.final_values()).order_by("target_end", "pk")
        )
        prefixes = RULE_TYPES[document["type"]]
        for step in steps:
            action = step.slug.removeprefix(f"ua-{rule.slug}-")
            if action.startswith(prefixes) and "comment" not in action:
                return step
        if steps:
            return steps[0]
    return None


def _record(step: Milestone, document: dict) -> None:
    filed = str(document.get("filed_at") or "")[:10] or "?"
    published = document.get("publication_date") or "?"
    note = f"Filed for public inspection on {filed}, to be published on {published}."
    added = services.source_add(
        milestone=step,
        title=f"Federal Register public inspection {document['document_number']}"[:300],
        publisher="Federal Register",
        url=document.get("html_url") or document.get("pdf_url") or "",
    )
    services.milestone_record_update(milestone=step, note=note, source=added)
