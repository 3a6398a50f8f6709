"""iCalendar (RFC 5545) feeds: each dated milestone as an all-day event on its deadline.

The event's UID is stable for the milestone, its SEQUENCE counts the changes recorded since it was
created (so calendar apps replace the old copy), and its summary carries the fuzzy wording.
Undated milestones are left out: there is no day to put them on.
"""

import datetime
from urllib.parse import urlsplit

import icalendar
from django.conf import settings
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from roadmap import selectors
from roadmap.models import Milestone, Status, UpdateKind


def calendar_milestones(**lookups):
    """Dated milestones matching ``lookups``, each with ``changes``: its recorded changes."""
    return (
        selectors.milestones()
        .filter(target_end__isnull=False, **lookups)
        .annotate(changes=Count("updates", filter=Q(updates__kind__in=UpdateKind.news_values())))
    )


def event_day(milestone: Milestone) -> datetime.date:
    """The day the event sits on: the deadline, or the first possible day of a "not before"."""
    return milestone.target.deadline or milestone.target.start


def build_calendar(milestones, *, name: str) -> bytes:
    """Return the iCalendar file for ``milestones`` (from ``calendar_milestones``)."""
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Regulatory roadmap tracker//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    for milestone in milestones:
        day = event_day(milestone)
        url = settings.SITE_URL + milestone.get_absolute_url()
        words = milestone.target.words()
        description = [
            _("Target: %(words)s") % {"words": words},
            _("Status: %(status)s, %(progress)s%% done")
            % {"status": milestone.get_status_display(), "progress": milestone.progress},
        ]
        if milestone.target.wording:
            description.append(_("As published: %(words)s") % {"words": milestone.target.wording})
        description.append(url)
        event = icalendar.Event()
        event.add("uid", f"milestone-{milestone.pk}@{host}")
        event.add("sequence", milestone.changes)
        event.add("dtstamp", milestone.updated_at)
        event.add("last-modified", milestone.updated_at)
        event.add("dtstart", day)
        event.add("dtend", day + datetime.timedelta(days=1))
        event.add("summary", f"{milestone.title} ({words})")
        event.add("description", "\n".join(description))
        event.add("url", url)
        event.add("categories", [milestone.workstream.roadmap.title])
        event.add("status", "CANCELLED" if milestone.status == Status.CANCELLED else "CONFIRMED")
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    return calendar.to_ical()
