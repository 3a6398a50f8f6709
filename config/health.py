"""The health endpoint: can this process reach the database, the cache and the Celery broker, does
a worker answer, and is beat ticking?

Anyone gets "ok" or "failing" for each part; the reasons (error text, the beat's age) go only to
staff and to a client on a loopback address, since they name internal hosts and ports.
"""

import datetime
import ipaddress

from django.core.cache import cache
from django.db import connection
from django.db.models import Max
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django_celery_beat.models import PeriodicTask

from config.celery import app as celery_app
from config.clients import client_address

CHECK_TIMEOUT_SECONDS = 2
PING_TIMEOUT_SECONDS = 1
# Beat's shortest schedule is every 5 minutes and it saves last_run_at every few minutes.
BEAT_MAX_AGE = datetime.timedelta(minutes=15)


def _database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return "reachable"


def _cache():
    cache.set("health-check", "ok", 10)
    if cache.get("health-check") != "ok":
        raise RuntimeError("the cache did not return what was just stored")
    return "reachable"


def _connect(broker):
    broker.ensure_connection(max_retries=1, interval_start=0, timeout=CHECK_TIMEOUT_SECONDS)


def _broker():
    with celery_app.connection_for_write() as broker:
        _connect(broker)
    return "reachable"


def _worker():
    with celery_app.connection_for_write() as broker:
        _connect(broker)  # fail fast: the ping itself would retry publishing
        replies = celery_app.control.ping(timeout=PING_TIMEOUT_SECONDS, connection=broker)
    if not replies:
        raise RuntimeError(f"no worker answered a ping within {PING_TIMEOUT_SECONDS} s")
    return f"{len(replies)} answered a ping"


def _beat():
    last = PeriodicTask.objects.filter(enabled=True).aggregate(last=Max("last_run_at"))["last"]
    if last is None:
        raise RuntimeError("beat has never run a periodic task")
    age = int((timezone.now() - last).total_seconds())
    if timezone.now() - last > BEAT_MAX_AGE:
        raise RuntimeError(f"the last beat tick was {age} s ago")
    return f"the last beat tick was {age} s ago"


CHECKS = {
    "database": _database,
    "cache": _cache,
    "broker": _broker,
    "worker": _worker,
    "beat": _beat,
}


def _may_see_details(request) -> bool:
    if request.user.is_authenticated and request.user.is_staff:
        return True
    try:
        return ipaddress.ip_address(client_address(request)).is_loopback
    except ValueError:
        return False


@never_cache
@require_GET
def health(request):
    """Answer 200 if every part is ok, else 503; say why only to staff or a local client."""
    report, details = {}, {}
    for name, check in CHECKS.items():
        try:
            details[name] = check()
        except Exception as error:
            report[name] = "failing"
            details[name] = f"{type(error).__name__}: {error}"[:300]
        else:
            report[name] = "ok"
    healthy = all(value == "ok" for value in report.values())
    body = {"healthy": healthy, **report}
    if _may_see_details(request):
        body["details"] = details
    return JsonResponse(body, status=200 if healthy else 503)
