"""Read paths shared by the pages, feeds and API: querysets carrying their joins and prefetches."""

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from roadmap.models import (
    Jurisdiction,
    Milestone,
    MilestoneUpdate,
    Roadmap,
    Status,
    Topic,
    UpdateKind,
    Workstream,
)

DUE_SOON_DAYS = 90
RECENT_CHANGES = 15


def milestones() -> QuerySet[Milestone]:
    """Every milestone with what a list shows: workstream, roadmap, authority, jurisdiction."""
    return Milestone.objects.select_related(
        "workstream__roadmap", "authority__jurisdiction"
    ).order_by("target_end", "target_start", "title")


@dataclass
class MilestoneFilter:
    """The dashboard's filters, already validated (see ``roadmap.forms.DashboardFilterForm``)."""

    roadmap: Roadmap | None = None
    workstream: Workstream | None = None
    jurisdiction: Jurisdiction | None = None
    statuses: list[str] = field(default_factory=list)
    due_from: datetime.date | None = None
    due_to: datetime.date | None = None
    text: str = ""

    def apply(self, queryset: QuerySet[Milestone]) -> QuerySet[Milestone]:
        if self.roadmap:
            queryset = queryset.filter(workstream__roadmap=self.roadmap)
        if self.workstream:
            queryset = queryset.filter(workstream=self.workstream)
        if self.jurisdiction:
            queryset = queryset.filter(authority__jurisdiction=self.jurisdiction)
        if self.statuses:
            queryset = queryset.filter(status__in=self.statuses)
        if self.due_from:
            queryset = queryset.filter(target_end__gte=self.due_from)
        if self.due_to:
            queryset = queryset.filter(target_start__lte=self.due_to)
        if self.text:
            queryset = queryset.filter(
                Q(title__icontains=self.text) | Q(summary__icontains=self.text)
            )
        return queryset


@dataclass
class Dashboard:
    milestones: list[Milestone]
    counts: dict[str, int]
    due_soon: list[Milestone]
    overdue: list[Milestone]
    recent_changes: list[MilestoneUpdate]
    workstreams: list[Workstream]


def dashboard(*, filters: MilestoneFilter, today: datetime.date) -> Dashboard:
    """Return everything the dashboard shows for ``filters``, in a fixed number of queries."""
    selected = list(filters.apply(milestones()))
    counts = Counter(milestone.status for milestone in selected)
    horizon = today + datetime.timedelta(days=DUE_SOON_DAYS)
    open_with_deadline = [m for m in selected if m.is_open and m.target.deadline is not None]
    due_soon = [m for m in open_with_deadline if today <= m.target.deadline <= horizon]
    overdue = [m for m in open_with_deadline if m.target.deadline < today]
    recent = (
        MilestoneUpdate.objects.filter(milestone__in=filters.apply(Milestone.objects.all()))
        .filter(kind=UpdateKind.CHANGED)
        .select_related("milestone__workstream__roadmap", "milestone__authority__jurisdiction")
        .order_by("-recorded_at", "-id")[:RECENT_CHANGES]
    )
    workstream_ids = {m.workstream_id for m in selected}
    return Dashboard(
        milestones=selected,
        counts={status: counts.get(status, 0) for status in Status.values},
        due_soon=sorted(due_soon, key=lambda m: m.target.sort_key()),
        overdue=sorted(overdue, key=lambda m: m.target.sort_key()),
        recent_changes=list(recent),
        workstreams=[w for w in Workstream.objects.all() if w.pk in workstream_ids],
    )


def milestone_detail(slug: str) -> Milestone:
    """Return one milestone with its sources, dependencies both ways, topics and full history."""
    related = milestones()
    return (
        milestones()
        .prefetch_related(
            "sources",
            "topics",
            Prefetch("depends_on", queryset=related),
            Prefetch("dependents", queryset=related),
            Prefetch(
                "updates",
                queryset=MilestoneUpdate.objects.select_related("recorded_by", "source").order_by(
                    "-recorded_at", "-id"
                ),
            ),
        )
        .get(slug=slug)
    )


def updates() -> QuerySet[MilestoneUpdate]:
    """Every history entry, newest first, with the milestone and where it sits."""
    return MilestoneUpdate.objects.select_related(
        "milestone__workstream__roadmap", "milestone__authority__jurisdiction"
    ).order_by("-recorded_at", "-id")


@dataclass
class ComparisonRow:
    topic: Topic
    cells: list[list[Milestone]]


def comparison() -> tuple[list[Jurisdiction], list[ComparisonRow]]:
    """Return the jurisdictions (columns) and, per topic, each jurisdiction's milestones."""
    jurisdictions = list(Jurisdiction.objects.order_by("name"))
    by_topic_and_place: dict[tuple[int, int], list[Milestone]] = defaultdict(list)
    topics = list(Topic.objects.all())
    for milestone in milestones().prefetch_related("topics"):
        for topic in milestone.topics.all():
            by_topic_and_place[(topic.pk, milestone.authority.jurisdiction_id)].append(milestone)
    rows = [
        ComparisonRow(
            topic=topic,
            cells=[by_topic_and_place[(topic.pk, place.pk)] for place in jurisdictions],
        )
        for topic in topics
        if any(by_topic_and_place[(topic.pk, place.pk)] for place in jurisdictions)
    ]
    return jurisdictions, rows


def scope_object(kind: str | None, key: str | None, roadmap: str | None = None):
    """Return the roadmap, workstream or jurisdiction a feed is about (``None``: everything)."""
    if kind == "roadmap":
        return get_object_or_404(Roadmap, slug=key)
    if kind == "workstream":
        return get_object_or_404(Workstream, roadmap__slug=roadmap, slug=key)
    if kind == "jurisdiction":
        return get_object_or_404(Jurisdiction, code=key.upper())
    return None


def scope_filter(scope) -> dict:
    """Return the ``Milestone`` lookups that select what ``scope`` covers."""
    if isinstance(scope, Roadmap):
        return {"workstream__roadmap": scope}
    if isinstance(scope, Workstream):
        return {"workstream": scope}
    if isinstance(scope, Jurisdiction):
        return {"authority__jurisdiction": scope}
    return {}
