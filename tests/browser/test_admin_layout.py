"""The editors' pages in a real browser: columns that read, inlines that fit the page."""

import pytest
from django.contrib.auth.models import User
from django.test import Client

from roadmap.models import Milestone, Source

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def editor_page(page, demo_site):
    user = User.objects.create_superuser("editor", "editor@example.com", "a-long-test-password")
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": demo_site}]
    )
    return page


def test_the_milestone_list_keeps_titles_readable_and_clips_no_column(editor_page, demo_site):
    editor_page.goto(demo_site + "/admin/roadmap/milestone/")

    results = editor_page.locator("#changelist .results")
    assert results.evaluate("box => box.scrollWidth <= box.clientWidth")  # no column cut off
    titles = editor_page.locator("#result_list .field-title").all()
    assert max(title.bounding_box()["height"] for title in titles) <= 70  # three lines at most


def test_the_sources_inline_fits_the_change_page(editor_page, demo_site):
    milestone = Milestone.objects.get(slug="sec-first-phase-public-comment")
    Source.objects.create(
        milestone=milestone,
        title="A report with a rather long title about the first phase of the task force",
        publisher="A publisher",
        url="https://example.org/" + "long-path/" * 12,
    )
    editor_page.goto(demo_site + f"/admin/roadmap/milestone/{milestone.pk}/change/")

    width = editor_page.evaluate("document.documentElement.clientWidth")
    assert editor_page.evaluate("document.documentElement.scrollWidth") <= width
    assert editor_page.locator("#sources-group").bounding_box()["width"] <= width
