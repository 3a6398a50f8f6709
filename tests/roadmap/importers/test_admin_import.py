"""Editors import from the admin with the same code as the commands."""

from pathlib import Path

import pytest
from django.contrib.auth.models import Permission, User
from django.urls import reverse

from roadmap.models import Milestone

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).parent / "fixtures"
URL = "/admin/roadmap/milestone/import/"


@pytest.fixture
def editor(client):
    user = User.objects.create_superuser("editor", "editor@example.com", "a-long-test-password")
    client.force_login(user)
    return client


def upload(client, name, **fields):
    with (FIXTURES / name).open("rb") as file:
        return client.post(URL, {"kind": "unified_agenda", "file": file, **fields})


def test_an_editor_uploads_an_edition_and_reads_the_report(editor):
    assert reverse("admin:roadmap_milestone_import") == URL
    assert "Import government data" in editor.get("/admin/roadmap/milestone/").content.decode()
    dry = upload(editor, "agenda_202504.xml", dry_run="on", agency="SEC")
    assert dry.status_code == 200 and "would be" in dry.content.decode()
    assert not Milestone.objects.exists()
    response = upload(editor, "agenda_202504.xml", agency="SEC")
    assert "11 created" in response.content.decode()
    assert Milestone.objects.count() == 11


def test_a_bad_file_is_explained_and_nothing_is_written(editor):
    response = upload(editor, "billion_laughs.xml")
    assert response.status_code == 400
    assert "Nothing was imported" in response.content.decode()
    assert not Milestone.objects.exists()


def test_importing_needs_the_milestone_permissions(client):
    user = User.objects.create_user("viewer", password="a-long-test-password", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_milestone"))
    client.force_login(user)
    assert client.get(URL).status_code == 403
