"""What both importers write the same way: the US roadmap they fill, the agencies they name, and
an update citing its source.

Agencies are known by the identifier their source gives them: the Unified Agenda's agency code or
the Federal Register's agency slug, never by an acronym alone ("ED" is both the Education and,
by initials, the Energy Department).
"""

from __future__ import annotations

import re

from roadmap import services
from roadmap.models import Authority, Jurisdiction, Milestone, Roadmap

_NOT_IN_NAME = re.compile(r"^(the|u\.?s\.?)\s+|[^a-z0-9 ]", re.IGNORECASE)


def united_states() -> Jurisdiction:
    jurisdiction, _ = Jurisdiction.objects.get_or_create(
        code="US", defaults={"name": "United States"}
    )
    return jurisdiction


def us_roadmap(*, slug: str, title: str, summary: str, lead: dict) -> Roadmap:
    """Return the imported roadmap ``slug``, creating it and its lead authority (``lead``: acronym,
    name, website) as needed."""
    roadmap = Roadmap.objects.filter(slug=slug).first()
    if roadmap is not None:
        return roadmap
    authority, _ = Authority.objects.get_or_create(
        acronym=lead["acronym"],
        defaults={
            "jurisdiction": united_states(),
            "name": lead["name"],
            "website": lead.get("website", ""),
        },
    )
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


def _adopt_or_create(acronym: str, name: str, suffix: str, **identity) -> Authority:
    """The authority an editor already made with this acronym and name, given ``identity``; or a
    new one, under a free acronym."""
    same = Authority.objects.filter(acronym=acronym[:20], **dict.fromkeys(identity, None)).first()
    if same is not None and _same_name(same.name, name):
        for key, value in identity.items():
            setattr(same, key, value)
        same.save(update_fields=list(identity))
        return same
    return Authority.objects.create(
        jurisdiction=united_states(),
        name=name[:200],
        acronym=_free_acronym(acronym, suffix),
        **identity,
    )


def agenda_agency(
    *, code: str, name: str, acronym: str, parent: Authority | None = None
) -> Authority:
    """The authority with the Unified Agenda agency ``code``, created the first time it is seen."""
    found = Authority.objects.filter(agenda_code=code).first()
    if found is None:
        found = _adopt_or_create(acronym or code, name or acronym or code, code, agenda_code=code)
    if parent is not None and found.parent_id != parent.pk and parent.pk != found.pk:
        found.parent = parent
        found.save(update_fields=["parent"])
    return found


def federal_register_agency(*, slug: str, name: str) -> Authority:
    """The authority with the Federal Register agency ``slug``, created the first time it is
    seen (its acronym made of the name's initials, made unique with the slug if taken)."""
    found = Authority.objects.filter(federal_register_slug=slug).first()
    if found is not None:
        return found
    known = Authority.objects.filter(federal_register_slug=None, name__iexact=name).first()
    if known is not None:
        known.federal_register_slug = slug
        known.save(update_fields=["federal_register_slug"])
        return known
    initials = "".join(word[0] for word in name.split() if word[:1].isupper()) or slug.upper()
    return _adopt_or_create(initials, name, slug, federal_register_slug=slug)


def record_with_source(milestone: Milestone, source: dict, note: str, **changes) -> None:
    """Record ``changes`` in the milestone's history, citing ``source`` (added to its sources)."""
    added = services.source_add(milestone=milestone, **source)
    services.milestone_record_update(milestone=milestone, source=added, note=note, **changes)
