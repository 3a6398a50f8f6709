"""Feed watches: RSS and Atom items become suggestions, never changes; accepted or dismissed ones
never come back."""

from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from roadmap.models import Milestone, Status, UpdateKind
from roadmap.sources import services
from roadmap.sources.matching import Candidates
from roadmap.sources.models import RunState, SeenItem, Suggestion, SuggestionState, WatchKind
from tests.factories import MilestoneFactory, RoadmapFactory, TopicFactory, WorkstreamFactory
from tests.roadmap.sources.server import Answer

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def roadmap(db):
    agenda = RoadmapFactory(slug="us-unified-agenda")
    rule = WorkstreamFactory(roadmap=agenda, slug="3235-am12", title="3235-AM12: Custody")
    custody = MilestoneFactory(workstream=rule, title="Custody rules for crypto assets proposed")
    TopicFactory(name="Stablecoins")
    MilestoneFactory(title="Investor education programme launched")
    return {"rule": rule, "custody": custody}


def feed_watch(web, path, body, content_type):
    web.route(path, Answer(200, body, {"Content-Type": content_type, "ETag": '"feed-1"'}))
    return services.watch_add(kind=WatchKind.FEED, url=web.url(path))


def test_rss_items_become_suggestions_with_their_reasons(web, local_network, roadmap):
    rss = (FIXTURES / "press_releases.rss").read_bytes()
    watch = feed_watch(web, "/press.rss", rss, "application/rss+xml")
    run = services.watch_run(watch=watch)
    assert (run.state, run.fetched, run.suggested, run.skipped) == (RunState.OK, 2, 1, 1)
    suggestion = Suggestion.objects.get()
    assert suggestion.title == "Commission Proposes Custody Rules for Crypto Assets"
    assert suggestion.url == "https://www.sec.gov/newsroom/press-releases/2026-140"
    assert "mentions RIN 3235-AM12, a tracked rule" in suggestion.reason
    assert "asset, crypto, custody" in suggestion.reason
    assert list(suggestion.workstreams.all()) == [roadmap["rule"]]
    assert list(suggestion.milestones.all()) == [roadmap["custody"]]
    assert suggestion.summary.startswith("The Commission today voted")
    assert roadmap["custody"].updates.count() == 1  # only its creation: nothing changed


def test_atom_entries_match_topics(web, local_network, roadmap):
    atom = (FIXTURES / "speeches.atom").read_bytes()
    watch = feed_watch(web, "/speeches.atom", atom, "application/atom+xml")
    run = services.watch_run(watch=watch)
    assert (run.fetched, run.suggested) == (2, 1)
    suggestion = Suggestion.objects.get()
    assert suggestion.reason == "mentions the topic “Stablecoins”"
    assert suggestion.published_at.isoformat() == "2026-11-25T08:30:00+00:00"


def test_an_unchanged_feed_costs_one_304(web, local_network, roadmap):
    rss = (FIXTURES / "press_releases.rss").read_bytes()

    def conditional(request):
        if request.headers.get("if-none-match") == '"feed-1"':
            return Answer(304)
        return Answer(200, rss, {"ETag": '"feed-1"'})

    web.route("/press.rss", conditional)
    watch = services.watch_add(kind=WatchKind.FEED, url=web.url("/press.rss"))
    services.watch_run(watch=watch)
    watch.refresh_from_db()
    again = services.watch_run(watch=watch)
    assert (again.state, again.http_status, again.fetched, again.requests) == ("ok", 304, 0, 1)
    assert again.notes == ["The feed is unchanged since the last run."]


def test_dismissed_and_accepted_items_never_come_back(web, local_network, roadmap, admin_user):
    rss = (FIXTURES / "press_releases.rss").read_bytes()
    atom = (FIXTURES / "speeches.atom").read_bytes()
    press = feed_watch(web, "/press.rss", rss, "application/rss+xml")
    speeches = feed_watch(web, "/speeches.atom", atom, "application/atom+xml")
    services.watch_run(watch=press)
    services.watch_run(watch=speeches)
    accepted = Suggestion.objects.get(watch=press)
    dismissed = Suggestion.objects.get(watch=speeches)
    services.suggestion_accept(
        suggestion=accepted,
        milestone=roadmap["custody"],
        by=admin_user,
        status=Status.CONSULTATION_OPEN,
    )
    assert services.suggestion_dismiss(suggestion=dismissed, by=admin_user)
    for watch in (press, speeches):
        again = services.watch_run(watch=watch)
        assert (again.suggested, again.skipped) == (0, 2)
    assert Suggestion.objects.count() == 2
    assert SeenItem.objects.count() == 4


def test_accepting_records_the_change_with_the_item_as_its_source(
    web, local_network, roadmap, admin_user
):
    rss = (FIXTURES / "press_releases.rss").read_bytes()
    services.watch_run(watch=feed_watch(web, "/press.rss", rss, "application/rss+xml"))
    suggestion = Suggestion.objects.get()
    update = services.suggestion_accept(
        suggestion=suggestion,
        milestone=roadmap["custody"],
        by=admin_user,
        note="Proposed on 24 November.",
        status=Status.CONSULTATION_OPEN,
    )
    assert (update.kind, update.new_status, update.recorded_by) == (
        UpdateKind.CHANGED,
        Status.CONSULTATION_OPEN,
        admin_user,
    )
    assert update.source.url == "https://www.sec.gov/newsroom/press-releases/2026-140"
    assert Milestone.objects.get(pk=roadmap["custody"].pk).status == Status.CONSULTATION_OPEN
    suggestion.refresh_from_db()
    assert (suggestion.state, suggestion.update, suggestion.decided_by) == (
        SuggestionState.ACCEPTED,
        update,
        admin_user,
    )
    with pytest.raises(ValidationError, match="already been decided"):
        services.suggestion_accept(suggestion=suggestion, milestone=roadmap["custody"], by=None)
    assert not services.suggestion_dismiss(suggestion=suggestion, by=admin_user)


def test_a_page_that_is_not_a_feed_fails_the_run(web, local_network, db):
    watch = feed_watch(web, "/news", b"<html><body>News</body></html", "text/html")
    run = services.watch_run(watch=watch)
    assert run.state == RunState.FAILED
    assert "not an RSS or Atom feed" in run.errors[0]


def test_a_short_title_matches_only_when_all_its_words_are_there(db):
    MilestoneFactory(title="Token taxonomy")
    candidates = Candidates.load()
    assert not candidates.match("A taxonomy of regulators")
    assert candidates.match("The token taxonomy is out").milestones
