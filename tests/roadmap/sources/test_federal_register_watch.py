"""Federal Register watches against a local stand-in of the API: pages, the 10,000 cap, retries,
failures, the lock, and the public-inspection desk."""

import datetime
import threading
import time
from pathlib import Path

import pytest
from django.db import connection, connections

from roadmap.models import Milestone, MilestoneUpdate, UpdateKind
from roadmap.sources import federal_register, services
from roadmap.sources.models import RunState, WatchKind, WatchRun
from tests.conftest import service_missing
from tests.factories import MilestoneFactory, RoadmapFactory, WorkstreamFactory
from tests.roadmap.sources.federal_register_api import DocumentsApi, document
from tests.roadmap.sources.server import Answer

FIXTURES = Path(__file__).parent / "fixtures"
DOCUMENTS = "/api/v1/documents.json"
DESK = "/api/v1/public-inspection-documents/current.json"
START = datetime.date(2026, 3, 2)


def documents(count: int, days: int = 10) -> list[dict]:
    return [document(n, START + datetime.timedelta(days=n % days)) for n in range(1, count + 1)]


def empty_desk(web):
    web.route(DESK, Answer(200, b'{"count": 0, "results": []}'))


@pytest.fixture
def watch(db, web, local_network):
    return services.watch_add(
        kind=WatchKind.FEDERAL_REGISTER,
        url=web.url("/api/v1"),
        name="sec-rules",
        agencies=["securities-and-exchange-commission"],
        document_types=["RULE", "PRORULE"],
        since=START,
    )


def test_every_page_is_read_through_next_page_url(web, watch, monkeypatch):
    monkeypatch.setattr(federal_register, "PER_PAGE", 10)
    web.route(DOCUMENTS, DocumentsApi(web, documents(25)))
    empty_desk(web)
    run = services.watch_run(watch=watch)
    assert run.state == RunState.OK, run.errors
    assert (run.fetched, run.created, run.requests) == (25, 25, 4)
    assert [int(r.query.get("page", ["1"])[0]) for r in web.hits(DOCUMENTS)] == [1, 2, 3]
    first = web.hits(DOCUMENTS)[0].query
    assert first["conditions[agencies][]"] == ["securities-and-exchange-commission"]
    assert first["conditions[type][]"] == ["RULE", "PRORULE"]
    assert "effective_on" in first["fields[]"]
    assert Milestone.objects.filter(slug__startswith="fr-").count() == 25


def test_a_search_over_the_cap_is_sliced_by_publication_dates(web, watch, monkeypatch):
    monkeypatch.setattr(federal_register, "PER_PAGE", 5)
    monkeypatch.setattr(federal_register, "RESULT_CAP", 20)
    api = DocumentsApi(web, documents(50), cap=20)
    web.route(DOCUMENTS, api)
    empty_desk(web)
    run = services.watch_run(watch=watch)
    assert run.state == RunState.OK, run.errors
    assert run.created == 50
    read = [(first, last) for first, last, count in api.searches if count <= 20]
    assert read == sorted(read)
    assert all(count > 20 for first, last, count in api.searches if (first, last) not in read)


def test_the_next_run_asks_only_from_the_newest_day_read(web, watch):
    api = DocumentsApi(web, documents(6, days=3))
    web.route(DOCUMENTS, api)
    empty_desk(web)
    services.watch_run(watch=watch)
    watch.refresh_from_db()
    assert watch.cursor == START + datetime.timedelta(days=2)
    again = services.watch_run(watch=watch)
    assert api.searches[-1][0] == "2026-03-04"
    assert (again.created, again.unchanged) == (0, 2)


def test_a_500_then_success_runs_ok(web, watch):
    web.route(DOCUMENTS, Answer(500, b"busy"), DocumentsApi(web, documents(3)))
    empty_desk(web)
    run = services.watch_run(watch=watch)
    assert (run.state, run.created, run.http_status) == (RunState.OK, 3, 200)


def test_a_source_that_keeps_failing_fails_the_run_with_its_status(web, watch):
    web.route(DOCUMENTS, Answer(503))
    run = services.watch_run(watch=watch)
    run.refresh_from_db()
    assert (run.state, run.http_status) == (RunState.FAILED, 503)
    assert "HTTP 503" in run.errors[0]
    watch.refresh_from_db()
    assert watch.cursor is None
    assert watch.next_run_at == run.started_at + datetime.timedelta(minutes=watch.every_minutes)


def test_a_hanging_api_times_out_and_fails_the_run(web, watch, local_network):
    local_network.WATCH_RETRIES = 0
    web.route(DOCUMENTS, None)
    run = services.watch_run(watch=watch)
    assert run.state == RunState.FAILED
    assert "timed out" in run.errors[0]


def test_a_next_page_url_off_the_site_fails_the_run(web, watch):
    body = b'{"count": 2, "results": [], "next_page_url": "https://elsewhere.example/p2"}'
    web.route(DOCUMENTS, Answer(200, body))
    run = services.watch_run(watch=watch)
    assert run.state == RunState.FAILED
    assert "leaves the watch's site" in run.errors[0]


def test_a_dry_run_reports_and_writes_nothing(web, watch):
    web.route(DOCUMENTS, DocumentsApi(web, documents(4)))
    empty_desk(web)
    run = services.watch_run(watch=watch, dry_run=True)
    assert (run.state, run.created, run.pk) == (RunState.OK, 4, None)
    assert not Milestone.objects.filter(slug__startswith="fr-").exists()
    assert not WatchRun.objects.exists()
    watch.refresh_from_db()
    assert (watch.cursor, watch.next_run_at) == (None, None)


def test_a_run_in_progress_holds_the_lock(web, watch):
    WatchRun.objects.create(watch=watch, started_at=datetime.datetime.now(datetime.UTC))
    run = services.watch_run(watch=watch)
    assert run.pk is None
    assert "another run is in progress" in run.errors[0]
    assert web.requests == []


def test_a_run_abandoned_hours_ago_no_longer_holds_the_lock(web, watch):
    long_ago = datetime.datetime.now(datetime.UTC) - datetime.timedelta(hours=3)
    stale = WatchRun.objects.create(watch=watch, started_at=long_ago)
    web.route(DOCUMENTS, DocumentsApi(web, documents(1)))
    empty_desk(web)
    assert services.watch_run(watch=watch).state == RunState.OK
    stale.refresh_from_db()
    assert stale.state == RunState.FAILED
    assert stale.errors == ["abandoned: the run never finished"]


@pytest.fixture
def tracked_rule(db):
    agenda = RoadmapFactory(slug="us-unified-agenda")
    rule = WorkstreamFactory(roadmap=agenda, slug="3235-am12")
    return MilestoneFactory(workstream=rule, slug="ua-3235-am12-nprm", title="NPRM")


def test_a_filing_on_the_desk_notes_the_tracked_rule_once(web, watch, tracked_rule):
    web.route(DOCUMENTS, DocumentsApi(web, []))
    desk = (FIXTURES / "public_inspection_current.json").read_text()
    web.route(DESK, Answer(200, desk.replace("{server}", web.base).encode()))
    heading = (FIXTURES / "public_inspection_2026-24680.txt").read_bytes()
    web.route("/public-inspection/2026-24680.txt", Answer(200, heading))
    first = services.watch_run(watch=watch)
    second = services.watch_run(watch=watch)
    assert (first.state, first.changed) == (RunState.OK, 1), first.errors
    assert second.changed == 0
    notes = MilestoneUpdate.objects.filter(milestone=tracked_rule, kind=UpdateKind.NOTE)
    assert [n.note for n in notes] == [
        "Filed for public inspection on 2026-11-24, to be published on 2026-11-26."
    ]
    assert notes[0].source.url.startswith("https://www.federalregister.gov/public-inspection/")
    # Only the SEC's rule's text was read: not the notice, nor another agency's rule.
    assert len(web.hits("/public-inspection/2026-24680.txt")) == 1
    assert web.hits("/public-inspection/2026-24682.txt") == []


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_import_once(web, local_network):
    if connection.vendor != "postgresql":
        service_missing("racing transactions need PostgreSQL: set DATABASE_URL")
    watch = services.watch_add(
        kind=WatchKind.FEDERAL_REGISTER, url=web.url("/api/v1"), name="race", since=START
    )
    api = DocumentsApi(web, documents(5))

    def slow(request):
        time.sleep(0.5)
        return api(request)

    web.route(DOCUMENTS, slow)
    empty_desk(web)
    start, results = threading.Barrier(2), []

    def run():
        start.wait()
        try:
            results.append(services.watch_run(watch=watch))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(r.created for r in results) == [0, 5]
    assert WatchRun.objects.count() == 1
    assert len(api.searches) == 1
    assert Milestone.objects.filter(slug__startswith="fr-").count() == 5


def test_a_malformed_document_is_the_runs_error_and_the_others_still_go_in(web, watch):
    bad = {**document(99, START), "agencies": "SEC"}
    web.route(DOCUMENTS, DocumentsApi(web, [*documents(3), bad]))
    empty_desk(web)
    run = services.watch_run(watch=watch)
    assert run.created == 3
    assert any("field “agencies” should be a list of agency objects" in e for e in run.errors)
    watch.refresh_from_db()
    assert watch.cursor is not None  # the watch moves on instead of failing on it every run
