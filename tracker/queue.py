"""Queuing deliveries to send and subscribe requests to act on: the only module that knows the
tasks exist.

It names the tasks instead of importing them, so the services, the dispatcher and the sender never
import the tasks (which import them). Ids are queued after the transaction that wrote them
commits, in batches that one worker sends over one SMTP connection.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from functools import partial

from celery import current_app
from django.db import transaction
from kombu.exceptions import OperationalError

BATCH = 500
SEND_TASK = "tracker.tasks.send_deliveries"
SUBSCRIBE_TASK = "tracker.tasks.handle_subscribe_requests"
logger = logging.getLogger(__name__)


def batches(ids: Sequence[int]) -> Iterator[list[int]]:
    """Split ``ids`` into lists of at most ``BATCH``."""
    for start in range(0, len(ids), BATCH):
        yield list(ids[start : start + BATCH])


def enqueue(delivery_ids: Sequence[int]) -> None:
    """Queue ``delivery_ids`` in batches once the current transaction commits (at once if none
    is open)."""
    for batch in batches(delivery_ids):
        transaction.on_commit(partial(_queue, SEND_TASK, batch))


def enqueue_subscribe_requests(request_ids: Sequence[int]) -> None:
    """Queue ``request_ids`` (``SubscriptionRequest`` rows) the same way."""
    for batch in batches(request_ids):
        transaction.on_commit(partial(_queue, SUBSCRIBE_TASK, batch))


def _queue(task: str, ids: list[int]) -> None:
    """Queue one batch. With the broker down the rows wait, and the sweepers queue them again."""
    try:
        current_app.tasks[task].delay(ids)
    except (OperationalError, OSError):
        logger.warning(
            "Broker unreachable: %d ids for %s wait for the sweeper", len(ids), task, exc_info=True
        )
