"""Importing Federal Register documents: deadlines, tracked rules, null versus absent."""

import datetime
import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command

from roadmap.importers.federal_register import import_federal_register
from roadmap.importers.report import ImportFailed
from roadmap.importers.unified_agenda import import_unified_agenda
from roadmap.models import Milestone, Status

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).parent / "fixtures"


def load(name, **options):
    with (FIXTURES / name).open("rb") as stream:
        return import_federal_register(stream, **options)


def test_a_proposed_rule_of_a_tracked_rin_completes_its_nprm_and_sets_the_comment_deadline():
    with (FIXTURES / "agenda_202504.xml").open("rb") as stream:
        import_unified_agenda(stream)
    report = load("fr_document.json")
    nprm = Milestone.objects.get(slug="ua-3235-am12-nprm")
    assert nprm.status == Status.COMPLETED and nprm.actual_date == datetime.date(2027, 2, 10)
    assert nprm.sources.last().title == "Federal Register 92 FR 5555"
    comments = Milestone.objects.get(slug="fr-2027-01234-comments")
    assert comments.workstream == nprm.workstream
    assert comments.target_end == datetime.date(2027, 4, 12) and comments.target_precision == "day"
    assert len(report.created) == 1 and len(report.changed) == 1
    again = load("fr_document.json")
    assert (again.created, again.changed, again.unchanged) == ([], [], 1)


def test_a_search_page_imports_what_is_there_and_rejects_what_is_not_a_document():
    report = load("fr_search.json")
    effective = Milestone.objects.get(slug="fr-2026-22222-effective")
    assert effective.target_end == datetime.date(2026, 11, 1)
    assert effective.workstream.roadmap.slug == "us-federal-register"
    assert not Milestone.objects.filter(slug__startswith="fr-2026-33333").exists()  # a notice
    assert report.rejected == ["item 3: document_number, title and publication_date are required"]


def test_a_moved_deadline_is_a_change_not_a_new_milestone():
    load("fr_document.json")
    document = json.loads((FIXTURES / "fr_document.json").read_text())
    document["comments_close_on"] = "2027-05-12"
    report = import_federal_register(io.BytesIO(json.dumps(document).encode()))
    assert report.changed == [
        "Comment period closes: Custody Rules for Crypto Assets: "
        "on April 12, 2027 → on May 12, 2027"
    ]
    assert Milestone.objects.get(slug="fr-2027-01234-comments").slip_days == 30


def test_an_absent_field_changes_nothing_and_a_bad_date_is_rejected():
    load("fr_document.json")
    document = json.loads((FIXTURES / "fr_document.json").read_text())
    del document["comments_close_on"]
    report = import_federal_register(io.BytesIO(json.dumps(document).encode()))
    assert report.changed == [] and report.created == []
    document["comments_close_on"] = "April 12"
    report = import_federal_register(io.BytesIO(json.dumps(document).encode()))
    assert "2027-01234" in report.rejected[0]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"<?xml version='1.0'?><REGINFO_RIN_DATA/>", "not JSON"),
        (b'{"results": [', "not JSON"),
        (b"[1, 2]", "not a Federal Register document"),
        (b'{"count": 0}', "not a Federal Register document"),
    ],
)
def test_bad_files_give_a_clear_error_and_write_nothing(content, message):
    with pytest.raises(ImportFailed, match=message):
        import_federal_register(io.BytesIO(content))
    assert not Milestone.objects.exists()


def test_the_command_dry_run_writes_nothing(capsys):
    call_command("import_federal_register", str(FIXTURES / "fr_search.json"), "--dry-run")
    assert "dry run" in capsys.readouterr().out
    assert not Milestone.objects.exists()
