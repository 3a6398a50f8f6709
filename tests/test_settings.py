"""The settings read from the environment, and production settings pass Django's deploy checks."""

import os
import subprocess
import sys
from pathlib import Path

from django.core.cache import caches

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_ENV = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "a-production-secret-that-is-long-and-random-enough-0123456789abcdef",
    "DJANGO_ALLOWED_HOSTS": "roadmap.example.org",
    "SITE_URL": "https://roadmap.example.org",
}


def run_manage(*args, env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    return subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean | env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_check_deploy_with_no_warnings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "DJANGO_SECRET_KEY"}

    result = run_manage("check", env=env)

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_celery_and_cache_use_redis_when_redis_url_is_set(require_redis, settings):
    assert require_redis == settings.CELERY_BROKER_URL
    cache = caches["default"]
    cache.set("settings-test", "through redis", 30)

    assert cache.get("settings-test") == "through redis"
    assert "Redis" in type(cache).__name__


def test_embedded_defaults_need_no_server():
    env = {"DJANGO_DEBUG": "1", "DATABASE_URL": "", "REDIS_URL": "", "EMAIL_URL": ""}
    code = (
        "from django.conf import settings as s;"
        "print(s.DATABASES['default']['ENGINE'], s.CELERY_BROKER_URL, s.EMAIL_BACKEND,"
        " s.EMAIL_FILE_PATH == s.VAR_DIR / 'mail', s.VAR_DIR.is_absolute())"
    )

    result = run_manage("shell", "--no-imports", "-c", code, env=env)

    assert result.stdout.split() == [
        "django.db.backends.sqlite3",
        "filesystem://",
        "django.core.mail.backends.filebased.EmailBackend",
        "True",  # mail lands in var/mail, not in a path relative to the working directory
        "True",
    ], result.stderr


def test_the_redis_cache_degrades_to_none_when_redis_is_unreachable(require_redis, settings):
    from django.core.cache import CacheHandler

    # Nothing listens on port 1: a real refused connection.
    unreachable = settings.CACHES["default"] | {"LOCATION": "redis://127.0.0.1:1/0"}
    cache = CacheHandler({"default": unreachable})["default"]

    cache.set("key", "value", 30)

    assert cache.get("key") is None


def test_the_cache_can_have_its_own_redis_database_apart_from_the_broker():
    env = {
        "DJANGO_DEBUG": "1",
        "REDIS_URL": "redis://queue.internal:6379/0",
        "REDIS_CACHE_URL": "redis://queue.internal:6379/1",
    }
    code = "from django.conf import settings as s;print(s.CELERY_BROKER_URL, s.CACHES['default'])"

    result = run_manage("shell", "--no-imports", "-c", code, env=env)

    broker, cache = result.stdout.split(" ", 1)
    assert broker == "redis://queue.internal:6379/0", result.stderr
    assert "'LOCATION': 'redis://queue.internal:6379/1'" in cache
