"""With the cache's Redis down, subscribing still answers: the rate limits fail open, and say so.

The Redis here is a redis-server this module starts on a free port and kills; the shared one is
never touched.
"""

import logging

import pytest
from django.urls import reverse

from tests.redis_process import dead_redis_cache
from tracker.models import Subscriber

pytestmark = pytest.mark.django_db


@pytest.fixture
def dead_cache_redis():
    with dead_redis_cache() as server:
        yield server


def test_the_subscribe_page_answers_with_redis_down_and_logs_the_open_limit(
    client, dead_cache_redis, caplog, subscribe_form, django_capture_on_commit_callbacks
):
    with (
        caplog.at_level(logging.WARNING, logger="tracker.ratelimit"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post(reverse("tracker:subscribe"), subscribe_form)

    assert response.status_code == 302
    assert Subscriber.objects.filter(email="reader@example.com").exists()
    assert "rate limit not counted" in caplog.text


def test_the_subscribe_api_answers_with_redis_down(client, dead_cache_redis, caplog):
    body = {"email": "desk@example.com", "everything": True, "reminder_days": [7]}
    with caplog.at_level(logging.WARNING, logger="tracker.ratelimit"):
        response = client.post(reverse("api-subscribe"), body, content_type="application/json")

    assert response.status_code == 202
    assert "rate limit not counted" in caplog.text
