"""Subscribing takes as long for an unknown, a confirmed and an unconfirmed address (issue 13,
item 9), on the page and in the API, so the answer's timing does not tell who is subscribed.

A timing assertion, made only because the issue asks for one. Each kind of address is
tried 50 times after a warm-up, the three kinds back to back in a rotating order. The load of a
shared machine drifts over seconds, so each try is measured against the round it belongs to: its
time less the mean of the three tries of its round. The medians of these, per kind, must lie
within 15% of a request's median time of each other. Every try uses an address of its own, as
someone probing addresses would, so the rate limits do the same work for each. The task the
request queues runs after its transaction commits, in a worker: here the test's transaction never
commits, so what is timed is the request alone.
"""

import gc
import itertools
import statistics
import time

import pytest
from django.test import override_settings
from django.urls import reverse

pytestmark = pytest.mark.django_db

TRIES = 50
WARM_UP = 10
KINDS = ("unknown", "confirmed", "unconfirmed")
# Measured on a loaded 2-core machine: the new code's kinds lay under 7% of a request's time apart,
# the old code's 54-73% (the issue saw 7 ms in production).
TOLERANCE = 0.15


@pytest.fixture
def addresses(make_subscriber):
    """For each kind, one fresh address per try."""
    count = WARM_UP + TRIES
    for n in range(count):
        make_subscriber(email=f"confirmed{n}@example.com")
        make_subscriber(email=f"unconfirmed{n}@example.com", confirm=False)
    return {kind: iter([f"{kind}{n}@example.com" for n in range(count)]) for kind in KINDS}


def _timings(post, addresses) -> tuple[dict[str, list[float]], set]:
    """Post every address, the kinds in turn in a rotating order; return each kind's times (warm-up
    left out) and the distinct answers seen."""
    times: dict[str, list[float]] = {kind: [] for kind in KINDS}
    answers = set()
    order = itertools.cycle(KINDS)
    gc.collect()
    gc.disable()
    try:
        for attempt in range(WARM_UP + TRIES):
            for _ in KINDS:
                kind = next(order)
                email = next(addresses[kind])
                started = time.perf_counter()
                response = post(email)
                elapsed = time.perf_counter() - started
                answers.add((response.status_code, response.get("Location"), response.content))
                if attempt >= WARM_UP:
                    times[kind].append(elapsed)
            next(order)  # the next round starts one kind later
    finally:
        gc.enable()
    return times, answers


def _assert_alike(times: dict[str, list[float]]) -> None:
    rounds = list(zip(*(times[kind] for kind in KINDS), strict=True))
    excess = {
        kind: statistics.median(tries[index] - statistics.mean(tries) for tries in rounds)
        for index, kind in enumerate(KINDS)
    }
    typical = statistics.median(itertools.chain(*times.values()))
    spread = max(excess.values()) - min(excess.values())
    medians = {kind: f"{statistics.median(values) * 1000:.2f} ms" for kind, values in times.items()}
    assert spread < TOLERANCE * typical, (f"{spread * 1000:.2f} ms apart", medians)


@override_settings(SUBSCRIBE_RATE_PER_CLIENT="1000/hour")
def test_the_page_answers_each_kind_of_address_alike_and_as_fast(client, addresses, subscribe_form):
    def post(email):
        return client.post(reverse("tracker:subscribe"), {**subscribe_form, "email": email})

    times, answers = _timings(post, addresses)

    assert len(answers) == 1 and next(iter(answers))[0] == 302
    _assert_alike(times)


@override_settings(SUBSCRIBE_RATE_PER_CLIENT="1000/hour")
def test_the_api_answers_each_kind_of_address_alike_and_as_fast(client, addresses):
    def post(email):
        body = {"email": email, "everything": True, "reminder_days": [7]}
        return client.post(reverse("api-subscribe"), body, content_type="application/json")

    times, answers = _timings(post, addresses)

    assert len(answers) == 1 and next(iter(answers))[0] == 202
    _assert_alike(times)
