"""What the watches read: which are due."""

from __future__ import annotations

import datetime

from django.db.models import Q, QuerySet

from roadmap.sources.models import Watch


def due_watches(now: datetime.datetime) -> QuerySet[Watch]:
    """Enabled watches never run, or whose next run has come."""
    return Watch.objects.filter(enabled=True).filter(
        Q(next_run_at__isnull=True) | Q(next_run_at__lte=now)
    )
