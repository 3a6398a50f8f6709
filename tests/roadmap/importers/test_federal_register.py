"""Importing Federal Register documents: deadlines, tracked rules, null versus absent."""

import datetime
import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command

from roadmap.importers.federal_register import import_documents, import_federal_register
from roadmap.importers.report import ImportFailed
from roadmap.importers.unified_agenda import import_unified_agenda
from roadmap.models import Authority, Milestone, Status

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


def test_a_search_page_with_an_invalid_document_is_refused_whole():
    with pytest.raises(ImportFailed, match="item 3: field “document_number” is required"):
        load("fr_search.json")
    assert not Milestone.objects.exists() and not Authority.objects.exists()


def test_skip_invalid_imports_the_rest_and_lists_what_it_skipped():
    report = load("fr_search.json", skip_invalid=True)
    assert report.read == 3
    effective = Milestone.objects.get(slug="fr-2026-22222-effective")
    assert effective.target_end == datetime.date(2026, 11, 1)
    assert effective.workstream.roadmap.slug == "us-federal-register"
    assert not Milestone.objects.filter(slug__startswith="fr-2026-33333").exists()  # a notice
    assert report.rejected == ["item 3: field “document_number” is required"]


def test_the_documents_own_words_about_its_dates_are_kept():
    load("fr_document.json")
    comments = Milestone.objects.get(slug="fr-2027-01234-comments")
    assert comments.target_wording == "Comments should be received on or before April 12, 2027."
    assert comments.summary.endswith("Comments should be received on or before April 12, 2027.")


def test_agencies_are_known_by_their_slug_not_by_initials():
    documents = [
        {
            "document_number": f"2026-0{n}",
            "title": f"Rule {n}",
            "type": "Rule",
            "publication_date": "2026-06-01",
            "effective_on": "2026-07-01",
            "agencies": [{"name": name, "slug": slug}],
        }
        for n, (name, slug) in enumerate(
            [
                ("Energy Department", "energy-department"),
                ("Education Department", "education-department"),
            ]
        )
    ]
    report = import_documents(documents)
    assert report.read == 2 and len(report.created) == 2
    energy = Authority.objects.get(federal_register_slug="energy-department")
    education = Authority.objects.get(federal_register_slug="education-department")
    assert energy != education and {energy.acronym, education.acronym} == {
        "ED",
        "ED-education",
    }
    assert import_documents(documents).unchanged == 2
    assert Authority.objects.filter(federal_register_slug__isnull=False).count() == 2


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"agencies": "EPA"}, 'field “agencies” should be a list of agency objects, not "EPA"'),
        (
            {"agencies": [None]},
            "field “agencies” should be a list of agency objects, not \\[null\\]",
        ),
        ({"title": 12}, "field “title” should be text, not a number"),
        ({"regulation_id_numbers": "3235-AM12"}, "field “regulation_id_numbers” should be a list"),
        ({"publication_date": ["2027-02-10"]}, "field “publication_date” should be a date"),
        ({"agencies": [{"slug": {"deep": 1}}]}, "an agency's “slug” should be text"),
    ],
)
def test_a_wrongly_typed_field_is_a_clear_refusal(change, message):
    document = {**json.loads((FIXTURES / "fr_document.json").read_text()), **change}
    with pytest.raises(ImportFailed, match=f"2027-01234: {message}"):
        import_documents([document])
    assert not Milestone.objects.exists()


def test_deeply_nested_json_is_refused_not_a_crash():
    deep = b'{"results": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    with pytest.raises(ImportFailed, match="nests its JSON too deeply"):
        import_federal_register(io.BytesIO(deep))


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


def test_an_absent_field_changes_nothing_and_a_bad_date_is_refused():
    load("fr_document.json")
    document = json.loads((FIXTURES / "fr_document.json").read_text())
    del document["comments_close_on"]
    report = import_federal_register(io.BytesIO(json.dumps(document).encode()))
    assert report.changed == [] and report.created == []
    document["comments_close_on"] = "April 12"
    with pytest.raises(ImportFailed, match="2027-01234: field “comments_close_on” should be a"):
        import_federal_register(io.BytesIO(json.dumps(document).encode()))


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
    call_command(
        "import_federal_register", str(FIXTURES / "fr_search.json"), "--dry-run", "--skip-invalid"
    )
    output = capsys.readouterr().out
    assert "3 documents read: 1 created" in output and "dry run" in output
    assert "rejected: item 3: field “document_number” is required" in output
    assert not Milestone.objects.exists()


def test_a_documents_changes_are_dated_by_its_publication():
    with (FIXTURES / "agenda_202504.xml").open("rb") as stream:
        import_unified_agenda(stream)
    load("fr_document.json")
    completion = Milestone.objects.get(slug="ua-3235-am12-nprm").updates.first()
    published = datetime.datetime(2027, 2, 10, tzinfo=datetime.UTC)
    assert completion.observed_at == published
    comments = Milestone.objects.get(slug="fr-2027-01234-comments").updates.get()
    assert comments.observed_at == published


def test_a_page_of_unchanged_documents_costs_a_few_queries_not_a_few_per_document(
    django_assert_max_num_queries,
):
    documents = [
        {
            "document_number": f"2026-{n:05d}",
            "title": f"Rule {n}",
            "type": "Rule",
            "publication_date": "2026-06-01",
            "effective_on": "2026-07-01",
            "agencies": [{"name": "Treasury Department", "slug": "treasury-department"}],
            "regulation_id_numbers": ["1505-AC00"],
        }
        for n in range(200)
    ]
    assert len(import_documents(documents).created) == 200
    # Each document still has its savepoint (so one bad one can be skipped): two statements.
    with django_assert_max_num_queries(2 * 200 + 8):
        report = import_documents(documents)
    assert report.unchanged == 200
