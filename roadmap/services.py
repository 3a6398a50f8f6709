"""The only way a milestone changes: each function records the history in the same transaction.

The admin, the API, the importers and the management commands all call these, so a slip is a slip
whichever door it came through.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Field, Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from roadmap import selectors
from roadmap.cache import bump_content_version, one_bump_for_many_changes
from roadmap.forecasts import clocks
from roadmap.forecasts import forecast as forecasting
from roadmap.forecasts.history import snapshots
from roadmap.models import (
    TRACKED_COLUMNS,
    Authority,
    ClockTerm,
    Dependency,
    Forecast,
    ForecastGroup,
    LegalDeadline,
    Milestone,
    MilestoneUpdate,
    Source,
    Status,
    Topic,
    UpdateKind,
    Workstream,
)
from roadmap.targets import Target

# Fields a caller may change freely; status, target and progress go into the history.
DESCRIPTIVE_FIELDS = (
    "title",
    "title_zh_hans",
    "slug",
    "summary",
    "summary_zh_hans",
    "workstream",
    "authority",
    "confidence",
    "legal_deadline",
)
TRACKED_FIELDS = ("status", "target", "progress", "actual_date")


def unique_milestone_slug(title: str, *, exclude_pk: int | None = None) -> str:
    """Return a slug for ``title`` that no other milestone has."""
    base = slugify(title, allow_unicode=False)[:100].strip("-") or "milestone"
    slug, number = base, 2
    taken = Milestone.objects.all()
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    while taken.filter(slug=slug).exists():
        slug = f"{base}-{number}"
        number += 1
    return slug


@dataclass
class _NewMilestone:
    """A milestone built and checked, with its sources and first history entry, none saved."""

    milestone: Milestone
    topics: list[Topic]
    sources: list[Source]
    created: MilestoneUpdate


def _new_milestone(
    *,
    workstream: Workstream,
    authority: Authority,
    title: str,
    title_zh_hans: str = "",
    slug: str = "",
    summary: str = "",
    summary_zh_hans: str = "",
    status: str = Status.PLANNED,
    progress: int = 0,
    confidence: str = Milestone._meta.get_field("confidence").default,
    legal_deadline: str = LegalDeadline.NONE,
    target: Target | None = None,
    actual_date: datetime.date | None = None,
    topics: Iterable[Topic] = (),
    sources: Iterable[dict] = (),
    by: User | None = None,
    note: str = "",
    at: datetime.datetime | None = None,
    observed_at: datetime.datetime | None = None,
    check_slug: bool = True,
    checked_sources: set[tuple] | None = None,
) -> _NewMilestone:
    at = at or timezone.now()
    if status == Status.COMPLETED:
        actual_date = actual_date or timezone.localdate(at)
        progress = 100
    milestone = Milestone(
        workstream=workstream,
        authority=authority,
        title=title,
        title_zh_hans=title_zh_hans,
        slug=slug or unique_milestone_slug(title),
        summary=summary,
        summary_zh_hans=summary_zh_hans,
        status=status,
        progress=progress,
        confidence=confidence,
        legal_deadline=legal_deadline,
        actual_date=actual_date,
        created_at=at,
        updated_at=at,
    )
    milestone.target = target or Target.undated()
    if milestone.target.is_dated:
        milestone.baseline = milestone.target.as_dict()
    # clean() gives the constraints' messages; asking the database to check each CheckConstraint
    # again costs a query apiece (most of an import's time), and it enforces them on save anyway.
    # The workstream and authority are stored objects: no query needs to say they exist.
    milestone.full_clean(
        exclude=["workstream", "authority"],
        validate_unique=check_slug,
        validate_constraints=False,
    )
    checked = set() if checked_sources is None else checked_sources
    built_sources = [_checked_source(milestone, fields, checked) for fields in sources]
    created = MilestoneUpdate(
        milestone=milestone,
        kind=UpdateKind.CREATED,
        recorded_at=at,
        observed_at=observed_at or at,
        recorded_by=by,
        note=note,
        new_status=milestone.status,
        new_target=milestone.target.as_dict(),
        new_progress=milestone.progress,
    )
    return _NewMilestone(milestone, list(topics), built_sources, created)


@transaction.atomic
def milestone_create(**fields: Any) -> Milestone:
    """Create a milestone with its sources and the first entry of its history.

    ``fields`` are the milestone's (workstream, authority, title, slug, summary, status,
    progress, confidence, legal_deadline, target, actual_date, the Chinese title and summary),
    its ``topics``, its ``sources`` (dicts of Source fields), and who recorded it (``by``),
    why (``note``), when (``at``) and when its source published it (``observed_at``, which
    defaults to the time of recording).
    """
    new = _new_milestone(**fields)
    new.milestone.save()
    new.milestone.topics.set(new.topics)
    for source in new.sources:
        source.milestone = new.milestone
        source.save()
    new.created.milestone = new.milestone
    new.created.source = new.sources[0] if new.sources else None
    new.created.save()
    forecast_refresh(milestone=new.milestone)
    return new.milestone


@transaction.atomic
def milestones_create(*, milestones: Sequence[Mapping[str, Any]]) -> list[Milestone]:
    """Create many milestones at once (``milestones``: each one's ``milestone_create`` fields),
    with the same rows ``milestone_create`` writes, in a few statements: for importers. Their
    slugs must be free; the database refuses a taken one (no query per slug asks first)."""
    checked: set[tuple] = set()
    built = [
        _new_milestone(**fields, check_slug=False, checked_sources=checked) for fields in milestones
    ]
    if not built:
        return []
    Milestone.objects.bulk_create([new.milestone for new in built])
    Milestone.topics.through.objects.bulk_create(
        [
            Milestone.topics.through(milestone_id=new.milestone.pk, topic_id=topic.pk)
            for new in built
            for topic in new.topics
        ]
    )
    for new in built:
        for source in new.sources:
            source.milestone = new.milestone
    Source.objects.bulk_create([source for new in built for source in new.sources])
    for new in built:
        new.created.milestone = new.milestone
        new.created.source = new.sources[0] if new.sources else None
    MilestoneUpdate.objects.bulk_create([new.created for new in built])
    bump_content_version()  # bulk_create sends no save signal
    with bulk_changes():  # their forecasts together, at the end (or the enclosing block's)
        for new in built:
            forecast_refresh(milestone=new.milestone)
    return [new.milestone for new in built]


def source_add(
    *,
    milestone: Milestone,
    title: str,
    publisher: str,
    url: str = "",
    accessed_on: datetime.date | None = None,
) -> Source:
    source = Source(
        milestone=milestone, title=title, publisher=publisher, url=url, accessed_on=accessed_on
    )
    source.full_clean()
    source.save()
    return source


def source_change(
    *,
    source: Source,
    title: str,
    publisher: str,
    url: str = "",
    accessed_on: datetime.date | None = None,
) -> Source:
    """Correct a source's title, publisher, address or the day it was read; return it stored."""
    stored = Source.objects.get(pk=source.pk)
    stored.title, stored.publisher, stored.url = title, publisher, url
    stored.accessed_on = accessed_on
    stored.full_clean()
    stored.save()
    return stored


def source_remove(*, source: Source) -> None:
    """Remove a source recorded by mistake; history entries that cited it keep their note."""
    Source.objects.filter(pk=source.pk).delete()


@transaction.atomic
def milestone_record_update(
    *,
    milestone: Milestone,
    by: User | None = None,
    note: str = "",
    source: Source | None = None,
    at: datetime.datetime | None = None,
    observed_at: datetime.datetime | None = None,
    topics: Iterable[Topic] | None = None,
    **changes: Any,
) -> Milestone:
    """Apply ``changes`` to the stored milestone and record what they changed.

    ``changes`` may name the descriptive fields (title, summary, workstream, …) and the tracked
    ones (status, target, progress, actual_date); only the tracked ones enter the history.
    ``topics``, when given, replace its topics: a descriptive change, like its title. A
    change to a later target is a slip and is counted. Completing a milestone sets its progress to
    100 and its actual date to today unless one is given. A change that changes nothing and has no
    note records nothing. ``observed_at`` is when the source published the change (default: now).

    A milestone whose target is a clock takes no other target. When the target, status or actual
    date of a milestone moves, every open milestone whose clock counts from it is recomputed in
    the same transaction, each recorded with the cause. Return the milestone as stored.
    """
    stored = Milestone.objects.select_for_update().get(pk=milestone.pk)
    if "target" in changes:
        _check_clock_allows(stored, changes["target"])
    at = at or timezone.now()
    applied = _apply_changes(
        stored, changes, note=note, source=source, by=by, at=at, observed_at=observed_at
    )
    new_topics = None if topics is None else list(topics)
    if new_topics is not None and {topic.pk for topic in new_topics} == set(
        stored.topics.values_list("pk", flat=True)
    ):
        new_topics = None  # the topics it has: no change
    if applied is None and new_topics is None:
        return stored
    stored.updated_at = at
    stored.save(recorded=True)
    if new_topics is not None:
        stored.topics.set(new_topics)
    if applied is not None and applied.entry is not None:
        applied.entry.save()
    if applied is not None and applied.moved:
        _recompute_clocked(stored, applied.before_status, by=by, at=at, observed_at=observed_at)
    forecast_refresh(milestone=stored)
    return stored


@dataclass(frozen=True)
class Change:
    """A change for ``milestones_record_update`` to record: ``milestone_record_update``'s
    arguments, and the sources it cites (``Source`` fields), added first; the last one is cited
    by the history entry."""

    milestone: Milestone
    changes: Mapping[str, Any]
    note: str = ""
    sources: Sequence[Mapping[str, Any]] = ()
    observed_at: datetime.datetime | None = None


@transaction.atomic
def milestones_record_update(*, changes: Sequence[Change]) -> None:
    """Record many changes at once, each exactly as ``milestone_record_update`` records it (the
    same fields, sources and history entries) but in a few statements: for importers.

    A milestone whose target is a clock, or that a clock counts from, is changed one at a time
    through ``milestone_record_update``, which checks and moves the clocks.
    """
    if not changes:
        return
    at = timezone.now()
    ids = {change.milestone.pk for change in changes}
    clocked: set[int | None] = set()
    for pair in ClockTerm.objects.filter(
        Q(milestone_id__in=ids) | Q(trigger_id__in=ids)
    ).values_list("milestone_id", "trigger_id"):
        clocked.update(pair)
    stored = Milestone.objects.select_for_update().in_bulk(ids - clocked)
    sources: list[Source] = []
    entries: list[MilestoneUpdate] = []
    changed: dict[int, Milestone] = {}
    fields: set[str] = set()
    checked: set[tuple] = set()
    for change in changes:
        cited = [_checked_source(change.milestone, cite, checked) for cite in change.sources]
        if change.milestone.pk in clocked:
            for source in cited:
                source.save()
            milestone_record_update(
                milestone=change.milestone,
                note=change.note,
                source=cited[-1] if cited else None,
                at=at,
                observed_at=change.observed_at,
                **change.changes,
            )
            continue
        sources += cited
        milestone = stored[change.milestone.pk]
        applied = _apply_changes(
            milestone,
            change.changes,
            note=change.note,
            source=cited[-1] if cited else None,
            by=None,
            at=at,
            observed_at=change.observed_at,
        )
        if applied is not None:
            changed[milestone.pk] = milestone
            fields |= applied.fields
            if applied.entry is not None:
                entries.append(applied.entry)
    Source.objects.bulk_create(sources)
    _save_columns(list(changed.values()), sorted(fields))
    MilestoneUpdate.objects.bulk_create(entries)
    bump_content_version()  # bulk writes send no save signal
    with bulk_changes():  # their forecasts together, at the end (or the enclosing block's)
        for milestone in changed.values():
            forecast_refresh(milestone=milestone)


def _save_columns(milestones: list[Milestone], names: list[str]) -> None:
    """Write the fields ``names`` of each of ``milestones`` with one UPDATE statement run for
    them all (the driver pipelines it): ``bulk_update`` builds a CASE per row and field, which
    costs seconds for a thousand milestones."""
    if not milestones or not names:
        return
    fields = [Milestone._meta.get_field(name) for name in names]
    columns = [field for field in fields if isinstance(field, Field) and field.column]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(str(field.column))} = %s" for field in columns)
    rows = [
        [field.get_db_prep_save(getattr(milestone, field.attname), connection) for field in columns]
        + [milestone.pk]
        for milestone in milestones
    ]
    table = quote(Milestone._meta.db_table)
    with connection.cursor() as cursor:
        # Only the model's own table and column names, quoted, are written into the statement.
        cursor.executemany(f"UPDATE {table} SET {assignments} WHERE id = %s", rows)  # noqa: S608


def _checked_source(milestone: Milestone, fields: Mapping[str, Any], checked: set[tuple]) -> Source:
    """A source of ``milestone`` (stored, or built beside it: no query asks whether it exists)
    with ``fields``, validated unless ``checked`` holds the same fields: a source many milestones
    cite (an agenda edition's page of a rule cites all its rows) is checked once."""
    source = Source(milestone=milestone, **fields)
    key = tuple(sorted(fields.items()))
    if key not in checked:
        source.full_clean(exclude=["milestone"])
        checked.add(key)
    return source


# Every column ``_apply_changes`` may write.
_APPLIED_FIELDS = (
    *DESCRIPTIVE_FIELDS,
    *TRACKED_COLUMNS,
    "slip_days",
    "slip_count",
    "baseline",
    "updated_at",
)
_APPLIED_COLUMNS = [
    (field.name, field.attname)
    for field in Milestone._meta.concrete_fields
    if field.name in _APPLIED_FIELDS
]


@dataclass
class _Applied:
    """What ``_apply_changes`` made of a stored milestone: its history entry to save (if the
    change is recorded) and whether clocks counting from it must move."""

    before_status: str
    entry: MilestoneUpdate | None
    moved: bool
    fields: set[str]  # the columns it changed


def _apply_changes(
    stored: Milestone,
    changes: Mapping[str, Any],
    *,
    note: str,
    source: Source | None,
    by: User | None,
    at: datetime.datetime,
    observed_at: datetime.datetime | None,
) -> _Applied | None:
    """Apply ``changes`` to ``stored`` (unsaved) and build the history entry recording them.

    Return None if they change nothing and there is no note; raise ValidationError for a change
    that leaves the milestone invalid."""
    unknown = set(changes) - set(DESCRIPTIVE_FIELDS) - set(TRACKED_FIELDS)
    if unknown:
        raise TypeError(f"milestone_record_update() got unknown fields: {sorted(unknown)}")
    before_status, before_target, before_progress = stored.status, stored.target, stored.progress
    before_actual = stored.actual_date
    before = _applied_values(stored)

    for field in DESCRIPTIVE_FIELDS:
        if field in changes:
            setattr(stored, field, changes[field])
    new_status = changes.get("status", stored.status)
    Status.check_transition(before_status, new_status)
    stored.status = new_status
    if "target" in changes:
        stored.target = changes["target"]
    if "progress" in changes:
        stored.progress = changes["progress"]
    if "actual_date" in changes:
        stored.actual_date = changes["actual_date"]
    if new_status == Status.COMPLETED and before_status != Status.COMPLETED:
        stored.actual_date = stored.actual_date or timezone.localdate(at)
        if "progress" not in changes:
            stored.progress = 100

    status_changed = stored.status != before_status
    target_changed = not stored.target.same_dates(before_target)
    progress_changed = stored.progress != before_progress
    slip = before_target.slip_days(stored.target) if target_changed else None
    if slip:
        stored.slip_days += slip
        if slip > 0:
            stored.slip_count += 1
    if stored.baseline is None and stored.target.is_dated:
        stored.baseline = stored.target.as_dict()

    # The workstream and authority are stored objects (see _new_milestone); the constraints are
    # the database's to enforce.
    exclude = ["workstream", "authority"] + ([] if "slug" in changes else ["slug"])
    stored.full_clean(exclude=exclude, validate_constraints=False)
    tracked = status_changed or target_changed or progress_changed
    if not (tracked or note or any(f in changes for f in DESCRIPTIVE_FIELDS)):
        return None
    stored.updated_at = at
    entry = None
    if tracked or note:
        entry = MilestoneUpdate(
            milestone=stored,
            kind=UpdateKind.CHANGED if tracked else UpdateKind.NOTE,
            recorded_at=at,
            observed_at=observed_at or at,
            recorded_by=by,
            source=source,
            note=note,
            old_status=before_status if status_changed else "",
            new_status=stored.status if status_changed else "",
            old_target=before_target.as_dict() if target_changed else None,
            new_target=stored.target.as_dict() if target_changed else None,
            slip_days=slip,
            old_progress=before_progress if progress_changed else None,
            new_progress=stored.progress if progress_changed else None,
        )
    moved = target_changed or status_changed or stored.actual_date != before_actual
    after = _applied_values(stored)
    fields = {name for name, value in after.items() if value != before[name]}
    return _Applied(before_status, entry, moved, fields)


def _applied_values(milestone: Milestone) -> dict[str, Any]:
    return {name: getattr(milestone, attname) for name, attname in _APPLIED_COLUMNS}


def _check_clock_allows(milestone: Milestone, target: Target) -> None:
    clock = selectors.milestone_clock(milestone)
    if clock is not None and not clock.target.same_dates(target):
        raise ValidationError(
            {
                "target": _("Its target is set by its clock (%(clock)s): change the clock instead.")
                % {"clock": clock.words()}
            },
            code="clocked",
        )


def _recompute_clocked(trigger: Milestone, before_status: str, **record: Any) -> None:
    """Recompute the targets of the open milestones whose clocks count from ``trigger``."""
    if trigger.status == Status.COMPLETED and before_status != Status.COMPLETED:
        cause = f"Moved because {trigger.title} completed on {trigger.actual_date}."
    elif trigger.status == Status.CANCELLED:
        cause = f"Moved because {trigger.title} was cancelled."
    else:
        cause = f"Moved because {trigger.title} moved to {trigger.target.as_text()}."
    dependents = Milestone.objects.filter(clock_terms__trigger=trigger).open().distinct()
    for dependent in dependents.order_by("pk"):
        clock = selectors.milestone_clock(dependent)
        if clock is not None and not clock.target.same_dates(dependent.target):
            milestone_record_update(milestone=dependent, target=clock.target, note=cause, **record)


@transaction.atomic
def milestone_set_clock(
    *,
    milestone: Milestone,
    terms: Sequence[clocks.Term],
    combine: str = clocks.Combine.EARLIER,
    by: User | None = None,
    note: str = "",
    at: datetime.datetime | None = None,
) -> Milestone:
    """Make the milestone's target the clock of ``terms`` (none: no clock) and record it.

    Refuse a term that is neither an offset after an existing milestone nor a fixed date, and a
    clock that would count, directly or not, from the milestone itself.
    """
    stored = Milestone.objects.select_for_update().get(pk=milestone.pk)
    rows = [
        ClockTerm(milestone=stored, trigger_id=t.after, offset=t.offset, unit=t.unit, on=t.on)
        for t in terms
    ]
    messages = []
    for row in rows:
        try:
            row.full_clean()
        except ValidationError as error:
            messages.extend(error.messages)
    if messages:
        raise ValidationError({"clock": messages}, code="invalid")
    triggers = {row.trigger_id for row in rows if row.trigger_id}
    if clocks.creates_cycle(stored.pk, triggers, selectors.clock_edges(exclude=stored.pk)):
        raise ValidationError(
            {
                "clock": _(
                    "That clock would make a loop: it counts from a milestone that counts "
                    "from this one."
                )
            },
            code="cycle",
        )
    ClockTerm.objects.filter(milestone=stored).delete()
    ClockTerm.objects.bulk_create(rows)
    stored.clock_combine = clocks.Combine(combine)
    stored.save(update_fields=["clock_combine"])
    clock = selectors.milestone_clock(stored)
    if clock is None:
        return stored
    return milestone_record_update(
        milestone=stored,
        target=clock.target,
        note=note or f"Target set by its clock: {clock.rule_text()}.",
        by=by,
        at=at,
    )


# Past this many changed milestones, a bulk change refreshes every forecast in one pass.
REFRESH_ALL_AFTER = 1000
_forecasts_deferred: ContextVar[set[int] | None] = ContextVar("forecasts_deferred", default=None)


@contextmanager
def bulk_changes() -> Iterator[None]:
    """Within the block, changed milestones are forecast again, and cached pages made stale,
    once at its end rather than at each change: for importers, which change thousands."""
    if _forecasts_deferred.get() is not None:
        yield
        return
    token = _forecasts_deferred.set(set())
    with one_bump_for_many_changes():
        try:
            yield
        finally:
            changed = _forecasts_deferred.get() or set()
            _forecasts_deferred.reset(token)
        if len(changed) > REFRESH_ALL_AFTER:
            forecasts_refresh()  # one pass over all history beats thousands of single ones
            return
        if changed:
            _forecasts_refresh_some(changed)


def _forecasts_refresh_some(pks: set[int]) -> None:
    """Forecast the milestones ``pks`` again from the stored groups, as ``forecast_refresh``
    forecasts one, in a few queries for them all."""
    now = timezone.now()
    milestones = Milestone.objects.filter(pk__in=pks)
    every_facts = selectors.forecast_facts_all(selectors.forecast_histories(milestones), milestones)
    keys = {key for facts in every_facts for key, *_rest in forecasting.group_keys(*facts.group)}
    curves = {
        group.key: forecasting.Curve.from_json(
            group.curve, sample_size=group.sample_size, outcomes=group.outcomes
        )
        for group in ForecastGroup.objects.filter(key__in=keys)
    }
    previous = {forecast.pk: forecast for forecast in Forecast.objects.filter(milestone__in=pks)}
    rows = [
        _forecast_row(facts, curves, timezone.localdate(now), now, previous.get(facts.milestone))
        for facts in every_facts
    ]
    Forecast.objects.filter(milestone__in=pks).delete()
    Forecast.objects.bulk_create(rows, batch_size=2000)


def forecast_refresh(*, milestone: Milestone, now: datetime.datetime | None = None) -> None:
    """Forecast one milestone from the stored groups (after it changed); drop it if not open."""
    deferred = _forecasts_deferred.get()
    if deferred is not None:
        deferred.add(milestone.pk)
        return
    now = now or timezone.now()
    facts = selectors.forecast_facts(milestone)
    if facts is None:
        Forecast.objects.filter(milestone_id=milestone.pk).delete()
        return
    keys = [key for key, *_rest in forecasting.group_keys(*facts.group)]
    curves = {
        group.key: forecasting.Curve.from_json(
            group.curve, sample_size=group.sample_size, outcomes=group.outcomes
        )
        for group in ForecastGroup.objects.filter(key__in=keys)
    }
    previous = Forecast.objects.filter(milestone_id=milestone.pk).first()
    forecast = _forecast_row(facts, curves, timezone.localdate(now), now, previous)
    forecast.save()


@transaction.atomic
def forecasts_refresh(*, now: datetime.datetime | None = None) -> int:
    """Rebuild every group's curve from the whole history and forecast every open, dated,
    listed milestone from them; return how many forecasts were written."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    histories = selectors.forecast_histories()
    curves = forecasting.curves(snapshots(histories, today))
    ForecastGroup.objects.all().delete()
    ForecastGroup.objects.bulk_create(
        [
            ForecastGroup(
                key=key,
                sample_size=curve.sample_size,
                outcomes=curve.outcomes,
                curve=curve.as_json(),
                computed_at=now,
            )
            for key, curve in curves.items()
        ],
        batch_size=2000,
    )
    previous = {
        f.pk: f for f in Forecast.objects.only("milestone_id", "p80", "target_end", "late_since")
    }
    rows = [
        _forecast_row(facts, curves, today, now, previous.get(facts.milestone))
        for facts in selectors.forecast_facts_all(histories)
    ]
    Forecast.objects.all().delete()
    Forecast.objects.bulk_create(rows, batch_size=2000)
    bump_content_version()
    return len(rows)


def _forecast_row(
    facts: selectors.ForecastFacts,
    curves: Mapping[str, forecasting.Curve],
    today: datetime.date,
    now: datetime.datetime,
    previous: Forecast | None,
) -> Forecast:
    result = forecasting.forecast(
        facts=facts.group[0],
        target_end=facts.target_end,
        slipped=facts.group[1],
        aged=facts.group[2],
        today=today,
        curves=curves,
    )
    late = result.p80 is not None and result.p80 > facts.target_end
    late_since = previous.late_since if previous is not None else None
    return Forecast(
        milestone_id=facts.milestone,
        p50=result.p50,
        p80=result.p80,
        target_end=facts.target_end,
        sample_size=result.sample_size,
        outcomes=result.outcomes,
        level=result.level,
        step=result.step,
        slipped=result.slipped,
        aged=result.aged,
        late_since=(late_since or now) if late else None,
        computed_at=now,
    )


def milestone_change_status(
    *,
    milestone: Milestone,
    status: str,
    by: User | None = None,
    note: str = "",
    actual_date: datetime.date | None = None,
) -> Milestone:
    changes: dict[str, Any] = {"status": status}
    if actual_date is not None:
        changes["actual_date"] = actual_date
    return milestone_record_update(milestone=milestone, by=by, note=note, **changes)


def milestone_move_target(
    *,
    milestone: Milestone,
    target: Target,
    by: User | None = None,
    note: str = "",
    source: Source | None = None,
) -> Milestone:
    return milestone_record_update(
        milestone=milestone, by=by, note=note, source=source, target=target
    )


def milestone_shift_target(
    *, milestone: Milestone, days: int, by: User | None = None, note: str = ""
) -> Milestone:
    """Move the target ``days`` later (or earlier if negative), keeping its precision."""
    return milestone_move_target(
        milestone=milestone, target=milestone.target.shifted(days), by=by, note=note
    )


def milestone_set_progress(
    *, milestone: Milestone, progress: int, by: User | None = None, note: str = ""
) -> Milestone:
    return milestone_record_update(milestone=milestone, by=by, note=note, progress=progress)


@transaction.atomic
def milestone_drop(
    *,
    milestone: Milestone,
    on: datetime.date,
    note: str,
    source: Source | None = None,
    at: datetime.datetime | None = None,
    observed_at: datetime.datetime | None = None,
) -> Milestone:
    """Record that the milestone's source stopped listing it on ``on`` (``note`` says where).

    A dropped milestone keeps its status and target but is never overdue; it is news, shown in
    the history, the feeds, the API and the digests. Dropping one already dropped does nothing.
    """
    return _set_listing(milestone, on, UpdateKind.DROPPED, note, source, at, observed_at)


@transaction.atomic
def milestone_relist(
    *,
    milestone: Milestone,
    note: str,
    source: Source | None = None,
    at: datetime.datetime | None = None,
    observed_at: datetime.datetime | None = None,
) -> Milestone:
    """Record that the milestone's source lists it again. Relisting a listed one does nothing."""
    return _set_listing(milestone, None, UpdateKind.RELISTED, note, source, at, observed_at)


def _set_listing(
    milestone: Milestone,
    dropped_on: datetime.date | None,
    kind: str,
    note: str,
    source: Source | None,
    at: datetime.datetime | None,
    observed_at: datetime.datetime | None,
) -> Milestone:
    at = at or timezone.now()
    stored = Milestone.objects.select_for_update().get(pk=milestone.pk)
    if (stored.dropped_on is None) == (dropped_on is None):
        return stored
    stored.dropped_on = dropped_on
    stored.updated_at = at
    stored.save(update_fields=["dropped_on", "updated_at"])
    MilestoneUpdate.objects.create(
        milestone=stored,
        kind=kind,
        recorded_at=at,
        observed_at=observed_at or at,
        source=source,
        note=note,
    )
    return stored


@transaction.atomic
def milestone_add_dependency(*, milestone: Milestone, prerequisite: Milestone) -> Dependency:
    """Record that ``milestone`` depends on ``prerequisite``; refuse loops."""
    dependency = Dependency(milestone=milestone, prerequisite=prerequisite)
    dependency.full_clean()
    dependency.save()
    return dependency


def milestone_remove_dependency(*, milestone: Milestone, prerequisite: Milestone) -> None:
    """Record that ``milestone`` no longer depends on ``prerequisite``."""
    Dependency.objects.filter(milestone=milestone, prerequisite=prerequisite).delete()
