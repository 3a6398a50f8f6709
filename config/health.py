"""The health endpoint: can this process reach the database, the cache and the Celery broker, does
a worker answer, and is beat ticking?

Anyone gets "ok" or "failing" for each part; the reasons (error text, the beat's age) go only to
staff and, when no proxy is trusted, to a client on a loopback address, since they name internal
hosts and ports. One broker connection serves both the broker's check and the worker's ping.
"""

import datetime
import ipaddress

from django.conf import settings
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


def _broker(broker):
    broker.ensure_connection(max_retries=1, interval_start=0, timeout=CHECK_TIMEOUT_SECONDS)
    return "reachable"


def _worker(broker):
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


def _run(check, *args) -> tuple[bool, str]:
    """Return whether ``check`` passed, and what it said or why it failed."""
    try:
        return True, check(*args)
    except Exception as error:
        return False, f"{type(error).__name__}: {error}"[:300]


def _results() -> dict[str, tuple[bool, str]]:
    results = {"database": _run(_database), "cache": _run(_cache)}
    with celery_app.connection_for_write() as broker:
        results["broker"] = _run(_broker, broker)
        # A ping over a broker that is down would only retry publishing: fail at once.
        results["worker"] = (
            _run(_worker, broker)
            if results["broker"][0]
            else (False, "no worker can be asked: the broker is unreachable")
        )
    results["beat"] = _run(_beat)
    return results


def _may_see_details(request) -> bool:
    if request.user.is_authenticated and request.user.is_staff:
        return True
    if settings.TRUSTED_PROXIES:
        # Behind a proxy on this host every connection comes from loopback, whoever sent it.
        return False
    try:
        return ipaddress.ip_address(client_address(request)).is_loopback
    except ValueError:
        return False


@never_cache
@require_GET
def health(request):
    """Answer 200 if every part is ok, else 503; say why only to staff or a local client."""
    results = _results()
    report = {name: "ok" if passed else "failing" for name, (passed, _said) in results.items()}
    healthy = all(value == "ok" for value in report.values())
    body = {"healthy": healthy, **report}
    if _may_see_details(request):
        body["details"] = {name: said for name, (_passed, said) in results.items()}
    return JsonResponse(body, status=200 if healthy else 503)
