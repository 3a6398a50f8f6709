"""Unified Agenda watches: the edition index, newer editions imported oldest first, older ones
skipped with the reason, an unchanged index one 304."""

from pathlib import Path

import pytest

from roadmap.models import Milestone
from roadmap.sources import services
from roadmap.sources.models import RunState, WatchKind
from roadmap.sources.unified_agenda import editions
from tests.roadmap.sources.server import Answer

FIXTURES = Path(__file__).parent / "fixtures"
FILE = "/public/do/XMLViewFileAction"


def edition(number: str, nprm: str) -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<REGINFO_RIN_DATA>
<RIN_INFO>
  <RIN>3235-AM12</RIN>
  <PUBLICATION><PUBLICATION_ID>{number}</PUBLICATION_ID></PUBLICATION>
  <AGENCY>
    <CODE>3235</CODE><NAME>Securities and Exchange Commission</NAME><ACRONYM>SEC</ACRONYM>
  </AGENCY>
  <RULE_TITLE>Custody Rules for Crypto Assets</RULE_TITLE>
  <ABSTRACT>Amendments to the custody rule.</ABSTRACT>
  <RULE_STAGE>Proposed Rule Stage</RULE_STAGE>
  <TIMETABLE_LIST>
    <TIMETABLE><TTBL_ACTION>NPRM</TTBL_ACTION><TTBL_DATE>{nprm}</TTBL_DATE></TIMETABLE>
  </TIMETABLE_LIST>
</RIN_INFO>
</REGINFO_RIN_DATA>""".encode()


@pytest.fixture
def watch(db, web, local_network):
    index = (FIXTURES / "agenda_index.html").read_bytes()

    def index_page(request):
        if request.headers.get("if-none-match") == '"index-1"':
            return Answer(304)
        return Answer(200, index, {"ETag": '"index-1"'})

    web.route("/public/do/eAgendaXmlReport", index_page)

    def file(request):
        name = request.query["f"][0]
        return Answer(
            200,
            {
                "REGINFO_RIN_DATA_202604.xml": edition("202604", "09/00/2026"),
                "REGINFO_RIN_DATA_202610.xml": edition("202610", "03/00/2027"),
            }[name],
        )

    web.route(FILE, file)
    return services.watch_add(
        kind=WatchKind.UNIFIED_AGENDA, url=web.url("/public/do/eAgendaXmlReport"), agencies=["SEC"]
    )


def test_the_index_lists_each_edition_once_with_its_address():
    html = (FIXTURES / "agenda_index.html").read_text()
    assert editions(html, "https://www.reginfo.gov/public/do/eAgendaXmlReport") == {
        "202610": "https://www.reginfo.gov/public/do/XMLViewFileAction?f=REGINFO_RIN_DATA_202610.xml",
        "202604": "https://www.reginfo.gov/public/do/XMLViewFileAction?f=REGINFO_RIN_DATA_202604.xml",
    }


def test_newer_editions_are_imported_oldest_first(web, watch):
    run = services.watch_run(watch=watch)
    assert run.state == RunState.OK, run.errors
    assert [r.query["f"][0] for r in web.hits(FILE)] == [
        "REGINFO_RIN_DATA_202604.xml",
        "REGINFO_RIN_DATA_202610.xml",
    ]
    assert (run.fetched, run.created, run.changed) == (2, 1, 1)
    nprm = Milestone.objects.get(slug="ua-3235-am12-nprm")
    assert nprm.target.words() == "March 2027"
    assert nprm.slip_count == 1


def test_an_unchanged_index_costs_one_304_and_old_editions_are_skipped(web, watch):
    services.watch_run(watch=watch)
    watch.refresh_from_db()
    assert watch.etag == '"index-1"'
    unchanged = services.watch_run(watch=watch)
    assert (unchanged.requests, unchanged.http_status, unchanged.fetched) == (1, 304, 0)
    assert unchanged.notes == ["The edition index is unchanged since the last run."]
    assert web.requests[-1].headers["if-none-match"] == '"index-1"'
    watch.etag = ""
    watch.save()
    again = services.watch_run(watch=watch)
    assert (again.state, again.fetched, again.skipped) == (RunState.OK, 0, 2)
    assert again.notes == [
        "Edition 202604 skipped: not newer than 202610, the last imported.",
        "Edition 202610 skipped: not newer than 202610, the last imported.",
    ]
