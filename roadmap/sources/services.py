"""Every write of the watches: adding one, running one, and deciding a suggestion.

A run's lock is its record: ``watch_run`` inserts the watch's one "running" row (a unique
constraint) before it fetches anything, so a second beat, worker or command at the same moment
finds it taken and imports nothing. A run that died holding it is declared abandoned after
``ABANDONED_AFTER``.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable, Sequence
from urllib.parse import urlsplit

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from roadmap import services as roadmap_services
from roadmap.cache import bump_content_version
from roadmap.importers.report import ImportFailed
from roadmap.models import Milestone, MilestoneUpdate
from roadmap.sources import federal_register, feeds, unified_agenda
from roadmap.sources.fetch import FetchError
from roadmap.sources.models import (
    RunState,
    Suggestion,
    SuggestionState,
    Watch,
    WatchKind,
    WatchRun,
)
from roadmap.sources.runs import Run, SourceError

ABANDONED_AFTER = datetime.timedelta(hours=2)
RUNNERS: dict[str, Callable[[Run], None]] = {
    WatchKind.FEDERAL_REGISTER: federal_register.run_watch,
    WatchKind.UNIFIED_AGENDA: unified_agenda.run_watch,
    WatchKind.FEED: feeds.run_watch,
}
logger = logging.getLogger(__name__)


def _unique_name(kind: str, url: str) -> str:
    host = (urlsplit(url).hostname or "").replace(".", " ")
    base = slugify(f"{kind} {host}")[:90] or kind
    name, number = base, 2
    while Watch.objects.filter(name=name).exists():
        name, number = f"{base}-{number}", number + 1
    return name


def watch_add(
    *,
    kind: str,
    url: str,
    name: str = "",
    every_minutes: int = 360,
    agencies: Sequence[str] = (),
    term: str = "",
    document_types: Sequence[str] = (),
    since: datetime.date | None = None,
    enabled: bool = True,
) -> Watch:
    """Create a watch, named from its kind and host unless ``name`` is given."""
    watch = Watch(
        name=name or _unique_name(kind, url),
        kind=kind,
        url=url,
        every_minutes=every_minutes,
        agencies=" ".join(agencies),
        term=term,
        document_types=" ".join(document_types),
        since=since,
        enabled=enabled,
    )
    watch.full_clean()
    watch.save()
    return watch


def _claim(watch: Watch, now: datetime.datetime) -> WatchRun | None:
    """Take the watch's lock as its running record, or return None if another run holds it."""
    WatchRun.objects.filter(
        watch=watch, state=RunState.RUNNING, started_at__lt=now - ABANDONED_AFTER
    ).update(state=RunState.FAILED, finished_at=now, errors=["abandoned: the run never finished"])
    try:
        with transaction.atomic():
            return WatchRun.objects.create(watch=watch, started_at=now)
    except IntegrityError:
        return None


def watch_run(*, watch: Watch, dry_run: bool = False) -> WatchRun:
    """Run ``watch`` now and return its record.

    A dry run fetches and reports what would be imported, and writes nothing, not even its record.
    If another run of the watch is in progress, nothing is fetched and the (unsaved) record says
    so.
    """
    now = timezone.now()
    record = WatchRun(watch=watch, started_at=now) if dry_run else _claim(watch, now)
    if record is None:
        busy = WatchRun(watch=watch, started_at=now, finished_at=now, state=RunState.FAILED)
        busy.errors = [f"{watch.name}: another run is in progress; nothing was fetched"]
        return busy
    run = Run(watch, record, dry_run=dry_run)
    try:
        RUNNERS[watch.kind](run)
    except (FetchError, SourceError, ImportFailed) as error:
        record.state = RunState.FAILED
        run.error(str(error))
    except Exception as error:
        logger.exception("watch %s: run %s failed", watch.name, record.pk)
        record.state = RunState.FAILED
        run.error(f"unexpected error: {error!r}")
    else:
        record.state = RunState.OK
    record.finished_at = timezone.now()
    if dry_run:
        return record
    _finish(watch, record)
    return record


def _finish(watch: Watch, record: WatchRun) -> None:
    fields = [f.name for f in WatchRun._meta.concrete_fields if f.name not in ("id", "watch")]
    with transaction.atomic():
        values = {name: getattr(record, name) for name in fields}
        # Compare-and-set: a run declared abandoned meanwhile keeps that verdict.
        WatchRun.objects.filter(pk=record.pk, state=RunState.RUNNING).update(**values)
        updates: dict[str, object] = {
            "next_run_at": record.started_at + datetime.timedelta(minutes=watch.every_minutes)
        }
        if record.state == RunState.OK:
            updates.update(cursor=watch.cursor, etag=watch.etag, last_modified=watch.last_modified)
        Watch.objects.filter(pk=watch.pk).update(**updates)
        # The pages say when the sources were last checked: render them afresh.
        transaction.on_commit(bump_content_version)
    logger.info("%s", record.summary())


@transaction.atomic
def suggestion_accept(
    *,
    suggestion: Suggestion,
    milestone: Milestone,
    by: User | None,
    note: str = "",
    **changes,
) -> MilestoneUpdate:
    """Record the change the item reports on ``milestone``, citing the item as its source."""
    stored = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
    if stored.state != SuggestionState.NEW:
        raise ValidationError(_("This suggestion has already been decided."), code="decided")
    source = roadmap_services.source_add(
        milestone=milestone,
        title=stored.title[:300],
        publisher=stored.watch.name,
        url=stored.url,
        accessed_on=timezone.localdate(),
    )
    roadmap_services.milestone_record_update(
        milestone=milestone, by=by, note=note or stored.title, source=source, **changes
    )
    update = MilestoneUpdate.objects.filter(milestone=milestone, source=source).latest("pk")
    stored.state = SuggestionState.ACCEPTED
    stored.decided_at, stored.decided_by, stored.update = timezone.now(), by, update
    stored.save(update_fields=["state", "decided_at", "decided_by", "update"])
    return update


def suggestion_dismiss(*, suggestion: Suggestion, by: User | None) -> bool:
    """Dismiss ``suggestion`` if it is still to review; return whether it was."""
    return bool(
        Suggestion.objects.filter(pk=suggestion.pk, state=SuggestionState.NEW).update(
            state=SuggestionState.DISMISSED, decided_at=timezone.now(), decided_by=by
        )
    )
