"""API: a page of 100 milestones with every nested field, against the same JSON built by hand.

Measured side by side in one run over 10,000 milestones: (1) the serializer turning the view's
queryset page into JSON, against (2) ``tests/benchmarks/values_json.py`` building the same JSON
from ``.values()``; then the whole request through Django (middleware, DRF view, filters, cursor
pagination) against the same hand-built page served by a bare view.

    python tests/benchmarks/bench_api.py
"""

import json

from common import row, setup_django, throwaway_database, timings, write_report

MILESTONES = 10_000


def measure() -> list[dict]:
    from django.core.cache import cache
    from django.test import Client, RequestFactory, override_settings
    from rest_framework.renderers import JSONRenderer
    from rest_framework.request import Request

    from roadmap.api.serializers import MilestoneSerializer
    from roadmap.api.views import milestone_queryset
    from tests.benchmarks import values_json
    from tests.support.datasets import build_roadmap

    build_roadmap(milestones=MILESTONES, workstreams=50)
    request = Request(RequestFactory().get("/api/v1/milestones/"))

    def serialized():
        page = list(milestone_queryset().order_by("id")[:100])
        data = MilestoneSerializer(page, many=True, context={"request": request}).data
        return JSONRenderer().render({"next": None, "previous": None, "results": data})

    def by_hand():
        return values_json.page("http://testserver")

    # The two must say the same thing, or the comparison means nothing.
    assert json.loads(serialized()) == json.loads(by_hand())
    api_ms = [s * 1000 for s in timings(serialized, repeat=15)]
    hand_ms = [s * 1000 for s in timings(by_hand, repeat=15)]
    ratio = [a / h for a, h in zip(sorted(api_ms), sorted(hand_ms), strict=True)]
    rows = [
        row("page of 100 milestones, serializer + JSON renderer", api_ms, unit="ms"),
        row("page of 100 milestones, hand-built from .values()", hand_ms, unit="ms"),
        row("serializer / hand-built", ratio, unit="ratio", target="≤ 2",
            passed=sorted(ratio)[len(ratio) // 2] <= 2),
    ]  # fmt: skip
    client = Client()
    with override_settings(ROOT_URLCONF="tests.benchmarks.values_json"):

        def api_request():
            cache.clear()  # the anonymous throttle counts in the cache
            assert client.get("/api/v1/milestones/", {"page_size": 100}).status_code == 200

        def bare_request():
            assert client.get("/bench/values/").status_code == 200

        api_rps = [1 / s for s in timings(api_request, repeat=15)]
        bare_rps = [1 / s for s in timings(bare_request, repeat=15)]
    share = [a / b for a, b in zip(sorted(api_rps), sorted(bare_rps), strict=True)]
    rows += [
        row("API request, page of 100, through Django", api_rps, unit="requests/s"),
        row("same JSON from a bare view, through Django", bare_rps, unit="requests/s"),
        row("API / bare view, requests per second", share, unit="ratio", target="≥ 0.5",
            passed=sorted(share)[len(share) // 2] >= 0.5),
    ]  # fmt: skip
    return rows


def main() -> None:
    setup_django()
    with throwaway_database("bench_api"):
        write_report("bench_api", measure())


if __name__ == "__main__":
    main()
