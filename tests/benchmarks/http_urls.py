"""The site's URLs plus ``/bench/bytes/<name>/``: saved bytes, served with no work behind them.

Through the same gunicorn, middleware and settings as a real page, it is the limit for this stack;
the benchmark measures the real pages against it.
"""

from functools import cache

from django.http import HttpResponse
from django.urls import include, path

from tests.benchmarks.common import RESULTS


@cache
def _saved(name: str) -> bytes:
    return (RESULTS / "bytes" / name).read_bytes()


def same_bytes(request, name):
    return HttpResponse(_saved(name), content_type="text/html; charset=utf-8")


urlpatterns = [
    path("bench/bytes/<slug:name>/", same_bytes),
    path("", include("config.urls")),
]
