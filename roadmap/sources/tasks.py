"""Beat's watch task and the run it fans out to; both take ids and call one function."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from roadmap.sources import selectors, services
from roadmap.sources.models import Watch

# A whole search or edition can take longer than the default task limits.
RUN_SOFT_TIME_LIMIT = 30 * 60
RUN_TIME_LIMIT = RUN_SOFT_TIME_LIMIT + 60


@shared_task
def run_due_watches() -> list[int]:
    """Queue a run of every watch that is due; return their ids."""
    ids = list(selectors.due_watches(timezone.now()).values_list("pk", flat=True))
    for watch_id in ids:
        run_watch.delay(watch_id)
    return ids


@shared_task(soft_time_limit=RUN_SOFT_TIME_LIMIT, time_limit=RUN_TIME_LIMIT)
def run_watch(watch_id: int) -> str:
    """Run one watch; its lock makes a second delivery of this task harmless."""
    watch = Watch.objects.filter(pk=watch_id).first()
    if watch is None:
        return "gone"
    return services.watch_run(watch=watch).summary()
