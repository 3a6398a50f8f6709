"""Editors import from the admin: a worker runs the import with the same code as the commands,
the page shows its progress and keeps the report, and the import writes only what the editor's
account may."""

import re
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission, User
from django.urls import reverse

from config.celery import app
from roadmap.importers import jobs
from roadmap.models import (
    Authority,
    ImportChunk,
    ImportJob,
    ImportState,
    Jurisdiction,
    Milestone,
    Roadmap,
    Workstream,
)
from tests.factories import RoadmapFactory

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).parent / "fixtures"
URL = "/admin/roadmap/milestone/import/"


@pytest.fixture(autouse=True)
def worker_inline():
    """Run the queued import in the test's process, as a worker would."""
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False


@pytest.fixture
def editor(client):
    user = User.objects.create_superuser("editor", "editor@example.com", "a-long-test-password")
    client.force_login(user)
    return client


@pytest.fixture
def upload(django_capture_on_commit_callbacks):
    def post(client, name, kind="unified_agenda", **fields):
        with (FIXTURES / name).open("rb") as file, django_capture_on_commit_callbacks(execute=True):
            response = client.post(URL, {"kind": kind, "file": file, **fields})
        assert response.status_code == 302, response.content.decode()[:2000]
        return client.get(response["Location"])

    return post


def test_an_editor_uploads_an_edition_and_reads_the_kept_report(editor, upload):
    assert reverse("admin:roadmap_milestone_import") == URL
    assert "Import government data" in editor.get("/admin/roadmap/milestone/").content.decode()
    dry = upload(editor, "agenda_202504.xml", dry_run="on", agency="SEC")
    assert (
        "Dry run: what would happen" in dry.content.decode() and "would be" in dry.content.decode()
    )
    assert not Milestone.objects.exists()
    page = upload(editor, "agenda_202504.xml", agency="SEC").content.decode()
    assert "11 created" in page and "http-equiv" not in page  # finished: no more reloading
    assert Milestone.objects.count() == 11
    job = ImportJob.objects.first()
    assert (job.state, job.progress, job.created_by.username) == (ImportState.DONE, 4, "editor")
    assert not ImportChunk.objects.exists()  # the file goes once imported; the report stays
    form = editor.get(URL)
    assert form.context["form"]["dry_run"].value() is True  # the safe choice, every time
    assert "agenda_202504.xml" in form.content.decode()  # listed among the recent imports


def test_a_waiting_import_says_so_and_reloads_itself(editor):
    with (FIXTURES / "agenda_202504.xml").open("rb") as file:
        response = editor.post(URL, {"kind": "unified_agenda", "file": file})
    page = editor.get(response["Location"]).content.decode()
    assert "waiting for a worker" in page and 'http-equiv="refresh"' in page
    job = ImportJob.objects.get()
    assert job.state == ImportState.QUEUED and ImportChunk.objects.filter(job=job).exists()
    jobs.import_job_run(job_id=job.pk)  # the worker takes it...
    assert jobs.import_job_run(job_id=job.pk).state == ImportState.DONE  # ...and only once
    assert Milestone.objects.count() == 13


def test_a_file_read_back_across_many_chunks_imports_the_same(editor, monkeypatch):
    monkeypatch.setattr(jobs, "CHUNK_BYTES", 97)
    with (FIXTURES / "agenda_202504.xml").open("rb") as file:
        editor.post(URL, {"kind": "unified_agenda", "file": file})
    job = ImportJob.objects.get()
    assert job.chunks.count() > 10
    assert jobs.import_job_run(job_id=job.pk).report[0].startswith("4 rules read: 13 created")


def test_a_refused_file_is_explained_in_whole_sentences_and_nothing_is_written(editor, upload):
    page = upload(editor, "truncated.xml")
    error = re.search(r'<p class="errornote">(.*?)</p>', page.content.decode(), re.S)[1]
    assert error.startswith("Nothing was imported: The file is not well-formed XML")
    assert error.endswith(".") and ". Nothing" not in error
    assert not Milestone.objects.exists()
    assert ImportJob.objects.get().state == ImportState.FAILED


def test_the_skip_invalid_choice_reaches_the_importer(editor, upload):
    refused = upload(editor, "agenda_invalid.xml").content.decode()
    assert "3235-AM12: TTBL_DATE “13/45/2026”" in refused
    kept = upload(editor, "agenda_invalid.xml", skip_invalid="on").content.decode()
    assert "rejected: RIN “3235-AM1”" in kept and Milestone.objects.count() == 2


def _milestone_editor(client, *extra):
    user = User.objects.create_user("clerk", password="a-long-test-password", is_staff=True)
    codenames = ["view_milestone", "add_milestone", "change_milestone", *extra]
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    client.force_login(user)
    return client


def test_an_import_creates_only_what_the_editors_account_may(client, upload):
    clerk = _milestone_editor(client)
    page = upload(clerk, "agenda_202504.xml").content.decode()
    assert "Nothing was imported: The file needs to create authorities (Securities and" in page
    assert not Roadmap.objects.exists() and not Authority.objects.exists()
    assert not Workstream.objects.exists() and not Milestone.objects.exists()


def test_an_import_into_what_exists_needs_only_the_rights_it_uses(client, upload):
    us = Jurisdiction.objects.create(code="US", name="United States")
    oira = Authority.objects.create(acronym="OIRA", name="OIRA", jurisdiction=us)
    RoadmapFactory(slug="us-unified-agenda", authority=oira)
    clerk = _milestone_editor(client, "add_workstream", "add_agendarule")
    refused = upload(clerk, "agenda_202504.xml", agency="SEC").content.decode()
    assert "The file needs to create authorities (Securities and Exchange Commission)" in refused
    Authority.objects.create(
        acronym="SEC",
        name="Securities and Exchange Commission",
        jurisdiction=us,
        agenda_code="3235",
    )
    imported = upload(clerk, "agenda_202504.xml", agency="SEC").content.decode()
    assert "11 created" in imported


def test_importing_needs_the_milestone_permissions(client):
    user = User.objects.create_user("viewer", password="a-long-test-password", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_milestone"))
    client.force_login(user)
    assert client.get(URL).status_code == 403


def test_an_import_that_cannot_be_queued_is_refused_saying_why(
    editor, broker_down, django_capture_on_commit_callbacks
):
    with (
        (FIXTURES / "agenda_202504.xml").open("rb") as file,
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = editor.post(URL, {"kind": "unified_agenda", "file": file})
    page = editor.get(response["Location"]).content.decode()
    assert "The task queue could not be reached; upload the file again." in page
    assert ImportJob.objects.get().state == ImportState.FAILED and not ImportChunk.objects.exists()
