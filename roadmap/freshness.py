"""How fresh the data is: when it last changed, when the watches last checked the sources, and
whether a milestone has gone unconfirmed by any source for long.

A milestone is confirmed when a source is recorded for it with the day it was read, or when a
change to it is recorded citing a source. One that is still open and that no source has confirmed
for ``UNCONFIRMED_AFTER_DAYS`` (half a year, about the interval between two editions of the
Unified Agenda, the slowest of the official sources) says so on its page.
"""

import datetime
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Max, Subquery
from django.utils import timezone

from roadmap.cache import PAGE_SECONDS, content_version
from roadmap.models import Milestone
from roadmap.sources.models import RunState, WatchRun

UNCONFIRMED_AFTER_DAYS = 180


@dataclass(frozen=True)
class Freshness:
    changed_at: datetime.datetime | None
    checked_at: datetime.datetime | None


def site_freshness() -> Freshness:
    """Return when any milestone last changed and when a watch last finished a run well.

    Read in one query once per content version (a change or a finished run bumps it), then from
    the cache.
    """
    key = f"roadmap:freshness:{content_version()}"
    found = cache.get(key)
    if found is None:
        last_run = (
            WatchRun.objects.filter(state=RunState.OK)
            .order_by("-finished_at")
            .values("finished_at")[:1]
        )
        found = Freshness(
            **Milestone.objects.aggregate(
                changed_at=Max("updated_at"), checked_at=Max(Subquery(last_run))
            )
        )
        cache.set(key, found, PAGE_SECONDS)
    return found


def last_confirmed(milestone: Milestone) -> datetime.date | None:
    """Return the last day a source confirmed ``milestone`` (its sources and history prefetched)."""
    days = [source.accessed_on for source in milestone.sources.all() if source.accessed_on]
    days += [
        timezone.localdate(update.recorded_at)
        for update in milestone.updates.all()
        if update.source_id
    ]
    return max(days, default=None)


def unconfirmed_since(
    milestone: Milestone, today: datetime.date
) -> tuple[bool, datetime.date | None]:
    """Tell whether an open milestone has gone unconfirmed too long, and since when (``None``:
    never confirmed)."""
    if not milestone.is_open:
        return False, None
    day = last_confirmed(milestone)
    if day is None:
        return True, None
    return (today - day).days > UNCONFIRMED_AFTER_DAYS, day
