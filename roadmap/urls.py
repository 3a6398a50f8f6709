from django.urls import path

from roadmap import views
from roadmap.feeds import AtomUpdatesFeed, UpdatesFeed

app_name = "roadmap"


def _feeds(prefix: str, name: str, **scope):
    """The RSS, Atom and iCalendar URLs of one scope (everything, a roadmap, a workstream, …)."""
    return [
        path(f"{prefix}updates.rss", UpdatesFeed(), scope, name=f"{name}-rss"),
        path(f"{prefix}updates.atom", AtomUpdatesFeed(), scope, name=f"{name}-atom"),
        path(f"{prefix}calendar.ics", views.calendar, scope, name=f"{name}-ics"),
    ]


urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("compare/", views.comparison, name="comparison"),
    path("milestones.csv", views.export_csv, name="export-csv"),
    path("milestones.json", views.export_json, name="export-json"),
    path("milestones/<slug:slug>/", views.milestone_detail, name="milestone"),
    path("roadmaps/", views.roadmap_index, name="roadmaps"),
    path("roadmaps/<slug:slug>/", views.roadmap_detail, name="roadmap"),
    path("roadmaps/<slug:roadmap>/<slug:slug>/", views.workstream_detail, name="workstream"),
    path("jurisdictions/", views.jurisdiction_index, name="jurisdictions"),
    path("jurisdictions/<slug:code>/", views.jurisdiction_detail, name="jurisdiction"),
    path("authorities/", views.authority_index, name="authorities"),
    path("authorities/<str:acronym>/", views.authority_detail, name="authority"),
    path("topics/", views.topic_index, name="topics"),
    path("topics/<slug:slug>/", views.topic_detail, name="topic"),
    *_feeds("feeds/", "all"),
    *_feeds("feeds/roadmaps/<slug:key>/", "roadmap", kind="roadmap"),
    *_feeds("feeds/roadmaps/<slug:roadmap>/<slug:key>/", "workstream", kind="workstream"),
    *_feeds("feeds/jurisdictions/<slug:key>/", "jurisdiction", kind="jurisdiction"),
]
