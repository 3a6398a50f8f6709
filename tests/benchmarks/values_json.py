"""The API's milestone page built by hand from ``.values()``: the floor the API is measured against.

Same fields, same nesting, same JSON as ``GET /api/v1/milestones/?page_size=100``, with no
serializer, no model instances and no DRF view: what the page would cost if nothing but the
queries and ``json.dumps`` stood between the database and the client.
"""

import json
from collections import defaultdict

from django.db.models import Q
from django.http import HttpResponse
from django.urls import include, path
from django.utils import timezone

from roadmap.models import Dependency, Milestone, Source, Status
from roadmap.targets import Target

FIELDS = (
    "id", "slug", "title", "summary", "status", "progress", "confidence", "actual_date",
    "slip_count", "slip_days", "legal_deadline", "dropped_on", "created_at", "updated_at",
    "target_precision", "target_start", "target_end", "target_qualifier", "target_wording",
    "workstream_id", "workstream__slug", "workstream__title", "workstream__roadmap__slug",
    "workstream__roadmap__title",
    "authority__acronym", "authority__jurisdiction__code",
)  # fmt: skip


def _date(value):
    return value.isoformat() if value else None


def _moment(value):
    return timezone.localtime(value).isoformat().replace("+00:00", "Z")


def page(base: str, size: int = 100) -> bytes:
    rows = list(Milestone.objects.order_by("id").values(*FIELDS)[:size])
    ids = [row["id"] for row in rows]
    topics, sources, depends, needed = (defaultdict(list) for _ in range(4))
    through = Milestone.topics.through.objects.filter(milestone_id__in=ids)
    for milestone, slug in through.values_list("milestone_id", "topic__slug"):
        topics[milestone].append(slug)
    fields = ("milestone_id", "title", "publisher", "url", "accessed_on")
    for milestone, title, publisher, url, accessed in Source.objects.filter(
        milestone_id__in=ids
    ).values_list(*fields):
        sources[milestone].append(
            {"title": title, "publisher": publisher, "url": url, "accessed_on": _date(accessed)}
        )
    links = Dependency.objects.filter(Q(milestone_id__in=ids) | Q(prerequisite_id__in=ids))
    for milestone, prerequisite, milestone_slug, prerequisite_slug in links.values_list(
        "milestone_id", "prerequisite_id", "milestone__slug", "prerequisite__slug"
    ):
        depends[milestone].append(prerequisite_slug)
        needed[prerequisite].append(milestone_slug)
    results = []
    for row in rows:
        target = Target(
            row["target_precision"], row["target_start"], row["target_end"],
            row["target_qualifier"], row["target_wording"],
        )  # fmt: skip
        results.append(
            {
                "slug": row["slug"],
                "title": row["title"],
                "summary": row["summary"],
                "status": row["status"],
                "status_label": str(Status(row["status"]).label),
                "progress": row["progress"],
                "confidence": row["confidence"],
                "target": {
                    "precision": row["target_precision"],
                    "start": _date(target.start),
                    "end": _date(target.end),
                    "qualifier": row["target_qualifier"],
                    "wording": row["target_wording"],
                    "words": target.words(),
                    "deadline": _date(target.deadline),
                },
                "actual_date": _date(row["actual_date"]),
                "slip_count": row["slip_count"],
                "slip_days": row["slip_days"],
                "legal_deadline": row["legal_deadline"],
                "dropped_on": _date(row["dropped_on"]),
                "roadmap": {
                    "slug": row["workstream__roadmap__slug"],
                    "title": row["workstream__roadmap__title"],
                },
                "workstream": {
                    "id": row["workstream_id"],
                    "slug": row["workstream__slug"],
                    "title": row["workstream__title"],
                },
                "authority": row["authority__acronym"],
                "jurisdiction": row["authority__jurisdiction__code"],
                "topics": topics[row["id"]],
                "sources": sources[row["id"]],
                "depends_on": depends[row["id"]],
                "needed_by": needed[row["id"]],
                "created_at": _moment(row["created_at"]),
                "updated_at": _moment(row["updated_at"]),
                "url": f"{base}/milestones/{row['slug']}/",
                "calendar_url": f"{base}/feeds/roadmaps/{row['workstream__roadmap__slug']}/"
                f"{row['workstream__slug']}/calendar.ics",
                "history_url": f"{base}/api/v1/milestones/{row['slug']}/history/",
            }
        )
    return json.dumps({"next": None, "previous": None, "results": results}).encode()


def values_view(request):
    base = request.build_absolute_uri("/").rstrip("/")
    return HttpResponse(page(base), content_type="application/json")


urlpatterns = [
    path("bench/values/", values_view),
    path("", include("config.urls")),
]
