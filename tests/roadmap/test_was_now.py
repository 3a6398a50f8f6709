"""A slipped target is shown with the one it replaced struck through, wherever it appears."""

import datetime

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse

from roadmap import services
from roadmap.targets import Target
from tests.factories import MilestoneFactory
from tracker.content import Change, DigestContent, MilestoneFacts
from tracker.mail import render

pytestmark = pytest.mark.django_db
TODAY = datetime.datetime(2025, 8, 15, 12, tzinfo=datetime.UTC)
WAS_NOW = '<del><span class="visually-hidden">was </span>by Q3 2025</del> ' + (
    '<span class="visually-hidden">now </span>by Q4 2025'
)


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def slipped():
    milestone = MilestoneFactory(title="Slipped rule", target=Target.parse("by Q3 2025"))
    services.milestone_move_target(
        milestone=milestone, target=Target.parse("by Q4 2025"), note="Pushed back"
    )
    return milestone


@time_machine.travel(datetime.datetime(2025, 11, 1, 12, tzinfo=datetime.UTC))
def test_the_dashboard_list_and_timeline_key_show_was_and_now(client, slipped):
    page = client.get(reverse("roadmap:dashboard")).content.decode()

    table = page.split('<table class="milestones">')[1]
    key = page.split('class="timeline-key"')[1].split("</details>")[0]
    due = page.split('id="due-heading"')[1].split('id="overdue-heading"')[0]
    assert WAS_NOW in table
    assert WAS_NOW in key
    assert WAS_NOW in due


def test_the_milestone_page_shows_was_and_now(client, slipped):
    page = client.get(slipped.get_absolute_url()).content.decode()

    target = page.split("<dt>Target</dt>")[1].split("</dd>")[0]
    assert WAS_NOW in target


def test_a_target_brought_forward_shows_no_strike(client):
    milestone = MilestoneFactory(title="Early rule", target=Target.parse("by Q4 2025"))
    services.milestone_move_target(milestone=milestone, target=Target.parse("by Q3 2025"))

    page = client.get(milestone.get_absolute_url()).content.decode()

    assert "<del>" not in page.split("<dt>Target</dt>")[1].split("</dd>")[0]


def test_the_latest_slip_is_the_one_shown(client, slipped):
    services.milestone_move_target(milestone=slipped, target=Target.parse("by Q1 2026"))

    page = client.get(slipped.get_absolute_url()).content.decode()

    target = page.split("<dt>Target</dt>")[1].split("</dd>")[0]
    assert "was </span>by Q4 2025</del>" in target and "now </span>by Q1 2026" in target


def test_a_feed_item_of_a_slip_strikes_the_old_target(client, slipped):
    body = client.get(reverse("roadmap:all-rss")).content.decode()

    assert "&lt;del&gt;by Q3 2025&lt;/del&gt; by Q4 2025" in body


def test_the_digest_strikes_the_old_target_of_a_slip(slipped):
    update = slipped.updates.filter(slip_days__gt=0).get()
    change = Change(milestone=MilestoneFacts.of(slipped), update=update, recorded_on=TODAY.date())
    digest = DigestContent(language="en", day=TODAY.date(), slipped=(change,))

    email = render("digest", {"digest": digest}, "en")

    assert "<del>by Q3 2025</del> by Q4 2025" in email.html
    assert "was by Q3 2025, now by Q4 2025" in email.text
