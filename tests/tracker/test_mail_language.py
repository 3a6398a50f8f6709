"""A subscriber who reads 简体中文 gets the Chinese version of a milestone's title in emails,
and the English original, marked, where there is none."""

import pytest

from roadmap import services as roadmap_services
from roadmap.targets import Target
from tests.factories import MilestoneFactory, RoadmapFactory, WorkstreamFactory
from tracker import previews
from tracker.models import DeliveryKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def milestone():
    roadmap = RoadmapFactory(title="Crypto plan", title_zh_hans="加密计划")
    milestone = MilestoneFactory(
        title="Reserve audit rules",
        title_zh_hans="储备审计规则",
        workstream=WorkstreamFactory(roadmap=roadmap, title="Stablecoins"),
    )
    roadmap_services.milestone_move_target(
        milestone=milestone, target=Target.parse("Q4 2099"), note="Moved"
    )
    return milestone


@pytest.mark.parametrize("kind", [DeliveryKind.REMINDER, DeliveryKind.DIGEST])
def test_a_chinese_readers_email_names_the_milestone_in_chinese(make_subscriber, milestone, kind):
    subscriber = make_subscriber(language="zh-hans", reminder_days=[7])

    message = previews.preview(subscriber, kind)["message"]

    html = message.alternatives[0][0]
    assert "储备审计规则" in message.body and "储备审计规则" in html
    assert "Reserve audit rules" not in message.body + html
    if kind == DeliveryKind.REMINDER:
        assert "储备审计规则" in message.subject


def test_an_english_readers_email_keeps_the_original(make_subscriber, milestone):
    subscriber = make_subscriber(language="en", reminder_days=[7])

    message = previews.preview(subscriber, DeliveryKind.REMINDER)["message"]

    assert "Reserve audit rules" in message.subject
    assert "储备审计规则" not in message.body


def test_an_untranslated_title_is_the_original_marked_in_html(make_subscriber, milestone):
    type(milestone).objects.filter(pk=milestone.pk).update(title_zh_hans="")
    subscriber = make_subscriber(language="zh-hans", reminder_days=[7])

    message = previews.preview(subscriber, DeliveryKind.REMINDER)["message"]

    assert "Reserve audit rules" in message.body
    assert '<span lang="en">Reserve audit rules</span>' in message.alternatives[0][0]
