"""What an existing subscriber sees and can do on the preferences page, and what the
confirmation email says before anyone has confirmed."""

import datetime

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from tests.factories import MilestoneFactory
from tracker import services, tokens
from tracker.models import Follow, Subscriber

pytestmark = pytest.mark.django_db

PREFERENCES = {
    "digest_frequency": "weekly",
    "digest_weekday": "2",
    "reminder_days": "30, 7, 1",
    "timezone": "Asia/Singapore",
    "send_hour": "9",
    "language": "en",
}


def _manage_url(subscriber):
    return reverse("tracker:manage", args=[tokens.make_token(subscriber, tokens.MANAGE)])


def _followed_milestones(subscriber):
    return {
        f.milestone.slug
        for f in Follow.objects.filter(subscriber=subscriber, milestone__isnull=False)
    }


def test_the_preferences_page_offers_to_add_a_milestone_by_its_address(make_subscriber):
    followed = MilestoneFactory()
    wanted = MilestoneFactory()
    subscriber = make_subscriber(follows=services.Follows(milestones=[followed]))
    url = _manage_url(subscriber)
    client = Client()
    assert 'name="add_milestone"' in client.get(url).content.decode()

    response = client.post(
        url,
        {
            **PREFERENCES,
            "milestones": [followed.slug],
            "add_milestone": f"https://roadmap.example.org{wanted.get_absolute_url()}?x=1",
        },
    )

    assert response.status_code == 302
    assert _followed_milestones(subscriber) == {followed.slug, wanted.slug}


def test_adding_a_milestone_by_its_short_name_alone_is_enough(make_subscriber):
    wanted = MilestoneFactory()
    subscriber = make_subscriber(follows=services.Follows(everything=True))

    response = Client().post(
        _manage_url(subscriber), {**PREFERENCES, "everything": "", "add_milestone": wanted.slug}
    )

    assert response.status_code == 302
    assert _followed_milestones(subscriber) == {wanted.slug}


def test_an_unknown_milestone_gets_a_field_error_and_changes_nothing(make_subscriber):
    subscriber = make_subscriber(follows=services.Follows(everything=True))
    text = "https://roadmap.example.org/milestones/no-such/"

    response = Client().post(_manage_url(subscriber), {**PREFERENCES, "add_milestone": text})

    assert response.status_code == 400
    assert 'id="id_add_milestone_error"' in response.content.decode()
    assert _followed_milestones(subscriber) == set()


def test_the_last_digest_is_shown_in_the_subscribers_time_zone(make_subscriber):
    subscriber = make_subscriber(timezone="Asia/Singapore")
    Subscriber.objects.filter(pk=subscriber.pk).update(
        last_digest_at=datetime.datetime(2025, 8, 15, 0, 30, tzinfo=datetime.UTC)
    )

    page = Client().get(_manage_url(subscriber)).content.decode()

    assert "Aug. 15, 2025, 8:30 a.m. (Asia/Singapore)" in page
    assert "UTC" not in page.split("Last digest")[1].split("</dd>")[0]


def test_the_confirmation_names_the_address_and_repeats_the_choices(
    make_subscriber, django_capture_on_commit_callbacks
):
    milestone = MilestoneFactory(title="Stablecoin reserve audit rules")
    with django_capture_on_commit_callbacks(execute=True):
        make_subscriber(
            email="reader@example.com",
            confirm=False,
            follows=services.Follows(milestones=[milestone]),
            digest_frequency="weekly",
            digest_weekday=2,
            reminder_days=[30, 7],
            timezone="Asia/Singapore",
            send_hour=9,
        )

    [message] = mail.outbox
    html = message.alternatives[0][0]
    for body in (message.body, html):
        assert "because you subscribed" not in body
        assert "at this address: reader@example.com" in " ".join(body.split()).replace(
            "<strong>", ""
        ).replace("</strong>", "")
        assert "Stablecoin reserve audit rules" in body
        assert "weekly, on Wednesday" in body
        assert "30 and 7 days before" in body
        assert "09:00 (Asia/Singapore)" in body


def test_reminder_days_read_as_a_list_in_either_language():
    from django.utils import translation

    from tracker.templatetags.subscription_tags import reminder_words

    assert reminder_words([30, 7, 1]) == "30, 7 and 1 days before a target"
    assert reminder_words([1]) == "1 day before a target"
    with translation.override("zh-hans"):
        assert reminder_words([30, 7, 1]) == "目标日期前 30、7和1 天"
