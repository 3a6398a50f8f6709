"""The public pages: the dashboard, a milestone with its history, roadmaps, workstreams,
jurisdictions, authorities and topics with their indexes, and the comparison by topic."""

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.utils import timezone

from roadmap import export, selectors, timeline
from roadmap.cache import cached_page
from roadmap.calendar import build_calendar, calendar_milestones
from roadmap.forms import DashboardFilterForm
from roadmap.models import Authority, Jurisdiction, Milestone, Roadmap, Topic, Workstream
from roadmap.selectors import MilestoneFilter

MILESTONES_PER_PAGE = 50


def _overview(request, template, filters: MilestoneFilter, context: dict):
    """Render a page built on the overview of the milestones ``filters`` match: their counts,
    the lists due soon, overdue and recently changed, and the timeline."""
    today = timezone.localdate()
    overview = selectors.dashboard(filters=filters, today=today)
    page = Paginator(overview.matching, MILESTONES_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        template,
        {
            **context,
            "overview": overview,
            "page": page,
            "today": today,
            "timeline": timeline.render(overview.timeline, today),
        },
    )


def _dashboard_filters(request) -> tuple[DashboardFilterForm, MilestoneFilter]:
    """The dashboard's filter form bound to the query string, and the filters that passed."""
    form = DashboardFilterForm(request.GET or None)
    return form, form.milestone_filter() if form.is_bound else MilestoneFilter()


@cached_page
def dashboard(request):
    form, filters = _dashboard_filters(request)
    query = request.GET.copy()
    query.pop("page", None)
    return _overview(
        request,
        "roadmap/dashboard.html",
        filters,
        {
            "form": form,
            "filtered": form.is_bound,
            "query": query.urlencode(),
            "export_query": query.urlencode(),
        },
    )


@cached_page
def export_csv(request):
    """Send the dashboard's milestones, with its filters, as a CSV file."""
    _, filters = _dashboard_filters(request)
    records = map(export.milestone_record, selectors.milestone_export(filters))
    response = HttpResponse(export.as_csv(records), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="milestones.csv"'
    return response


@cached_page
def export_json(request):
    """Send the dashboard's milestones, with its filters, as JSON."""
    _, filters = _dashboard_filters(request)
    records = [export.milestone_record(m) for m in selectors.milestone_export(filters)]
    response = JsonResponse({"count": len(records), "milestones": records})
    response["Content-Disposition"] = 'attachment; filename="milestones.json"'
    return response


@cached_page
def roadmap_detail(request, slug):
    roadmap = get_object_or_404(
        Roadmap.objects.select_related("authority__jurisdiction"), slug=slug
    )
    workstreams, workstream_count = selectors.roadmap_workstreams(roadmap)
    return _overview(
        request,
        "roadmap/roadmap_detail.html",
        MilestoneFilter(roadmap=roadmap),
        {
            "roadmap": roadmap,
            "workstreams": workstreams,
            "more_workstreams": workstream_count - len(workstreams),
            "export_query": urlencode({"roadmap": roadmap.slug}),
        },
    )


@cached_page
def workstream_detail(request, roadmap, slug):
    workstream = get_object_or_404(Workstream, roadmap__slug=roadmap, slug=slug)
    return _overview(
        request,
        "roadmap/workstream_detail.html",
        MilestoneFilter(workstream=workstream),
        {
            "workstream": workstream,
            "roadmap": workstream.roadmap,
            "export_query": urlencode({"workstream": workstream.pk}),
        },
    )


@cached_page
def jurisdiction_detail(request, code):
    jurisdiction = get_object_or_404(Jurisdiction, code=code.upper())
    return _overview(
        request,
        "roadmap/jurisdiction_detail.html",
        MilestoneFilter(jurisdiction=jurisdiction),
        {
            "jurisdiction": jurisdiction,
            "authorities": jurisdiction.authorities.all(),
            "export_query": urlencode({"jurisdiction": jurisdiction.code}),
        },
    )


@cached_page
def authority_detail(request, acronym):
    authority = get_object_or_404(
        Authority.objects.select_related("jurisdiction", "parent"), acronym=acronym
    )
    return _overview(
        request,
        "roadmap/authority_detail.html",
        MilestoneFilter(authority=authority),
        {
            "authority": authority,
            "roadmaps": authority.roadmaps.all(),
            "scorecard": selectors.authority_scorecard(authority, timezone.localdate()),
        },
    )


@cached_page
def topic_detail(request, slug):
    topic = get_object_or_404(Topic, slug=slug)
    return _overview(
        request, "roadmap/topic_detail.html", MilestoneFilter(topic=topic), {"topic": topic}
    )


@cached_page
def roadmap_index(request):
    return render(request, "roadmap/roadmap_index.html", {"roadmaps": selectors.roadmap_index()})


@cached_page
def jurisdiction_index(request):
    return render(
        request,
        "roadmap/jurisdiction_index.html",
        {"jurisdictions": selectors.jurisdiction_index()},
    )


@cached_page
def authority_index(request):
    return render(
        request, "roadmap/authority_index.html", {"authorities": selectors.authority_index()}
    )


@cached_page
def topic_index(request):
    return render(request, "roadmap/topic_index.html", {"topics": selectors.topic_index()})


@cached_page
def milestone_detail(request, slug):
    try:
        milestone = selectors.milestone_detail(slug)
    except Milestone.DoesNotExist:
        raise Http404 from None
    return render(
        request,
        "roadmap/milestone_detail.html",
        {"milestone": milestone, "today": timezone.localdate()},
    )


@cached_page
def comparison(request):
    jurisdictions, rows = selectors.comparison()
    scorecards = selectors.jurisdiction_scorecards(timezone.localdate())
    return render(
        request,
        "roadmap/comparison.html",
        {
            "jurisdictions": jurisdictions,
            "rows": rows,
            "scorecards": [(place, scorecards.get(place.pk)) for place in jurisdictions],
        },
    )


@cached_page
def calendar(request, kind=None, key=None, roadmap=None):
    """Serve the iCalendar file of every dated milestone, or of one roadmap, workstream or place."""
    scope = selectors.scope_object(kind, key, roadmap)
    name = str(scope) if scope else "Regulatory roadmap"
    body = build_calendar(calendar_milestones(**selectors.scope_filter(scope)), name=name)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="roadmap.ics"'
    return response


def favicon(request):
    """Send a client that asks the site's root for its icon to the static file."""
    return redirect(static("roadmap/favicon.ico"), permanent=True)
