"""A followed milestone whose P80 moves past its target's period is told in the digest, once per
crossing, in the subscriber's language."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.db.models import F
from django.utils import formats, timezone, translation

from roadmap import services
from roadmap.forecasts.tasks import forecasts_refresh
from roadmap.models import Forecast
from roadmap.targets import Target
from tests.factories import AuthorityFactory, MilestoneFactory, WorkstreamFactory
from tests.roadmap.forecasts.test_forecasts import TODAY, completed_history
from tracker import sending
from tracker.models import Delivery, DeliveryKind

pytestmark = pytest.mark.django_db


def at(days: int, hour: int):
    """``days`` after today, at ``hour`` UTC, with the clock stopped there."""
    moment = datetime.datetime(TODAY.year, TODAY.month, TODAY.day, hour, tzinfo=datetime.UTC)
    return time_machine.travel(moment + datetime.timedelta(days=days), tick=False)


def digests_for(*readers, callbacks):
    from tracker.dispatch import dispatch_for

    mail.outbox.clear()
    with callbacks(execute=True):
        for reader in readers:
            reader.refresh_from_db()
            dispatch_for(reader)
    return {message.to[0]: message for message in mail.outbox}


def test_a_p80_past_the_target_is_told_once_per_crossing_in_each_language(
    make_subscriber, django_capture_on_commit_callbacks
):
    authority = AuthorityFactory(acronym="SEC")
    place = {"authority": authority, "workstream": WorkstreamFactory(roadmap__authority=authority)}
    completed_history(40, **place, late_days=(10, 100))
    end = TODAY + datetime.timedelta(days=60)
    with at(1, 8):
        reader = make_subscriber()
        chinese = make_subscriber(email="zh@example.com", language="zh-hans")
    with at(1, 10):
        milestone = services.milestone_create(
            title="Final rule on custody", target=Target.on_day(end), **place
        )
        forecasts_refresh()
    forecast = Forecast.objects.get(milestone=milestone)
    assert forecast.p80 > end and forecast.late_since is not None
    p80 = forecast.p80

    with at(2, 9):
        sent = digests_for(reader, chinese, callbacks=django_capture_on_commit_callbacks)
    english = sent[reader.email].body
    assert "Likely late" in english
    words = formats.date_format(p80, "DATE_FORMAT")
    assert f"Final rule on custody: 80% likely by {words}, target " in english
    html = sent[reader.email].alternatives[0][0]
    assert "Likely late" in html and words in html
    with translation.override("zh-hans"):
        chinese_words = formats.date_format(p80, "DATE_FORMAT")
    assert "可能延误" in sent[chinese.email].body
    assert f"80% 的可能在 {chinese_words} 前完成" in sent[chinese.email].body

    with at(2, 12):
        forecasts_refresh()  # the nightly refresh: still late, the same crossing
    assert Forecast.objects.get(milestone=milestone).late_since == forecast.late_since
    with at(3, 9):
        assert digests_for(reader, callbacks=django_capture_on_commit_callbacks) == {}

    # Every comparable rule here was late, so no refresh brings P80 back inside the target:
    # stand in for one that did, then let a slip push it out again.
    Forecast.objects.filter(milestone=milestone).update(p50=end, p80=end, late_since=None)
    with at(3, 11):
        services.milestone_move_target(
            milestone=milestone, target=Target.on_day(end + datetime.timedelta(days=7))
        )
    assert Forecast.objects.get(milestone=milestone).late_since is not None
    with at(4, 9):
        sent = digests_for(reader, callbacks=django_capture_on_commit_callbacks)
    assert "Likely late" in sent[reader.email].body  # a new crossing is told again


def test_a_crossing_alone_makes_a_digest_due(make_subscriber, django_capture_on_commit_callbacks):
    authority = AuthorityFactory(acronym="SEC")
    place = {"authority": authority, "workstream": WorkstreamFactory(roadmap__authority=authority)}
    completed_history(40, **place, late_days=(10, 100))
    with at(1, 8):
        services.milestone_create(
            title="Final rule on custody",
            target=Target.on_day(TODAY + datetime.timedelta(days=60)),
            **place,
        )
        reader = make_subscriber()
    with at(1, 10):
        forecasts_refresh()  # no change to the milestone since the reader subscribed
    with at(2, 9):
        sent = digests_for(reader, callbacks=django_capture_on_commit_callbacks)
    assert "Final rule on custody: 80% likely by" in sent[reader.email].body
    assert "New milestones" not in sent[reader.email].body


def test_likely_late_milestones_add_one_query_per_batch_not_per_subscriber(
    make_subscriber, django_assert_max_num_queries
):
    now = timezone.now()
    with time_machine.travel(now - datetime.timedelta(hours=1), tick=False):
        people = [make_subscriber(email=f"reader{n}@example.com") for n in range(30)]
    Delivery.objects.filter(kind=DeliveryKind.CONFIRMATION).delete()
    late = MilestoneFactory.create_batch(5)
    Forecast.objects.filter(milestone__in=late).update(  # as a refresh that found them late
        p50=F("target_end"), p80=F("target_end") + datetime.timedelta(days=90), late_since=now
    )
    ids = [
        Delivery.objects.create(
            subscriber=person,
            kind=DeliveryKind.DIGEST,
            key=f"digest:{now.date().isoformat()}",
            period=now.date(),
            changes_through=now,
        ).pk
        for person in people
    ]
    mail.outbox.clear()
    with django_assert_max_num_queries(8):
        outcome = sending.send_claimed(sending.claim(ids))
    assert len(outcome.sent) == 30
    assert len(mail.outbox) == 30
    assert all(message.body.count(": 80% likely by ") == 5 for message in mail.outbox)
