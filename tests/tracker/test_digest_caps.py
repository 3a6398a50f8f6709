"""A digest stays a readable size however much its subscriber follows: each section is capped."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from roadmap.targets import Target
from tests.factories import MilestoneFactory, WorkstreamFactory
from tracker import mail, schedule, selectors
from tracker.content import DIGEST_SECTION_LIMIT as LIST_LIMIT
from tracker.content import DigestBuilder
from tracker.models import Delivery, DeliveryKind

pytestmark = pytest.mark.django_db

EXTRA = 15


@pytest.fixture
def follows_everything(make_subscriber):
    """A subscriber who follows everything, confirmed before many milestones due soon appear."""
    with time_machine.travel(timezone.now() - datetime.timedelta(hours=1), tick=False):
        subscriber = make_subscriber(language="en")
    workstream = WorkstreamFactory()
    due = timezone.localdate() + datetime.timedelta(days=10)
    for n in range(LIST_LIMIT + EXTRA):
        MilestoneFactory(
            workstream=workstream, title=f"Rule {n:03}", target=Target.parse(due.isoformat())
        )
    return subscriber


def _digest(subscriber, language):
    now = timezone.now()
    subscriber.language = language
    delivery = Delivery(
        subscriber=subscriber,
        kind=DeliveryKind.DIGEST,
        period=schedule.local_day(now, subscriber.timezone),
        changes_through=now,
    )
    content = DigestBuilder(selectors.batch_state([delivery])).content(delivery)
    return content, mail.render("digest", {"digest": content}, language)


def test_each_digest_section_shows_at_most_the_limit_and_says_how_many_more(
    follows_everything, settings
):
    content, rendered = _digest(follows_everything, "en")
    assert len(content.new) == len(content.due_soon) == LIST_LIMIT
    assert content.new.more == content.due_soon.more == EXTRA
    assert content.change_count == LIST_LIMIT + EXTRA
    assert f"{LIST_LIMIT + EXTRA} changes" in rendered.subject
    assert rendered.text.count(f"and {EXTRA} more: {settings.SITE_URL}/") == 2
    assert rendered.html.count(f'href="{settings.SITE_URL}/"') >= 2
    assert rendered.html.count(f"and {EXTRA} more") == 2
    for part in (rendered.text, rendered.html):
        assert part.count("Rule 000") == 2  # in "new" and "due soon"
        assert f"Rule {LIST_LIMIT:03}" not in part


def test_a_digest_of_thousands_of_changes_stays_small(make_subscriber, settings):
    with time_machine.travel(timezone.now() - datetime.timedelta(hours=1), tick=False):
        subscriber = make_subscriber(language="en")
    workstream = WorkstreamFactory()
    for n in range(300):
        MilestoneFactory(workstream=workstream, title=f"Rule {n:03} " + "x" * 80)
    _content, rendered = _digest(subscriber, "en")
    assert len(rendered.html.encode()) < 40_000
    assert len(rendered.text.encode()) < 15_000


def test_the_more_line_is_in_the_subscribers_language(follows_everything):
    _content, rendered = _digest(follows_everything, "zh-hans")
    assert rendered.text.count(f"另有 {EXTRA} 项") == 2
