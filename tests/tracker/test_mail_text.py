"""Subjects and plain-text parts are not HTML: a title with & or < reads as written there."""

import pytest

from roadmap import services as roadmap_services
from roadmap.targets import Target
from tests.factories import MilestoneFactory, RoadmapFactory, WorkstreamFactory
from tracker import previews
from tracker.models import DeliveryKind

pytestmark = pytest.mark.django_db

TITLE = 'Tom & Jerry\'s <rules> "final"'
ESCAPES = ("&amp;", "&lt;", "&gt;", "&#x27;", "&#39;", "&quot;")


@pytest.fixture
def subscriber(make_subscriber):
    roadmap = RoadmapFactory(title="R&D <plan>")
    milestone = MilestoneFactory(
        title=TITLE, workstream=WorkstreamFactory(roadmap=roadmap, title="Q&A")
    )
    roadmap_services.milestone_move_target(
        milestone=milestone, target=Target.parse("Q4 2099"), note="Moved & noted"
    )
    return make_subscriber(email="o'neil@example.com", reminder_days=[7])


@pytest.mark.parametrize("kind", DeliveryKind.values)
def test_subject_and_text_part_are_not_html_escaped(subscriber, kind):
    message = previews.preview(subscriber, kind)["message"]

    for part in (message.subject, message.body):
        assert not any(escape in part for escape in ESCAPES), part


@pytest.mark.parametrize("kind", [DeliveryKind.REMINDER, DeliveryKind.DIGEST])
def test_the_title_reads_as_written_in_text_and_escaped_in_html(subscriber, kind):
    message = previews.preview(subscriber, kind)["message"]

    assert TITLE in message.body
    assert "Tom &amp; Jerry" in message.alternatives[0][0]
    if kind == DeliveryKind.REMINDER:
        assert TITLE in message.subject
