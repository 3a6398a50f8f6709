"""The Celery tasks: beat's dispatcher and sweeper, and the batch sender they fan out to.

Tasks take ids, never model instances, and acknowledge late (settings), so a task whose worker
dies is delivered again; the claim in ``tracker.sending`` makes that second run harmless.
"""

from __future__ import annotations

import logging

from celery import shared_task
from django.db.models import Q
from django.utils import timezone
from kombu.exceptions import OperationalError

from tracker import dispatch as dispatcher
from tracker import sending
from tracker.models import Delivery, DeliveryState

MAX_RETRIES = 6
# A pending row never claimed for this long has lost its task (the broker was down, say)...
LOST_AFTER = sending.STUCK_AFTER
# ...and one claimed before has outlived the longest backoff (32 minutes).
LOST_AFTER_RETRY = sending.STUCK_AFTER * 3
logger = logging.getLogger(__name__)


def enqueue(delivery_ids: list[int]) -> None:
    """Queue a batch. With the broker down the rows stay pending, and the sweeper sends them."""
    try:
        send_deliveries.delay(delivery_ids)
    except (OperationalError, OSError):
        logger.warning(
            "Broker unreachable: %d deliveries wait for the sweeper",
            len(delivery_ids),
            exc_info=True,
        )


def backoff(retries: int) -> int:
    """Seconds before retry ``retries`` + 1: 1, 2, 4, 8, 16, 32 minutes."""
    return 60 * 2**retries


@shared_task(bind=True, max_retries=MAX_RETRIES)
def send_deliveries(self, delivery_ids: list[int]) -> dict:
    """Send the pending deliveries among ``delivery_ids`` over one SMTP connection."""
    outcome = sending.send_claimed(sending.claim(delivery_ids))
    logger.info(
        "send_deliveries %s: sent %d, skipped %d, refused %d, to retry %d",
        self.request.id,
        len(outcome.sent),
        len(outcome.skipped),
        len(outcome.refused),
        len(outcome.retry),
    )
    if outcome.retry:
        if self.request.retries >= self.max_retries:
            sending.give_up(outcome.retry)
        else:
            raise self.retry(args=[outcome.retry], countdown=backoff(self.request.retries))
    return {
        "sent": len(outcome.sent),
        "skipped": len(outcome.skipped),
        "refused": len(outcome.refused),
        "retry": len(outcome.retry),
    }


@shared_task
def dispatch() -> int:
    """Write the digests and reminders whose local hour has come, and queue them."""
    return len(dispatcher.dispatch().ids)


@shared_task
def sweep() -> int:
    """Re-queue deliveries whose worker died or whose task was lost; return how many."""
    now = timezone.now()
    ids = sending.recover_stuck(now)
    lost = Delivery.objects.filter(state=DeliveryState.PENDING).filter(
        Q(claimed_at__lt=now - LOST_AFTER_RETRY)
        | Q(claimed_at__isnull=True, created_at__lt=now - LOST_AFTER)
    )
    ids = sorted(set(ids) | set(lost.values_list("pk", flat=True)[:50_000]))
    for start in range(0, len(ids), dispatcher.BATCH):
        enqueue(ids[start : start + dispatcher.BATCH])
    if ids:
        logger.info("sweep: re-queued %d deliveries", len(ids))
    return len(ids)
