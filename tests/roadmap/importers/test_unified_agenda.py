"""Importing Unified Agenda editions: quirks, idempotence, slips, filters and hostile files."""

import datetime
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from roadmap.importers.report import ImportFailed
from roadmap.importers.unified_agenda import import_unified_agenda
from roadmap.models import Confidence, Milestone, MilestoneUpdate, Roadmap, Status, Workstream
from roadmap.targets import Precision

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).parent / "fixtures"


def load(name, **options):
    with (FIXTURES / name).open("rb") as stream:
        return import_unified_agenda(stream, **options)


def test_an_edition_becomes_rules_and_timetables_with_every_quirk_handled():
    report = load("agenda_202504.xml")
    assert len(report.created) == 6
    assert report.rejected == [
        "3235-AM99: timetable row skipped: “13/45/2026” has no such month or year"
    ]
    assert "Removed 1 stray control bytes" in " ".join(report.notes)
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
    anprm = Milestone.objects.get(slug="ua-3235-am99-anprm")
    assert anprm.status == Status.COMPLETED and anprm.actual_date == datetime.date(2025, 3, 15)
    old = Milestone.objects.get(slug="ua-3235-am99-comment-period-end")
    assert old.target_start == datetime.date(1997, 2, 3)
    safe_harbor = Workstream.objects.get(slug="3235-am99")
    assert safe_harbor.title == "3235-AM99: Crypto Asset Disclosure & Safe Harbor"
    assert (
        safe_harbor.summary
        == "The Commission proposed a safe harbor.\n\nIt would cover token offerings."
    )


def test_importing_the_same_edition_twice_changes_nothing():
    load("agenda_202504.xml")
    updates = MilestoneUpdate.objects.count()
    report = load("agenda_202504.xml")
    assert (report.created, report.changed, report.unchanged) == ([], [], 6)
    assert MilestoneUpdate.objects.count() == updates


def test_a_later_edition_records_a_slip_with_the_edition_as_source():
    load("agenda_202504.xml")
    report = load("agenda_202510.xml")
    assert report.changed == ["3235-AM12 NPRM: target November 2026 → February 2027 (+90 days)"]
    nprm = Milestone.objects.get(slug="ua-3235-am12-nprm")
    assert nprm.slip_count == 1 and nprm.slip_days == 90
    update = nprm.updates.first()
    assert update.is_slip and update.source.title == "Unified Agenda, edition 202510"


def test_filters_take_only_what_the_editor_asked_for():
    report = load("agenda_202504.xml", agency="sec")
    assert report.skipped == 1 and not Workstream.objects.filter(slug="3064-af00").exists()
    report = load("agenda_202504.xml", rin_prefix="3064", keyword="tokenized")
    assert len(report.created) == 1


def test_a_dry_run_reports_and_writes_nothing():
    report = load("agenda_202504.xml", dry_run=True)
    assert len(report.created) == 6 and report.dry_run
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
        "5 created, 0 changed, 0 unchanged, 1 filtered out, 1 rejected" in capsys.readouterr().out
    )
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import_unified_agenda", str(FIXTURES / "truncated.xml"))
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_unified_agenda", "/no/such/file.xml")
