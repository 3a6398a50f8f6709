"""The editors' pages read properly: capitalised labels, whole sentences in their errors."""

import pytest
from django.contrib.auth.models import User

from tests.factories import MilestoneFactory

pytestmark = pytest.mark.django_db
IMPORT_URL = "/admin/roadmap/milestone/import/"


@pytest.fixture
def editor(client):
    user = User.objects.create_superuser("editor", "editor@example.com", "a-long-test-password")
    client.force_login(user)
    return client


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
