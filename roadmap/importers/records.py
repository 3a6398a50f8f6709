"""What both importers write the same way: the US roadmap they fill, the agencies they name, and
an update citing its source.

Agencies are known by the identifier their source gives them: the Unified Agenda's agency code or
the Federal Register's agency slug, never by an acronym alone ("ED" is both the Education and,
by initials, the Energy Department).
"""

from __future__ import annotations

import datetime
import re

from roadmap import services
from roadmap.importers.permissions import Gate
from roadmap.models import Authority, Jurisdiction, Milestone, Roadmap

_NOT_IN_NAME = re.compile(r"^(the|u\.?s\.?)\s+|[^a-z0-9 ]", re.IGNORECASE)


def united_states(gate: Gate) -> Jurisdiction:
    found = Jurisdiction.objects.filter(code="US").first()
    if found is None:
        gate.check("add", Jurisdiction, "United States")
        found = Jurisdiction.objects.create(code="US", name="United States")
    return found


def us_roadmap(*, gate: Gate, slug: str, title: str, summary: str, lead: dict) -> Roadmap:
    """Return the imported roadmap ``slug``, creating it and its lead authority (``lead``: acronym,
    name, website) as needed."""
    roadmap = Roadmap.objects.filter(slug=slug).first()
    if roadmap is not None:
        return roadmap
    authority = Authority.objects.filter(acronym=lead["acronym"]).first()
    if authority is None:
        gate.check("add", Authority, lead["name"])
        authority = Authority.objects.create(
            acronym=lead["acronym"],
            jurisdiction=united_states(gate),
            name=lead["name"],
            website=lead.get("website", ""),
        )
    gate.check("add", Roadmap, title)
    return Roadmap.objects.create(slug=slug, title=title, authority=authority, summary=summary)


def _same_name(one: str, other: str) -> bool:
    def plain(name: str) -> str:
        return " ".join(_NOT_IN_NAME.sub("", name.lower()).split())

    return plain(one) == plain(other)


def _free_acronym(acronym: str, suffix: str) -> str:
    """``acronym`` if no authority has it, else ``acronym-suffix`` (both at most 20 characters)."""
    acronym = acronym[:20]
    if not Authority.objects.filter(acronym=acronym).exists():
        return acronym
    suffix = suffix[:10].strip("-")
    return f"{acronym[: 19 - len(suffix)]}-{suffix}"


def _adopt_or_create(gate: Gate, acronym: str, name: str, suffix: str, **identity) -> Authority:
    """The authority an editor already made with this acronym and name, given ``identity``; or a
    new one, under a free acronym."""
    same = Authority.objects.filter(acronym=acronym[:20], **dict.fromkeys(identity, None)).first()
    if same is not None and _same_name(same.name, name):
        gate.check("change", Authority, same.name)
        for key, value in identity.items():
            setattr(same, key, value)
        same.save(update_fields=list(identity))
        return same
    gate.check("add", Authority, name)
    return Authority.objects.create(
        jurisdiction=united_states(gate),
        name=name[:200],
        acronym=_free_acronym(acronym, suffix),
        **identity,
    )


def agenda_agency(
    *, gate: Gate, code: str, name: str, acronym: str, parent: Authority | None = None
) -> Authority:
    """The authority with the Unified Agenda agency ``code``, created the first time it is seen."""
    found = Authority.objects.filter(agenda_code=code).first()
    if found is None:
        label = name or acronym or code
        found = _adopt_or_create(gate, acronym or code, label, code, agenda_code=code)
    if parent is not None and found.parent_id != parent.pk and parent.pk != found.pk:
        gate.check("change", Authority, found.name)
        found.parent = parent
        found.save(update_fields=["parent"])
    return found


def federal_register_agency(*, gate: Gate, slug: str, name: str) -> Authority:
    """The authority with the Federal Register agency ``slug``, created the first time it is
    seen (its acronym made of the name's initials, made unique with the slug if taken)."""
    found = Authority.objects.filter(federal_register_slug=slug).first()
    if found is not None:
        return found
    known = Authority.objects.filter(federal_register_slug=None, name__iexact=name).first()
    if known is not None:
        gate.check("change", Authority, known.name)
        known.federal_register_slug = slug
        known.save(update_fields=["federal_register_slug"])
        return known
    initials = "".join(word[0] for word in name.split() if word[:1].isupper()) or slug.upper()
    return _adopt_or_create(gate, initials, name, slug, federal_register_slug=slug)


def record_with_source(
    gate: Gate,
    milestone: Milestone,
    source: dict,
    note: str,
    observed_at: datetime.datetime,
    **changes,
) -> None:
    """Record ``changes`` in the milestone's history, citing ``source`` (added to its sources)
    and when the source published them (``observed_at``)."""
    gate.check("change", Milestone, milestone.title)
    added = services.source_add(milestone=milestone, **source)
    services.milestone_record_update(
        milestone=milestone, source=added, note=note, observed_at=observed_at, **changes
    )


def published_at(day: datetime.date) -> datetime.datetime:
    """The moment a source published on ``day``: its start, in UTC."""
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=datetime.UTC)
