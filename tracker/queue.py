"""Queuing deliveries to send: the only module that knows the send task exists.

It names the task instead of importing it, so the services, the dispatcher and the sender never
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
logger = logging.getLogger(__name__)


def batches(ids: Sequence[int]) -> Iterator[list[int]]:
    """Split ``ids`` into lists of at most ``BATCH``."""
    for start in range(0, len(ids), BATCH):
        yield list(ids[start : start + BATCH])


def enqueue(delivery_ids: Sequence[int]) -> None:
    """Queue ``delivery_ids`` in batches once the current transaction commits (at once if none
    is open)."""
    for batch in batches(delivery_ids):
        transaction.on_commit(partial(_send, batch))


def _send(delivery_ids: list[int]) -> None:
    """Queue one batch. With the broker down the rows stay pending, and the sweeper sends them."""
    try:
        current_app.tasks[SEND_TASK].delay(delivery_ids)
    except (OperationalError, OSError):
        logger.warning(
            "Broker unreachable: %d deliveries wait for the sweeper",
            len(delivery_ids),
            exc_info=True,
        )
