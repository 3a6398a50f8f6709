"""Optimistic locking: a change made from a copy of a milestone that someone else changed since
it was read is refused, saying who changed it and when.

The admin's form carries the version it was opened at (``updated_at``, which every recorded change
moves); the API compares ``If-Match`` with the ETag of the milestone's current representation.
Both read the stored row under a lock, so the check and the write are one step.
"""

import datetime

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from roadmap.models import Milestone, MilestoneUpdate


def milestone_version(milestone: Milestone) -> str:
    """The version an editor's copy was read at."""
    return milestone.updated_at.isoformat()


def milestone_lock(pk: int) -> Milestone:
    """Return the stored milestone, locked until the transaction ends."""
    return Milestone.objects.select_for_update().only("updated_at").get(pk=pk)


def changed_since_message(milestone: Milestone, *, since: datetime.datetime | None) -> str:
    """Say who changed ``milestone`` and when ("changed by alice at 2027-03-01 10:02 UTC (…)"),
    since ``since`` (or last, without it).

    The newest history entry names the editor; a change that left none (a new title) is dated by
    the milestone itself.
    """
    entries = MilestoneUpdate.objects.filter(milestone_id=milestone.pk).select_related(
        "recorded_by"
    )
    if since is not None:
        entries = entries.filter(recorded_at__gt=since)
    entry = entries.order_by("-recorded_at", "-id").first()
    at = entry.recorded_at if entry else milestone.updated_at
    when = formats.date_format(timezone.localtime(at), "Y-m-d H:i T")
    if entry is not None and entry.recorded_by is not None:
        who = entry.recorded_by.get_username()
        changed = _("changed by %(who)s at %(when)s") % {"who": who, "when": when}
    else:
        changed = _("changed at %(when)s") % {"when": when}
    if entry is not None and entry.describe():
        changed += f" ({entry.describe()})"
    return changed
