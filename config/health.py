"""The health endpoint: can this process reach the database, the cache and the Celery broker?"""

from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from config.celery import app as celery_app

CHECK_TIMEOUT_SECONDS = 2


def _database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _cache():
    cache.set("health-check", "ok", 10)
    if cache.get("health-check") != "ok":
        raise RuntimeError("the cache did not return what was just stored")


def _broker():
    with celery_app.connection_for_write() as broker:
        broker.ensure_connection(max_retries=1, timeout=CHECK_TIMEOUT_SECONDS)


CHECKS = {"database": _database, "cache": _cache, "broker": _broker}


@never_cache
@require_GET
def health(request):
    """Answer 200 with each check "ok", or 503 naming the ones that failed and why."""
    report = {}
    for name, check in CHECKS.items():
        try:
            check()
        except Exception as error:
            report[name] = f"error: {type(error).__name__}: {error}"[:300]
        else:
            report[name] = "ok"
    healthy = all(value == "ok" for value in report.values())
    return JsonResponse({"healthy": healthy, **report}, status=200 if healthy else 503)
