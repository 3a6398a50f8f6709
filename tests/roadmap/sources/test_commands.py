"""watch_add and watch_run: the command line and the output the issue gives."""

import io

import pytest
from django.core.management import CommandError, call_command

from roadmap.sources.models import Watch
from tests.roadmap.sources.server import Answer


def command(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_watch_add_prints_the_name_and_stores_the_search(db):
    out = command(
        "watch_add",
        "federal-register",
        "https://www.federalregister.gov/api/v1",
        "--agency",
        "securities-and-exchange-commission",
        "--term",
        "crypto asset",
        "--type",
        "RULE",
        "--type",
        "PRORULE",
        "--every",
        "60",
    )
    assert out == "federal-register-www-federalregister-gov\n"
    watch = Watch.objects.get()
    assert (watch.agencies, watch.term, watch.document_types, watch.every_minutes) == (
        "securities-and-exchange-commission",
        "crypto asset",
        "RULE PRORULE",
        60,
    )


def test_watch_add_refuses_what_a_kind_does_not_take(db):
    with pytest.raises(CommandError, match="Federal Register watches only"):
        command("watch_add", "feed", "https://example.org/feed", "--type", "RULE")


def test_watch_run_prints_a_line_per_watch_then_its_errors(db, web, local_network):
    rss = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>News</title>
      <item><title>Nothing tracked</title><guid>n-1</guid></item></channel></rss>"""
    web.route("/ok.rss", Answer(200, rss))
    web.route("/gone.rss", Answer(404))
    command("watch_add", "feed", web.url("/ok.rss"), "--name", "news")
    command("watch_add", "feed", web.url("/gone.rss"), "--name", "gone")
    out = io.StringIO()
    with pytest.raises(CommandError, match="1 of 2 watches failed"):
        call_command("watch_run", "news", "gone", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines == [
        "watch=gone status=failed fetched=0 created=0 changed=0 unchanged=0 suggested=0 "
        "skipped=0 errors=1",
        f"{web.url('/gone.rss')}: HTTP 404",
        "watch=news status=ok fetched=1 created=0 changed=0 unchanged=0 suggested=0 "
        "skipped=1 errors=0",
    ]


def test_watch_run_without_names_runs_the_due_watches_and_a_dry_run_writes_nothing(
    db, web, local_network
):
    web.route(
        "/ok.rss", Answer(200, b'<rss version="2.0"><channel><title>N</title></channel></rss>')
    )
    command("watch_add", "feed", web.url("/ok.rss"), "--name", "news")
    Watch.objects.create(name="off", kind="feed", url=web.url("/off.rss"), enabled=False)
    assert command("watch_run", "--dry-run").startswith("watch=news status=ok")
    assert Watch.objects.get(name="news").runs.count() == 0
    assert command("watch_run").startswith("watch=news status=ok")
    assert command("watch_run") == ""


def test_watch_run_names_an_unknown_watch(db):
    with pytest.raises(CommandError, match="No watch named: nope"):
        command("watch_run", "nope")
