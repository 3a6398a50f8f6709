"""Read paths shared by the pages, feeds and API: querysets carrying their joins and prefetches."""

import datetime
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.db.models import (
    BooleanField,
    Case,
    Count,
    ExpressionWrapper,
    F,
    JSONField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import RowNumber
from django.shortcuts import get_object_or_404
from django.utils import timezone, translation

from roadmap.forecasts import clocks
from roadmap.forecasts.forecast import Facts, step_of
from roadmap.forecasts.history import History, Observation, state_on
from roadmap.forecasts.scorecards import Record, Scorecard, deadline_of, scorecard, scorecards
from roadmap.models import (
    Authority,
    ClockTerm,
    Dependency,
    Jurisdiction,
    Milestone,
    MilestoneQuerySet,
    MilestoneUpdate,
    Roadmap,
    Source,
    Status,
    Topic,
    UpdateKind,
    Workstream,
)
from roadmap.targets import Target

DUE_SOON_DAYS = 90
RECENT_CHANGES = 15
LIST_LIMIT = 20
TIMELINE_LIMIT = 300
UNDATED_LIMIT = 30
WORKSTREAMS_LISTED = 100


def milestones() -> MilestoneQuerySet:
    """Every milestone with what a list shows: workstream, roadmap, authority, jurisdiction and
    forecast (one join, so a list runs the same queries with forecasts or without)."""
    return Milestone.objects.select_related(
        "workstream__roadmap", "authority__jurisdiction", "forecast"
    ).order_by(F("target_end").asc(nulls_last=True), "target_start", "title")


def with_previous_target(queryset: MilestoneQuerySet) -> MilestoneQuerySet:
    """Annotate ``previous_target``: the target (as stored) that the latest change of target moved
    later, or ``None`` when the latest change was no slip. Only slipped milestones look it up."""
    latest_change = MilestoneUpdate.objects.filter(
        milestone=OuterRef("pk"), new_target__isnull=False
    ).order_by("-recorded_at", "-id")
    slipped_from = latest_change.annotate(
        slipped_from=Case(
            When(slip_days__gt=0, then=F("old_target")), default=None, output_field=JSONField()
        )
    ).values("slipped_from")[:1]
    return queryset.annotate(
        previous_target=Case(
            When(slip_count__gt=0, then=Subquery(slipped_from)),
            default=Value(None, output_field=JSONField()),
            output_field=JSONField(),
        )
    )


@dataclass
class MilestoneFilter:
    """The dashboard's filters, already validated (see ``roadmap.forms.DashboardFilterForm``)."""

    roadmap: Roadmap | None = None
    workstream: Workstream | None = None
    jurisdiction: Jurisdiction | None = None
    authority: Authority | None = None
    topic: Topic | None = None
    statuses: list[str] = field(default_factory=list)
    due_from: datetime.date | None = None
    due_to: datetime.date | None = None
    text: str = ""

    def apply(self, queryset: MilestoneQuerySet) -> MilestoneQuerySet:
        if self.roadmap:
            queryset = queryset.filter(workstream__roadmap=self.roadmap)
        if self.workstream:
            queryset = queryset.filter(workstream=self.workstream)
        if self.jurisdiction:
            queryset = queryset.filter(authority__jurisdiction=self.jurisdiction)
        if self.authority:
            queryset = queryset.filter(authority=self.authority)
        if self.topic:
            queryset = queryset.filter(topics=self.topic)
        if self.statuses:
            queryset = queryset.filter(status__in=self.statuses)
        if self.due_from:
            queryset = queryset.filter(target_end__gte=self.due_from)
        if self.due_to:
            queryset = queryset.filter(target_start__lte=self.due_to)
        if self.text:
            queryset = queryset.filter(
                Q(title__icontains=self.text)
                | Q(summary__icontains=self.text)
                | Q(workstream__title__icontains=self.text)
            )
        return queryset


@dataclass
class Dashboard:
    matching: MilestoneQuerySet
    counts: dict[str, int]
    due_soon: list[Milestone]
    overdue: list[Milestone]
    recent_changes: list[MilestoneUpdate]
    timeline: list[Milestone]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def dashboard(*, filters: MilestoneFilter, today: datetime.date) -> Dashboard:
    """Return what the dashboard shows for ``filters``, in a fixed number of queries at any size.

    The lists are bounded; ``matching`` is left as a queryset for the caller to paginate.
    """
    # No list here shows a summary, the widest column (an agenda rule's abstract is kilobytes).
    matching = with_previous_target(filters.apply(milestones())).defer("summary", "summary_zh_hans")
    by_status = dict(
        filters.apply(Milestone.objects.all())
        .order_by()
        .values_list("status")
        .annotate(number=Count("id"))
    )
    horizon = today + datetime.timedelta(days=DUE_SOON_DAYS)
    recent = (
        updates()
        .filter(
            milestone__in=filters.apply(Milestone.objects.all()),
            kind__in=UpdateKind.news_values(),
        )
        .select_related("milestone__workstream__roadmap", "milestone__authority__jurisdiction")
    )
    return Dashboard(
        matching=matching,
        counts={status: by_status.get(status, 0) for status in Status.values},
        due_soon=list(matching.due_between(today, horizon)[:LIST_LIMIT]),
        overdue=list(matching.overdue(today).order_by("-target_end", "title")[:LIST_LIMIT]),
        recent_changes=list(recent[:RECENT_CHANGES]),
        timeline=_timeline(matching, today),
    )


def milestone_export(filters: MilestoneFilter) -> MilestoneQuerySet:
    """Return the milestones ``filters`` select, in the page's order, with their topics."""
    return filters.apply(milestones()).prefetch_related("topics")


def nearest_today(
    dated: MilestoneQuerySet, today: datetime.date, *, limit: int, ahead: int
) -> list[Milestone]:
    """Return at most ``limit`` of the dated milestones of ``dated`` nearest ``today``, by date:
    up to ``ahead`` of those due from today on, and the room they leave to the latest ones due
    before it, so a roadmap of any size draws (or a calendar holds) the same number."""
    shown_ahead = list(dated.filter(target_end__gte=today).order_by("target_end", "pk")[:ahead])
    past = dated.filter(target_end__lt=today).order_by("-target_end", "-pk")
    shown_past = list(past[: limit - len(shown_ahead)])
    return [*reversed(shown_past), *shown_ahead]


def _timeline(matching: MilestoneQuerySet, today: datetime.date) -> list[Milestone]:
    """Return the milestones the timeline draws: two thirds of its room for what is ahead, the
    rest for what has passed, then the first undated ones by title."""
    dated = nearest_today(
        matching, today, limit=TIMELINE_LIMIT, ahead=TIMELINE_LIMIT - TIMELINE_LIMIT // 3
    )
    undated = matching.filter(target_end__isnull=True).order_by("title")[:UNDATED_LIMIT]
    return [*dated, *undated]


def milestone_detail(slug: str) -> Milestone:
    """Return one milestone with its sources, dependencies both ways, topics, full history and
    its clock's terms with their triggers."""
    related = milestones()
    return (
        with_previous_target(milestones())
        .prefetch_related(
            "sources",
            "topics",
            Prefetch("clock_terms", queryset=ClockTerm.objects.select_related("trigger")),
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


def _milestone_counts(path: str) -> dict:
    """Annotations counting the milestones reached through ``path``, all and still open."""
    still_open = Q(**{f"{path}__status__in": Status.open_values()})
    return {
        "milestone_count": Count(path, distinct=True),
        "open_count": Count(path, filter=still_open, distinct=True),
    }


def roadmap_workstreams(roadmap: Roadmap) -> tuple[list[Workstream], int]:
    """Return the roadmap's first ``WORKSTREAMS_LISTED`` workstreams in order, and how many it
    has in all (counted only when there are more: an agenda edition has thousands)."""
    first = list(roadmap.workstreams.all()[: WORKSTREAMS_LISTED + 1])
    if len(first) <= WORKSTREAMS_LISTED:
        return first, len(first)
    return first[:WORKSTREAMS_LISTED], roadmap.workstreams.count()


def roadmap_index() -> QuerySet[Roadmap]:
    """Every roadmap with its lead authority and how many milestones it has, and how many open."""
    return (
        Roadmap.objects.select_related("authority__jurisdiction")
        .annotate(**_milestone_counts("workstreams__milestones"))
        .order_by("title")
    )


def jurisdiction_index() -> QuerySet[Jurisdiction]:
    """Every jurisdiction with its authorities and its milestone counts."""
    return (
        Jurisdiction.objects.prefetch_related(
            Prefetch("authorities", queryset=Authority.objects.order_by("acronym"))
        )
        .annotate(**_milestone_counts("authorities__milestones"))
        .order_by("name")
    )


def authority_index() -> QuerySet[Authority]:
    """Every authority, grouped by jurisdiction, with its milestone counts."""
    return (
        Authority.objects.select_related("jurisdiction")
        .annotate(**_milestone_counts("milestones"))
        .order_by("jurisdiction__name", "acronym")
    )


def topic_index() -> QuerySet[Topic]:
    """Every topic with its milestone counts."""
    return Topic.objects.annotate(**_milestone_counts("milestones"))


COMPARISON_CELL_LIMIT = 10


@dataclass
class ComparisonCell:
    """One jurisdiction's milestones on one topic: the first ``COMPARISON_CELL_LIMIT`` in the
    dashboard's order, and how many there are in all."""

    jurisdiction: Jurisdiction
    milestones: list[Milestone]
    total: int

    @property
    def more(self) -> int:
        return self.total - len(self.milestones)


@dataclass
class ComparisonRow:
    topic: Topic
    cells: list[ComparisonCell]


def comparison() -> tuple[list[Jurisdiction], list[ComparisonRow]]:
    """Return the jurisdictions (columns) and, per topic with milestones, each jurisdiction's
    cell, in four queries however many milestones there are: the database counts each cell's
    milestones and picks its first ones."""
    jurisdictions = list(Jurisdiction.objects.order_by("name"))
    topics = list(Topic.objects.all())
    cell = [F("topic_id"), F("milestone__authority__jurisdiction_id")]
    # The stubs' plugin does not see annotations on an auto-created through model's rows.
    first = list(
        Milestone.topics.through.objects.annotate(  # type: ignore[misc]
            place=cell[1],
            total=Window(Count("id"), partition_by=cell),
            rank=Window(
                RowNumber(),
                partition_by=cell,
                order_by=[
                    F("milestone__target_end").asc(nulls_last=True),
                    F("milestone__target_start").asc(),
                    F("milestone__title").asc(),
                ],
            ),
        )
        .filter(rank__lte=COMPARISON_CELL_LIMIT)
        .order_by("rank")
        .values_list("topic_id", "place", "milestone_id", "total")
    )
    found = Milestone.objects.in_bulk({milestone for _topic, _place, milestone, _total in first})
    shown: dict[tuple[int, int], list[Milestone]] = defaultdict(list)
    totals: dict[tuple[int, int], int] = {}
    for topic, place, milestone, total in first:
        shown[(topic, place)].append(found[milestone])
        totals[(topic, place)] = total
    rows = [
        ComparisonRow(
            topic=topic,
            cells=[
                ComparisonCell(
                    place, shown[(topic.pk, place.pk)], totals.get((topic.pk, place.pk), 0)
                )
                for place in jurisdictions
            ],
        )
        for topic in topics
        if any((topic.pk, place.pk) in totals for place in jurisdictions)
    ]
    return jurisdictions, rows


def scope_object(
    kind: str | None, key: str | None, roadmap: str | None = None
) -> Roadmap | Workstream | Jurisdiction | None:
    """Return the roadmap, workstream or jurisdiction a feed is about (``None``: everything)."""
    if kind == "roadmap":
        return get_object_or_404(Roadmap, slug=key)
    if kind == "workstream":
        return get_object_or_404(Workstream, roadmap__slug=roadmap, slug=key)
    if kind == "jurisdiction":
        return get_object_or_404(Jurisdiction, code=(key or "").upper())
    return None


def scope_filter(scope: Roadmap | Workstream | Jurisdiction | None) -> dict:
    """Return the ``Milestone`` lookups that select what ``scope`` covers."""
    if isinstance(scope, Roadmap):
        return {"workstream__roadmap": scope}
    if isinstance(scope, Workstream):
        return {"workstream": scope}
    if isinstance(scope, Jurisdiction):
        return {"authority__jurisdiction": scope}
    return {}


@dataclass
class MilestoneRelations:
    """Topics, sources and dependencies of some milestones, by milestone id."""

    topics: dict[int, list[str]]
    sources: dict[int, list[dict]]
    depends_on: dict[int, list[str]]
    needed_by: dict[int, list[str]]


def milestone_relations(ids: list[int]) -> MilestoneRelations:
    """Read the related rows of ``ids`` in three queries, as plain values (no model instances)."""
    relations = MilestoneRelations(
        defaultdict(list), defaultdict(list), defaultdict(list), defaultdict(list)
    )
    topics = Milestone.topics.through.objects.filter(milestone_id__in=ids).order_by("topic__slug")
    for milestone, slug in topics.values_list("milestone_id", "topic__slug"):
        relations.topics[milestone].append(slug)
    sources = Source.objects.filter(milestone_id__in=ids).order_by("id")
    for milestone, title, publisher, url, accessed in sources.values_list(
        "milestone_id", "title", "publisher", "url", "accessed_on"
    ):
        relations.sources[milestone].append(
            {
                "title": title,
                "publisher": publisher,
                "url": url,
                "accessed_on": accessed.isoformat() if accessed else None,
            }
        )
    links = Dependency.objects.filter(Q(milestone_id__in=ids) | Q(prerequisite_id__in=ids))
    for milestone, prerequisite, milestone_slug, prerequisite_slug in links.order_by(
        "id"
    ).values_list("milestone_id", "prerequisite_id", "milestone__slug", "prerequisite__slug"):
        relations.depends_on[milestone].append(prerequisite_slug)
        relations.needed_by[prerequisite].append(milestone_slug)
    return relations


@dataclass
class ClockView:
    """A milestone's clock with what it needs to be evaluated and read: each trigger's day,
    title and slug."""

    clock: clocks.Clock
    days: dict[int, datetime.date | None]
    names: dict[int, str]
    slugs: dict[int, str]

    @property
    def target(self) -> Target:
        return clocks.clock_target(self.clock, self.days)

    def words(self) -> str:
        return clocks.words(self.clock, self.names, self.days)

    def rule_text(self) -> str:
        """The rule in English, for the history's notes."""
        with translation.override("en"):
            return clocks.rule_words(self.clock, self.names)


def _clock_views(combines: dict[int, str], terms: Iterable[ClockTerm]) -> dict[int, ClockView]:
    views: dict[int, ClockView] = {}
    for term in terms:
        view = views.setdefault(
            term.milestone_id,
            ClockView(clocks.Clock(clocks.Combine(combines[term.milestone_id]), ()), {}, {}, {}),
        )
        view.clock = clocks.Clock(
            view.clock.combine,
            (
                *view.clock.terms,
                clocks.Term(term.trigger_id, term.offset, clocks.Unit(term.unit), term.on),
            ),
        )
        trigger = term.trigger
        if trigger is not None:
            view.days[trigger.pk] = clocks.trigger_day(
                completed=trigger.status == Status.COMPLETED,
                cancelled=trigger.status == Status.CANCELLED,
                actual_date=trigger.actual_date,
                target=trigger.target,
            )
            view.names[trigger.pk] = trigger.title
            view.slugs[trigger.pk] = trigger.slug
    return views


def milestone_clock(milestone: Milestone) -> ClockView | None:
    """Return the milestone's clock as stored now, or ``None`` if its target is a plain date."""
    terms = ClockTerm.objects.filter(milestone_id=milestone.pk).select_related("trigger")
    return clock_view(milestone, terms.order_by("id"))


def clock_view(milestone: Milestone, terms: Iterable[ClockTerm]) -> ClockView | None:
    """Return the clock of ``terms`` (the milestone's, with their triggers), or ``None``."""
    return _clock_views({milestone.pk: milestone.clock_combine}, terms).get(milestone.pk)


def milestone_clocks(milestones: list[Milestone]) -> dict[int, ClockView]:
    """Return the clocks of ``milestones`` by id, in one query."""
    combines = {milestone.pk: milestone.clock_combine for milestone in milestones}
    terms = ClockTerm.objects.filter(milestone_id__in=combines).select_related("trigger")
    return _clock_views(combines, terms.order_by("milestone_id", "id"))


def clock_edges(*, exclude: int | None = None) -> dict[int, set[int]]:
    """Map every clocked milestone (but ``exclude``) to the milestones its clock counts from."""
    edges: dict[int, set[int]] = defaultdict(set)
    rows = ClockTerm.objects.filter(trigger__isnull=False)
    if exclude is not None:
        rows = rows.exclude(milestone_id=exclude)
    for milestone, trigger in rows.values_list("milestone_id", "trigger_id"):
        edges[milestone].add(trigger)
    return edges


def forecast_histories(milestones: QuerySet[Milestone] | None = None) -> list[History]:
    """Every milestone's recorded history (or those of ``milestones``), as the forecasts and the
    backtest replay it."""
    updates = MilestoneUpdate.objects.all()
    if milestones is None:
        milestones = Milestone.objects.all()
    else:
        updates = updates.filter(milestone__in=milestones)
    histories = {
        pk: History(pk, authority, jurisdiction, step_of(title), actual)
        for pk, authority, jurisdiction, title, actual in milestones.values_list(
            "pk", "authority_id", "authority__jurisdiction_id", "title", "actual_date"
        ).iterator(chunk_size=5000)
    }
    for milestone, observation in _observations(updates):
        histories[milestone].observations.append(observation)
    return list(histories.values())


def _observations(updates: QuerySet[MilestoneUpdate]) -> Iterator[tuple[int, Observation]]:
    """Yield ``(milestone id, observation)`` for the entries of ``updates`` that set a target or
    a status, each milestone's in the order their sources published them."""
    entries = (
        updates.filter(Q(new_target__isnull=False) | ~Q(new_status=""))
        .order_by("milestone_id", "observed_at", "id")
        .values_list("milestone_id", "observed_at", "new_target", "new_status")
    )
    targets: dict[tuple, Target] = {}
    for milestone, observed, target, status in entries.iterator(chunk_size=5000):
        if target is not None:
            key = (target["precision"], target["start"], target["end"], target["qualifier"])
            target = targets.get(key) or targets.setdefault(key, Target.from_dict(target))
        yield milestone, Observation(timezone.localdate(observed), target, status)


@dataclass(frozen=True)
class ForecastFacts:
    """What a forecast of one milestone needs: its group facts, stratum and target's end."""

    milestone: int
    group: tuple[Facts, bool, bool]
    target_end: datetime.date


def forecast_facts(milestone: Milestone) -> ForecastFacts | None:
    """Return what forecasting ``milestone`` needs, or ``None`` if it is not open, listed and
    dated."""
    if not (milestone.is_open and milestone.is_listed and milestone.target.is_dated):
        return None
    history = History(
        milestone.pk,
        milestone.authority_id,
        milestone.authority.jurisdiction_id,
        step_of(milestone.title),
        milestone.actual_date,
    )
    updates = MilestoneUpdate.objects.filter(milestone_id=milestone.pk)
    history.observations = [observation for _pk, observation in _observations(updates)]
    return _facts(
        history, milestone.target_precision, milestone.target.span()[1], milestone.slip_count
    )


def forecast_facts_all(
    histories: list[History], milestones: MilestoneQuerySet | None = None
) -> list[ForecastFacts]:
    """Return what forecasting every open, listed, dated milestone (of ``milestones``, whose
    ``histories`` are given) needs."""
    by_id = {history.milestone: history for history in histories}
    current = (
        (Milestone.objects.all() if milestones is None else milestones)
        .open()
        .listed()
        .filter(target_end__isnull=False)
        .values_list("pk", "target_precision", "target_end", "slip_count")
    )
    return [
        _facts(by_id[pk], precision, end, slip_count)
        for pk, precision, end, slip_count in current.iterator(chunk_size=5000)
    ]


def _facts(history: History, precision: str, end: datetime.date, slip_count: int) -> ForecastFacts:
    """What forecasting the milestone of ``history`` needs, its stratum by the nightly rule
    (``state_on``), whether one milestone changed or all are refreshed."""
    state = state_on(history, None)
    group = Facts(history.authority, history.jurisdiction, history.step, precision)
    return ForecastFacts(
        history.milestone, (group, slip_count > 0, bool(state and state.aged)), end
    )


def _scorecard_rows(queryset: MilestoneQuerySet, *group: str) -> Iterator[tuple]:
    """Yield ``(group…, Record)`` for every milestone of ``queryset``, read in one query.

    Milestones alike in all a scorecard reads (a whole agenda edition has thousands with the same
    deadline and status) are counted in the database, one row for each kind, and their record
    yielded as many times.
    """
    rows = (
        queryset.order_by()
        .annotate(listed=ExpressionWrapper(Q(dropped_on__isnull=True), BooleanField()))
        .values_list(
            *group, "baseline__end", "baseline__qualifier", "status", "actual_date", "listed"
        )
        .annotate(alike=Count("id"))
    )
    for *key, end, qualifier, status, actual, listed, alike in rows:
        deadline = deadline_of({"end": end, "qualifier": qualifier})
        record = Record(deadline, status, actual, listed)
        for _ in range(alike):
            yield (*key, record)


def authority_scorecard(authority: Authority, today: datetime.date) -> Scorecard:
    """Return the authority's scorecard as known on ``today``, in one query."""
    records = (record for (record,) in _scorecard_rows(authority.milestones.all()))
    return scorecard(records, today)


def jurisdiction_scorecard(jurisdiction: Jurisdiction, today: datetime.date) -> Scorecard:
    """Return the scorecard of every milestone of the jurisdiction's authorities, in one query."""
    queryset = Milestone.objects.filter(authority__jurisdiction=jurisdiction)
    return scorecard((record for (record,) in _scorecard_rows(queryset)), today)


def jurisdiction_scorecards(today: datetime.date) -> dict[int, Scorecard]:
    """Return every jurisdiction's scorecard by its id, in one query."""
    rows = _scorecard_rows(Milestone.objects.all(), "authority__jurisdiction_id")
    return scorecards(rows, today)
