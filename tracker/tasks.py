"""The Celery tasks: beat's dispatcher and sweepers, the batch sender they fan out to, and the
worker's half of subscribing.

Each takes ids (or nothing) and calls one function. Tasks acknowledge late (settings), so a task
whose worker dies is delivered again; the claim in ``tracker.sending`` makes that second run
harmless. Nothing imports this module but the app's ``ready()``: others queue by task name
through ``tracker.queue``.
"""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from tracker import dispatch as dispatcher
from tracker import sending, subscribe_requests

MAX_RETRIES = 6


def backoff(retries: int) -> int:
    """Seconds before retry ``retries`` + 1: 1, 2, 4, 8, 16, 32 minutes."""
    return 60 * 2**retries


@shared_task(bind=True, max_retries=MAX_RETRIES)
def send_deliveries(self, delivery_ids: list[int]) -> dict:
    """Send the pending deliveries among ``delivery_ids`` over one SMTP connection."""
    outcome = sending.send(delivery_ids, run=self.request.id)
    if outcome.retry:
        if self.request.retries >= self.max_retries:
            sending.give_up(outcome.retry)
        else:
            raise self.retry(args=[outcome.retry], countdown=backoff(self.request.retries))
    return outcome.counts()


@shared_task
def dispatch() -> int:
    """Write the digests and reminders whose local hour has come, and queue them."""
    return len(dispatcher.dispatch().ids)


@shared_task
def sweep() -> int:
    """Re-queue deliveries whose worker died or whose task was lost; return how many."""
    return sending.sweep(timezone.now())


@shared_task
def handle_subscribe_requests(request_ids: list[int]) -> int:
    """Subscribe the addresses of the waiting requests among ``request_ids``."""
    return subscribe_requests.handle(request_ids)


@shared_task
def sweep_subscribe_requests() -> int:
    """Re-queue subscribe requests whose task was lost; return how many."""
    return subscribe_requests.requeue_lost(timezone.now())
