"""Small things a reader meets first: the site's icon, and what the dashboard says of changes."""

import pytest
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.urls import reverse

from roadmap.models import MilestoneUpdate
from tests.factories import MilestoneFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def test_the_favicon_is_served_at_the_root(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 301
    assert response["Location"] == "/static/roadmap/favicon.ico"
    with open(finders.find("roadmap/favicon.ico"), "rb") as icon:
        assert icon.read(4) == b"\x00\x00\x01\x00"  # an ICO file


def test_pages_name_their_icon(client):
    page = client.get(reverse("roadmap:comparison")).content.decode()

    assert '<link rel="icon" href="/static/roadmap/favicon.ico">' in page


def test_a_roadmap_with_only_new_milestones_does_not_claim_no_changes_were_recorded(client):
    # The demo records what happened to its milestones since; these have only been created.
    MilestoneFactory.create_batch(3)
    assert MilestoneUpdate.objects.exists()  # what the feeds list

    page = client.get(reverse("roadmap:dashboard")).content.decode()

    assert "No changes recorded yet" not in page
    assert "No milestone has changed since it was first tracked." in page
