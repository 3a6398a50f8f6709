"""Fixtures shared by the whole suite, and the rule for tests that need a real service.

A test that needs Redis (or another real server) asks for it through ``require_redis``. Without the
service it is skipped, saying why, unless ``CI`` is set: then it fails, because CI must run it.
"""

import io
import os

import pytest
from django.conf import settings


def service_missing(reason: str):
    """Skip with ``reason`` on a developer's machine; fail in CI, where every service must be up."""
    if os.environ.get("CI"):
        pytest.fail(f"CI needs this service: {reason}")
    pytest.skip(reason)


@pytest.fixture
def require_redis():
    """Return the Redis URL the settings use, after checking that a server answers there."""
    import redis

    if not settings.REDIS_URL:
        service_missing("REDIS_URL is not set, so there is no Redis to test against")
    try:
        redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        service_missing(f"Redis at REDIS_URL does not answer: {error}")
    return settings.REDIS_URL


@pytest.fixture
def demo(db):
    """The demo roadmap, loaded as ``make run`` loads it, on an empty cache left empty after."""
    from django.core.cache import cache
    from django.core.management import call_command

    cache.clear()
    call_command("load_demo_roadmap", stdout=io.StringIO())
    yield
    cache.clear()


@pytest.fixture
def editor_api(db):
    """An API client signed in with a token as an editor who may add and change milestones."""
    from django.contrib.auth.models import Permission, User
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    editor = User.objects.create_user("editor")
    editor.user_permissions.set(
        Permission.objects.filter(codename__in=["add_milestone", "change_milestone"])
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=editor).key}")
    return client


@pytest.fixture(autouse=True)
def english_by_default():
    """Start every test in English: a request in another language leaves it active in the thread."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def broker_down():
    """Point Celery at a port where nothing listens: publishing fails as with Redis stopped."""
    from config.celery import app

    saved = app.conf.broker_url
    app.conf.task_always_eager = False
    app.conf.broker_url = "redis://127.0.0.1:9/0"
    app._pool, app.amqp._producer_pool = None, None
    yield
    app.conf.broker_url = saved
    app._pool, app.amqp._producer_pool = None, None
