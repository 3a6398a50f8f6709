"""What both importers write the same way: the US roadmap they fill, and an update citing its
source."""

from __future__ import annotations

from roadmap import services
from roadmap.models import Authority, Jurisdiction, Milestone, Roadmap


def us_roadmap(*, slug: str, title: str, summary: str, lead: dict) -> Roadmap:
    """Return the imported roadmap ``slug``, creating it, its lead authority (``lead``: acronym,
    name, website) and the United States as needed."""
    united_states, _ = Jurisdiction.objects.get_or_create(
        code="US", defaults={"name": "United States"}
    )
    authority, _ = Authority.objects.get_or_create(
        acronym=lead["acronym"],
        defaults={
            "jurisdiction": united_states,
            "name": lead["name"],
            "website": lead.get("website", ""),
        },
    )
    roadmap, _ = Roadmap.objects.get_or_create(
        slug=slug, defaults={"title": title, "authority": authority, "summary": summary}
    )
    return roadmap


def us_authority(acronym: str, name: str) -> Authority:
    """The US authority with ``acronym``, created (with ``name``) the first time it is seen."""
    authority, _ = Authority.objects.get_or_create(
        acronym=acronym[:20],
        defaults={"jurisdiction": Jurisdiction.objects.get(code="US"), "name": name[:200]},
    )
    return authority


def record_with_source(milestone: Milestone, source: dict, note: str, **changes) -> None:
    """Record ``changes`` in the milestone's history, citing ``source`` (added to its sources)."""
    added = services.source_add(milestone=milestone, **source)
    services.milestone_record_update(milestone=milestone, source=added, note=note, **changes)
