"""The API's milestone page built by hand from ``.values()``: the floor the API is measured against.

Same fields, same nesting, same JSON as ``GET /api/v1/milestones/?page_size=100``, with no
serializer, no model instances and no DRF view: what the page would cost if nothing but the
queries and ``json.dumps`` stood between the database and the client. The words (targets, drift,
clocks, forecast groups) come from the same pure functions the serializer calls.
"""

import json
from collections import defaultdict

from django.db.models import Q
from django.http import HttpResponse
from django.urls import include, path
from django.utils import timezone
from django.utils.translation import gettext as _

from roadmap.api.fields import target_data
from roadmap.content_language import text_for
from roadmap.forecasts import clocks
from roadmap.forecasts.baselines import drift, drift_words
from roadmap.forecasts.forecast import basis_words
from roadmap.models import ClockTerm, Dependency, Milestone, Source, Status
from roadmap.targets import Precision, Qualifier, Target

FIELDS = (
    "id", "slug", "title", "title_zh_hans", "summary", "summary_zh_hans", "status", "progress",
    "confidence", "actual_date", "slip_count", "slip_days", "legal_deadline", "dropped_on",
    "created_at", "updated_at", "baseline", "clock_combine",
    "target_precision", "target_start", "target_end", "target_qualifier", "target_wording",
    "workstream_id", "workstream__slug", "workstream__title", "workstream__title_zh_hans",
    "workstream__roadmap__slug", "workstream__roadmap__title",
    "workstream__roadmap__title_zh_hans",
    "authority__acronym", "authority__jurisdiction__code",
    "forecast__p50", "forecast__p80", "forecast__sample_size", "forecast__outcomes",
    "forecast__level", "forecast__step", "forecast__slipped", "forecast__aged",
    "forecast__computed_at",
)  # fmt: skip
TRIGGER = (
    "milestone_id", "trigger_id", "offset", "unit", "on", "trigger__slug", "trigger__title",
    "trigger__status", "trigger__actual_date", "trigger__target_precision",
    "trigger__target_start", "trigger__target_end", "trigger__target_qualifier",
    "trigger__target_wording",
)  # fmt: skip


class _Prefixed:
    """A ``.values()`` row read as attributes under ``prefix``, for ``text_for`` to pick from."""

    def __init__(self, row: dict, prefix: str):
        self.row, self.prefix = row, prefix

    def __getattr__(self, name: str):
        return self.row[self.prefix + name]


def _localized(row: dict, prefix: str, fields: tuple[str, ...]) -> dict:
    texts = {field: text_for(_Prefixed(row, prefix), field) for field in fields}
    return {
        **{field: text.text for field, text in texts.items()},
        "languages": {field: text.language for field, text in texts.items()},
    }


def _target(row: dict, prefix: str = "") -> Target:
    return Target(
        Precision(row[f"{prefix}target_precision"]), row[f"{prefix}target_start"],
        row[f"{prefix}target_end"], Qualifier(row[f"{prefix}target_qualifier"]),
        row[f"{prefix}target_wording"],
    )  # fmt: skip


def _date(value):
    return value.isoformat() if value else None


def _moment(value):
    return timezone.localtime(value).isoformat().replace("+00:00", "Z")


def _clocks(ids: list[int], combines: dict[int, str]) -> dict[int, dict]:
    """The page's clocks by milestone id, from one query over their terms and triggers."""
    rules: dict[int, dict] = {}
    terms = ClockTerm.objects.filter(milestone_id__in=ids).order_by("milestone_id", "id")
    for term in terms.values(*TRIGGER):
        rule = rules.setdefault(
            term["milestone_id"], {"terms": [], "days": {}, "names": {}, "slugs": {}}
        )
        rule["terms"].append(
            clocks.Term(term["trigger_id"], term["offset"], clocks.Unit(term["unit"]), term["on"])
        )
        trigger = term["trigger_id"]
        if trigger is not None:
            rule["days"][trigger] = clocks.trigger_day(
                completed=term["trigger__status"] == Status.COMPLETED,
                cancelled=term["trigger__status"] == Status.CANCELLED,
                actual_date=term["trigger__actual_date"],
                target=_target(term, "trigger__"),
            )
            rule["names"][trigger] = term["trigger__title"]
            rule["slugs"][trigger] = term["trigger__slug"]
    shown = {}
    for milestone, rule in rules.items():
        clock = clocks.Clock(clocks.Combine(combines[milestone]), tuple(rule["terms"]))
        shown[milestone] = {
            "combine": clock.combine.value,
            "terms": [
                {
                    "after": rule["slugs"].get(term.after) if term.after else None,
                    "offset": term.offset,
                    "unit": term.unit.value,
                    "on": _date(term.on),
                }
                for term in clock.terms
            ],
            "words": clocks.words(clock, rule["names"], rule["days"]),
        }
    return shown


def _forecast(row: dict, target: Target) -> dict | None:
    if row["forecast__computed_at"] is None:
        return None
    return {
        "p50": _date(row["forecast__p50"]),
        "p80": _date(row["forecast__p80"]),
        "sample_size": row["forecast__sample_size"],
        "outcomes": row["forecast__outcomes"],
        "basis": {
            "level": row["forecast__level"],
            "step": row["forecast__step"],
            "slipped": row["forecast__slipped"],
            "aged": row["forecast__aged"],
            "words": basis_words(
                level=row["forecast__level"],
                step=row["forecast__step"],
                precision_label=str(target.precision.label),
                authority=row["authority__acronym"],
                jurisdiction=row["authority__jurisdiction__code"],
                slipped=row["forecast__slipped"],
                aged=row["forecast__aged"],
            )
            if row["forecast__level"]
            else _("every tracked milestone"),
        },
        "computed_at": _moment(row["forecast__computed_at"]),
    }


def page(base: str, size: int = 100) -> bytes:
    rows = list(Milestone.objects.order_by("id").values(*FIELDS)[:size])
    ids = [row["id"] for row in rows]
    topics, sources, depends, needed = (defaultdict(list) for _ in range(4))
    through = Milestone.topics.through.objects.filter(milestone_id__in=ids).order_by("topic__slug")
    for milestone, slug in through.values_list("milestone_id", "topic__slug"):
        topics[milestone].append(slug)
    fields = ("milestone_id", "title", "publisher", "url", "accessed_on")
    for milestone, title, publisher, url, accessed in (
        Source.objects.filter(milestone_id__in=ids).order_by("id").values_list(*fields)
    ):
        sources[milestone].append(
            {"title": title, "publisher": publisher, "url": url, "accessed_on": _date(accessed)}
        )
    links = Dependency.objects.filter(Q(milestone_id__in=ids) | Q(prerequisite_id__in=ids))
    for milestone, prerequisite, milestone_slug, prerequisite_slug in links.order_by(
        "id"
    ).values_list("milestone_id", "prerequisite_id", "milestone__slug", "prerequisite__slug"):
        depends[milestone].append(prerequisite_slug)
        needed[prerequisite].append(milestone_slug)
    rules = _clocks(ids, {row["id"]: row["clock_combine"] for row in rows})
    results = []
    for row in rows:
        target = _target(row)
        baseline = Target.from_dict(row["baseline"])
        periods = drift(baseline, target)
        results.append(
            {
                "slug": row["slug"],
                **_localized(row, "", ("title", "summary")),
                "status": row["status"],
                "status_label": str(Status(row["status"]).label),
                "progress": row["progress"],
                "confidence": row["confidence"],
                "target": target_data(target),
                "clock": rules.get(row["id"]),
                "baseline": target_data(baseline) if baseline else None,
                "drift": None
                if periods is None
                else {"periods": periods, "words": drift_words(baseline, target)},
                "forecast": _forecast(row, target),
                "actual_date": _date(row["actual_date"]),
                "slip_count": row["slip_count"],
                "slip_days": row["slip_days"],
                "legal_deadline": row["legal_deadline"],
                "dropped_on": _date(row["dropped_on"]),
                "roadmap": {
                    "slug": row["workstream__roadmap__slug"],
                    **_localized(row, "workstream__roadmap__", ("title",)),
                },
                "workstream": {
                    "id": row["workstream_id"],
                    "slug": row["workstream__slug"],
                    **_localized(row, "workstream__", ("title",)),
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
