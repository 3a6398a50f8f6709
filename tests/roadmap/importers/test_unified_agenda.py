"""Importing Unified Agenda editions with their true meaning: ordered editions, dropped rows,
rows reported done, legal deadlines, agencies by code, all or nothing, and hostile files.

The fixtures are three editions of the project's own, in reginfo.gov's XML format: Spring 2025
(202504), Fall 2025 (202510) and Spring 2026 (202604), and one file with invalid rows.
"""

import datetime
from pathlib import Path

import pytest
import time_machine
from django.core.management import CommandError, call_command

from roadmap.importers.report import ImportFailed
from roadmap.importers.unified_agenda import import_unified_agenda, latest_edition
from roadmap.models import (
    AgendaRule,
    Authority,
    Confidence,
    Jurisdiction,
    LegalDeadline,
    Milestone,
    MilestoneUpdate,
    Roadmap,
    Status,
    UpdateKind,
    Workstream,
)
from roadmap.targets import Precision, Qualifier

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).parent / "fixtures"
TODAY = datetime.datetime(2026, 11, 25, 12, tzinfo=datetime.UTC)


def load(name, **options):
    with (FIXTURES / name).open("rb") as stream:
        return import_unified_agenda(stream, **options)


def test_an_edition_becomes_rules_and_timetables_with_every_quirk_handled():
    report = load("agenda_202504.xml")
    assert report.read == 4 and len(report.created) == 13 and report.rejected == []
    assert "Read 1 0x19 bytes as apostrophes (’)." in report.notes
    assert "Removed 1 stray control bytes that XML may not hold." in report.notes
    custody = Workstream.objects.get(slug="3235-am12")
    assert custody.title == "3235-AM12: Custody Rules for Crypto Assets"
    assert custody.summary == (
        "The Commission is considering amendments to the custody rule for crypto assets."
        "\n\nSecond paragraph & more."
    )
    nprm = Milestone.objects.get(slug="ua-3235-am12-nprm")
    assert nprm.target_precision == Precision.MONTH
    assert (nprm.target_start, nprm.target_end) == (
        datetime.date(2026, 11, 1),
        datetime.date(2026, 11, 30),
    )
    assert nprm.confidence == Confidence.OFFICIAL and nprm.authority.acronym == "SEC"
    assert nprm.sources.get().url.endswith("pubId=202504&RIN=3235-AM12")
    assert Milestone.objects.get(slug="ua-3235-am12-final-rule").target_precision == "undated"
    harbor = Workstream.objects.get(slug="3235-am99")
    assert harbor.title == "3235-AM99: Crypto Asset Disclosure & the Commission’s Safe Harbor"
    assert harbor.summary == (
        "The Commission proposed a safe harbor.\n\nIt would cover token offerings."
    )


def test_what_the_agenda_says_of_a_rule_is_kept():
    load("agenda_202504.xml")
    custody = AgendaRule.objects.get(rin="3235-AM12")
    assert (custody.edition, custody.stage, custody.priority) == (
        "202504",
        "Proposed Rule Stage",
        "Other Significant",
    )
    assert custody.agency.agenda_code == "3235" and custody.edition_name == "Spring 2025"
    occ = AgendaRule.objects.get(rin="1557-AF10").agency
    assert occ.acronym == "OCC" and occ.parent.agenda_code == "1500"
    assert occ.parent.name == "Department of the Treasury"
    assert latest_edition() == "202504"


def test_a_cited_row_is_done_officially_with_its_citation_linked():
    load("agenda_202504.xml")
    anprm = Milestone.objects.get(slug="ua-3235-am99-anprm")
    assert anprm.status == Status.COMPLETED and anprm.actual_date == datetime.date(2025, 3, 15)
    assert anprm.confidence == Confidence.OFFICIAL
    citation = anprm.sources.get(title="90 FR 12345")
    assert citation.url == "https://www.federalregister.gov/citation/90-FR-12345"
    assert "[90 FR 12345](https://www.federalregister.gov/citation/90-FR-12345)" in anprm.summary


def test_rows_dated_before_the_edition_are_reported_done_and_never_overdue(client):
    load("agenda_202504.xml")
    nprm = Milestone.objects.get(slug="ua-3235-am99-nprm")  # 11/00/2024, no citation
    assert (nprm.status, nprm.confidence) == (Status.COMPLETED, Confidence.REPORTED)
    assert nprm.actual_date == datetime.date(2024, 11, 30)
    assert "Reported done by the agency" in nprm.summary
    old = Milestone.objects.get(slug="ua-3235-am99-comment-period-end")
    assert (old.status, old.actual_date) == (Status.COMPLETED, datetime.date(1997, 2, 3))
    with time_machine.travel(TODAY, tick=False):
        overdue = set(Milestone.objects.overdue(TODAY.date()).values_list("slug", flat=True))
        listed = client.get("/api/v1/milestones/?overdue=true&page_size=100").json()["results"]
        dashboard = client.get("/")
    # Only projections whose month has passed with nothing reporting them done are overdue.
    assert overdue == {"ua-3064-af00-nprm", "ua-1557-af10-nprm"}
    assert {item["slug"] for item in listed} == overdue
    shown = {m.slug for m in dashboard.context["overview"].overdue}
    assert shown == overdue


def test_dates_inside_old_actions_become_their_own_milestones():
    load("agenda_202504.xml")
    final = Milestone.objects.get(slug="ua-3235-am99-final-action")
    effective = Milestone.objects.get(slug="ua-3235-am99-effective-date")
    assert final.title == "Final Action: Crypto Asset Disclosure & the Commission’s Safe Harbor"
    assert (final.target_start, final.target_precision) == (datetime.date(1997, 2, 14), "day")
    assert (effective.target_start, effective.target_precision) == (
        datetime.date(1997, 4, 1),
        "day",
    )
    assert Milestone.objects.get(slug="ua-3235-am99-interim-final-rule").target_precision == (
        Precision.UNDATED  # written 00/00/0000
    )


def test_legal_deadlines_are_milestones_marked_as_such():
    load("agenda_202504.xml")
    statutory = Milestone.objects.get(slug="ua-3235-am12-statutory-deadline-final")
    assert statutory.legal_deadline == LegalDeadline.STATUTORY
    assert statutory.target_qualifier == Qualifier.BY
    assert statutory.target_end == datetime.date(2027, 7, 18) and statutory.is_open
    assert statutory.summary == "Final rules within two years of enactment."
    # A court-ordered proposal is met when the agency reports the proposal done.
    judicial = Milestone.objects.get(slug="ua-3235-am99-judicial-deadline-nprm")
    assert judicial.legal_deadline == LegalDeadline.JUDICIAL
    assert (judicial.status, judicial.actual_date) == (
        Status.COMPLETED,
        datetime.date(2024, 11, 1),
    )


def test_importing_the_same_edition_twice_changes_nothing():
    load("agenda_202504.xml")
    updates, sources = MilestoneUpdate.objects.count(), Milestone.objects.count()
    report = load("agenda_202504.xml")
    assert (report.created, report.changed, report.unchanged) == ([], [], 13)
    assert (MilestoneUpdate.objects.count(), Milestone.objects.count()) == (updates, sources)


def test_a_later_edition_records_slips_withdrawn_dates_corrected_titles_and_drops():
    load("agenda_202504.xml")
    report = load("agenda_202510.xml")
    nprm = Milestone.objects.get(slug="ua-3235-am12-nprm")
    assert nprm.slip_count == 1 and nprm.slip_days == 90
    assert nprm.title == "NPRM: Custody Rule Amendments for Crypto Assets"
    slip = nprm.updates.first()
    assert slip.is_slip and slip.source.title == "Unified Agenda, Fall 2025 edition (202510)"
    assert "Rule title corrected: “NPRM: Custody Rules for Crypto Assets”" in slip.note

    comments = Milestone.objects.get(slug="ua-3235-am12-nprm-comment-period-end")
    withdrawn = comments.updates.first()
    assert comments.target_precision == Precision.UNDATED and withdrawn.new_target is not None
    assert withdrawn.note.startswith("Date withdrawn (To Be Determined) in the Fall 2025 edition")

    final = Milestone.objects.get(slug="ua-3235-am12-final-rule")
    assert final.dropped_on == datetime.date(2025, 10, 1) and final.is_open
    dropped = final.updates.first()
    assert dropped.kind == UpdateKind.DROPPED
    assert dropped.describe() == "Dropped from the agenda in the Fall 2025 edition."
    assert dropped.source.url.endswith("pubId=202510&RIN=3235-AM12")

    gone = Milestone.objects.get(slug="ua-1557-af10-nprm")  # the whole rule is no longer listed
    assert gone.dropped_on == datetime.date(2025, 10, 1)
    assert gone.updates.first().note == (
        "Dropped from the agenda in the Fall 2025 edition (the rule is no longer listed)."
    )
    assert not Milestone.objects.overdue(TODAY.date()).filter(pk=gone.pk).exists()
    assert AgendaRule.objects.get(rin="3235-AM12").stage == "Long-Term Actions"
    assert "3235-AM12: stage Proposed Rule Stage → Long-Term Actions" in report.changed
    assert "NPRM: Custody Rules for Crypto Assets: dropped" not in report.changed
    assert latest_edition() == "202510"


def test_a_dropped_row_listed_again_says_so():
    load("agenda_202504.xml")
    load("agenda_202510.xml")
    report = load("agenda_202604.xml", rin_prefix="3235-AM12")
    final = Milestone.objects.get(slug="ua-3235-am12-final-rule")
    assert final.dropped_on is None and final.target_end == datetime.date(2027, 12, 31)
    kinds = list(final.updates.values_list("kind", "note"))[:2]
    assert (UpdateKind.RELISTED, "Listed again in the Spring 2026 edition.") in kinds
    assert "3235-AM12 Final Rule: listed again" in report.changed


def test_an_older_edition_imported_after_a_newer_one_moves_nothing():
    load("agenda_202510.xml")
    updates = MilestoneUpdate.objects.exclude(milestone__slug__startswith="ua-1557").count()
    report = load("agenda_202504.xml")
    assert report.older == 3
    assert "3 rules were left as they are: a newer edition is already imported" in " ".join(
        report.notes
    )
    assert Milestone.objects.get(slug="ua-3235-am12-nprm").target_end == datetime.date(2027, 2, 28)
    assert AgendaRule.objects.get(rin="3235-AM12").edition == "202510"
    # Only the rule the newer edition did not hold was read from the older one.
    assert MilestoneUpdate.objects.exclude(milestone__slug__startswith="ua-1557").count() == (
        updates
    )


def test_an_invalid_row_refuses_the_whole_file_naming_rin_field_and_value():
    with pytest.raises(ImportFailed) as failure:
        load("agenda_invalid.xml")
    assert str(failure.value).startswith(
        "3235-AM12: TTBL_DATE “13/45/2026”: “13/45/2026” has no such month or year."
    )
    assert "--skip-invalid" in str(failure.value)
    assert not Milestone.objects.exists() and not Authority.objects.exists()


def test_skip_invalid_imports_the_rest_and_lists_each_row_skipped():
    report = load("agenda_invalid.xml", skip_invalid=True)
    assert report.rejected == [
        "3235-AM12: TTBL_DATE “13/45/2026”: “13/45/2026” has no such month or year",
        "RIN “3235-AM1”: not a RIN such as 3235-AM12",
        "3064-AF00: TTBL_DATE “02/30/2026”: “02/30/2026” is not a day of the calendar",
    ]
    assert set(Milestone.objects.values_list("slug", flat=True)) == {
        "ua-3235-am12-final-rule",
        "ua-3064-af02-nprm",
    }


def test_a_file_that_imports_nothing_writes_nothing():
    report = load("agenda_202504.xml", keyword="no rule says this")
    assert report.skipped == 4 and not report.created
    assert not Roadmap.objects.exists() and not Authority.objects.exists()
    assert not Workstream.objects.exists() and not Jurisdiction.objects.exists()


def test_a_utf16_file_with_its_byte_order_mark_is_read(tmp_path):
    text = (FIXTURES / "agenda_202504.xml").read_text(encoding="utf-8")
    path = tmp_path / "agenda_utf16.xml"
    path.write_bytes(text.replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16"))
    with path.open("rb") as stream:
        report = import_unified_agenda(stream)
    assert len(report.created) == 13
    assert Workstream.objects.get(slug="3235-am99").title.endswith("the Commission’s Safe Harbor")


def test_agencies_are_known_by_their_agenda_code_not_their_acronym():
    united_states = Jurisdiction.objects.create(code="US", name="United States")
    editors_sec = Authority.objects.create(
        acronym="SEC", name="U.S. Securities and Exchange Commission", jurisdiction=united_states
    )
    other_occ = Authority.objects.create(
        acronym="OCC", name="Office of the Chief Counsel", jurisdiction=united_states
    )
    load("agenda_202504.xml")
    editors_sec.refresh_from_db()
    assert editors_sec.agenda_code == "3235"  # the same agency: adopted, not duplicated
    comptroller = Authority.objects.get(agenda_code="1557")
    assert comptroller != other_occ and comptroller.acronym == "OCC-1557"
    other_occ.refresh_from_db()
    assert other_occ.agenda_code is None


def test_filters_take_only_what_the_editor_asked_for():
    report = load("agenda_202504.xml", agency="sec")
    assert report.skipped == 2 and not Workstream.objects.filter(slug="3064-af00").exists()
    report = load("agenda_202504.xml", rin_prefix="3064", keyword="tokenized")
    assert len(report.created) == 1


def test_a_dry_run_reports_and_writes_nothing():
    report = load("agenda_202504.xml", dry_run=True)
    assert len(report.created) == 13 and report.dry_run
    assert not Milestone.objects.exists() and not Roadmap.objects.exists()


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("billion_laughs.xml", "refused"),
        ("external_entity.xml", "refused"),
        ("wrong_root.xml", "root element is <rss>"),
        ("truncated.xml", "not well-formed"),
        ("fr_document.json", "not well-formed"),
    ],
)
def test_bad_files_give_a_clear_error_and_write_nothing(name, message):
    with pytest.raises(ImportFailed, match=message):
        load(name)
    assert not Milestone.objects.exists() and not Workstream.objects.exists()


def test_the_command_prints_the_report_and_refuses_bad_files(capsys):
    call_command("import_unified_agenda", str(FIXTURES / "agenda_202504.xml"), "--agency", "SEC")
    assert (
        "4 rules read: 11 created, 0 changed, 0 unchanged, 2 filtered out, 0 rejected"
        in capsys.readouterr().out
    )
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import_unified_agenda", str(FIXTURES / "agenda_invalid.xml"))
    call_command("import_unified_agenda", str(FIXTURES / "agenda_invalid.xml"), "--skip-invalid")
    assert "rejected: RIN “3235-AM1”" in capsys.readouterr().out
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import_unified_agenda", str(FIXTURES / "truncated.xml"))
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_unified_agenda", "/no/such/file.xml")


def test_a_dropped_row_is_shown_on_its_page_in_the_api_and_in_the_feeds(client):
    load("agenda_202504.xml")
    load("agenda_202510.xml")
    final = Milestone.objects.get(slug="ua-3235-am12-final-rule")
    page = client.get(final.get_absolute_url()).content.decode()
    assert "dropped by its source on" in page
    assert "Dropped from the agenda in the Fall 2025 edition." in page
    api = client.get(f"/api/v1/milestones/{final.slug}/").json()
    assert api["dropped_on"] == "2025-10-01"
    history = client.get(f"/api/v1/milestones/{final.slug}/history/").json()
    entries = history["results"] if isinstance(history, dict) else history
    assert entries[0]["kind"] == "dropped"
    assert entries[0]["description"] == "Dropped from the agenda in the Fall 2025 edition."
    feed = client.get("/feeds/updates.rss").content.decode()
    assert "Final Rule: Custody Rules for Crypto Assets: Dropped from the agenda" in feed
    statutory = client.get("/api/v1/milestones/ua-3235-am12-statutory-deadline-final/").json()
    assert statutory["legal_deadline"] == "statutory"


def test_each_change_is_dated_when_its_edition_was_published_not_when_imported():
    with time_machine.travel(TODAY, tick=False):
        load("agenda_202504.xml")
        load("agenda_202510.xml")
    nprm = Milestone.objects.get(slug="ua-3235-am12-nprm")
    created, slipped = nprm.updates.order_by("observed_at")
    assert created.observed_at == datetime.datetime(2025, 4, 1, tzinfo=datetime.UTC)
    assert slipped.observed_at == datetime.datetime(2025, 10, 1, tzinfo=datetime.UTC)
    assert slipped.recorded_at == TODAY
    dropped = Milestone.objects.get(slug="ua-3235-am12-final-rule").updates.first()
    assert dropped.observed_at == datetime.datetime(2025, 10, 1, tzinfo=datetime.UTC)


def test_an_import_forecasts_what_it_changed_and_stales_cached_pages_once():
    from roadmap.cache import content_version
    from roadmap.models import Forecast

    before = content_version()
    load("agenda_202504.xml")
    assert content_version() == before + 1  # one bump for thirteen milestones and their rows
    nprm = Milestone.objects.get(slug="ua-3235-am12-nprm")
    assert Forecast.objects.filter(milestone=nprm).exists()
    assert not Forecast.objects.filter(milestone__status=Status.COMPLETED).exists()


def test_what_the_sources_mean_reads_in_chinese_too(client, settings):
    load("agenda_202504.xml")
    load("agenda_202510.xml")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    dropped = client.get("/milestones/ua-3235-am12-final-rule/").content.decode()
    assert "来源已于" in dropped
    statutory = client.get("/milestones/ua-3235-am12-statutory-deadline-final/").content.decode()
    assert "法定期限" in statutory


def _edition(rules: int) -> bytes:
    rows = "".join(
        f"""<RIN_INFO><RIN>3235-A{chr(65 + n // 100)}{n % 100:02d}</RIN>
  <PUBLICATION><PUBLICATION_ID>202510</PUBLICATION_ID></PUBLICATION>
  <AGENCY><CODE>3235</CODE><NAME>Securities and Exchange Commission</NAME>
  <ACRONYM>SEC</ACRONYM></AGENCY><RULE_TITLE>Rule {n}</RULE_TITLE>
  <TIMETABLE_LIST><TIMETABLE><TTBL_ACTION>NPRM</TTBL_ACTION>
  <TTBL_DATE>0{n % 9 + 1}/00/2027</TTBL_DATE></TIMETABLE>
  <TIMETABLE><TTBL_ACTION>Final Rule</TTBL_ACTION></TIMETABLE></TIMETABLE_LIST>
</RIN_INFO>"""
        for n in range(rules)
    )
    return f'<?xml version="1.0"?><REGINFO_RIN_DATA>{rows}</REGINFO_RIN_DATA>'.encode()


@pytest.mark.parametrize("rules", [20, 200])
def test_re_importing_an_unchanged_edition_costs_the_same_few_queries_at_any_size(
    rules, django_assert_max_num_queries
):
    import io

    assert len(import_unified_agenda(io.BytesIO(_edition(rules))).created) == 2 * rules
    with django_assert_max_num_queries(12):
        report = import_unified_agenda(io.BytesIO(_edition(rules)))
    assert report.unchanged == 2 * rules


def _one_rule(edition: str, abstract: str) -> bytes:
    return f"""<?xml version="1.0"?><REGINFO_RIN_DATA><RIN_INFO><RIN>3235-AM99</RIN>
  <PUBLICATION><PUBLICATION_ID>{edition}</PUBLICATION_ID></PUBLICATION>
  <AGENCY><CODE>3235</CODE><ACRONYM>SEC</ACRONYM></AGENCY><RULE_TITLE>Custody</RULE_TITLE>
  <ABSTRACT>{abstract}</ABSTRACT>
  <TIMETABLE_LIST><TIMETABLE><TTBL_ACTION>NPRM</TTBL_ACTION>
  <TTBL_DATE>06/00/2027</TTBL_DATE></TIMETABLE></TIMETABLE_LIST>
</RIN_INFO></REGINFO_RIN_DATA>""".encode()


def test_a_summary_is_read_from_the_abstract_again_only_when_the_abstract_changes():
    import io

    import_unified_agenda(io.BytesIO(_one_rule("202504", "The Commission proposes rules.")))
    workstream = Workstream.objects.get(slug="3235-am99")
    assert workstream.summary == "The Commission proposes rules."
    Workstream.objects.filter(pk=workstream.pk).update(summary="Corrected by an editor.")

    import_unified_agenda(io.BytesIO(_one_rule("202510", "The Commission proposes rules.")))
    workstream.refresh_from_db()
    assert workstream.summary == "Corrected by an editor."
    assert AgendaRule.objects.get(rin="3235-AM99").edition == "202510"

    import_unified_agenda(io.BytesIO(_one_rule("202604", "The Commission adopts &lt;b&gt;rules.")))
    workstream.refresh_from_db()
    assert workstream.summary == "The Commission adopts rules."
