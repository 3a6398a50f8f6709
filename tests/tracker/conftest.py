"""Tracker fixtures: Celery runs tasks inline, the cache starts empty, subscribers and the subscribe
form on demand."""

import pytest
from django.core.cache import cache

from config.celery import app
from tracker import services
from tracker.models import Subscriber


@pytest.fixture(autouse=True)
def inline_celery(request):
    """Run ``.delay()`` in the test's own process, except in tests marked ``real_worker``."""
    if request.node.get_closest_marker("real_worker"):
        yield
        return
    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager = False


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def subscribe_form():
    """What the subscribe page posts for an English reader following everything, weekly."""
    return {
        "email": "reader@example.com",
        "everything": "on",
        "digest_frequency": "weekly",
        "digest_weekday": "0",
        "reminder_days": "7",
        "timezone": "UTC",
        "send_hour": "8",
        "language": "en",
    }


@pytest.fixture
def make_subscriber(db):
    """Return a function making a confirmed subscriber following ``follows``."""

    def make(email="reader@example.com", follows=None, confirm=True, **preferences):
        preferences = {"reminder_days": [30, 7, 1], "digest_frequency": "daily", **preferences}
        follows = follows or services.Follows(everything=True)
        services.subscriber_subscribe(email=email, preferences=preferences, follows=follows)
        subscriber = Subscriber.objects.get(email=email)
        if confirm:
            subscriber = services.subscriber_confirm(subscriber=subscriber)
        return subscriber

    return make


@pytest.fixture
def smtp_sink(settings):
    """A real SMTP server (aiosmtpd) that Django's SMTP backend sends to for this test."""
    from tests.tracker.smtp_sink import SmtpSink

    with SmtpSink() as sink:
        for name, value in sink.settings().items():
            setattr(settings, name, value)
        yield sink
