"""The editors' pages read properly: capitalised labels, the import form's safe default, whole
sentences in its errors."""

import re
from pathlib import Path

import pytest
from django.contrib.auth.models import User

from tests.factories import MilestoneFactory

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).parent / "importers" / "fixtures"
IMPORT_URL = "/admin/roadmap/milestone/import/"


@pytest.fixture
def editor(client):
    user = User.objects.create_superuser("editor", "editor@example.com", "a-long-test-password")
    client.force_login(user)
    return client


def upload(client, name, **fields):
    with (FIXTURES / name).open("rb") as file:
        return client.post(IMPORT_URL, {"kind": "unified_agenda", "file": file, **fields})


def test_after_a_real_import_the_form_has_dry_run_ticked_again(editor):
    response = upload(editor, "agenda_202504.xml", agency="SEC")

    assert "11 created" in response.content.decode()
    assert response.context["form"]["dry_run"].value() is True
    assert re.search(r'<input[^>]*name="dry_run"[^>]*checked', response.content.decode())


def test_a_refused_file_is_explained_in_whole_sentences(editor):
    response = upload(editor, "truncated.xml")

    error = response.context["error"]
    assert error.startswith("Nothing was imported: ") and error.endswith(".")
    assert ". Nothing" not in error and " Nothing was imported" not in error[1:]


def test_the_admins_own_forms_have_capitalised_labels(editor):
    milestone = MilestoneFactory()

    pages = [
        editor.get(IMPORT_URL).content.decode(),
        editor.get(f"/admin/roadmap/milestone/{milestone.pk}/change/").content.decode(),
    ]

    for label in ("What the file is:", "Dry run:", "Only this agency:"):
        assert label in pages[0]
    for label in ("Target:", "Note for the history:"):
        assert label in pages[1]
