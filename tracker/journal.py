"""The sent journal: which claimed deliveries the SMTP server has accepted, noted one by one.

Marking rows sent in the database costs a query, so a batch marks them all at once at its end. If
the worker dies before that, the journal tells the sweeper which of the claimed rows went out. It
is kept per claim: a Redis list when ``REDIS_URL`` is set (any worker's journal is readable by any
sweeper), else an append-only file under ``var/journal`` for the single-machine set-up.
"""

from __future__ import annotations

import logging
from pathlib import Path

from django.conf import settings

KEEP_SECONDS = 3 * 24 * 60 * 60
logger = logging.getLogger(__name__)


def _redis():
    import redis

    return redis.Redis.from_url(settings.REDIS_URL, socket_timeout=5)


class Journal:
    """Append-only record of the ids a claim has sent."""

    def __init__(self, claim):
        self.claim = str(claim)
        self._file = None
        self._redis = None
        self._expires = False

    def open(self) -> Journal:
        if settings.REDIS_URL:
            self._redis = _redis()
        else:
            folder = Path(settings.VAR_DIR) / "journal"
            folder.mkdir(parents=True, exist_ok=True)
            self._file = open(folder / self.claim, "a", buffering=1)  # noqa: SIM115
        return self

    def add(self, delivery_id: int) -> None:
        if self._redis is None:
            self._file.write(f"{delivery_id}\n")
            return
        import redis

        key = f"tracker:journal:{self.claim}"
        try:
            # One round trip per id; the list's expiry is set with its first id.
            if self._expires:
                self._redis.rpush(key, delivery_id)
            else:
                self._redis.pipeline(transaction=False).rpush(key, delivery_id).expire(
                    key, KEEP_SECONDS
                ).execute()
                self._expires = True
        except redis.RedisError:
            # The email went; only the protection against resending it after a crash is lost.
            logger.warning("Could not journal sent delivery %s", delivery_id, exc_info=True)

    def close(self) -> None:
        if self._file is not None:
            self._file.close()


def read(claim) -> set[int]:
    """Return the ids the claim's journal holds (empty if it has none)."""
    if settings.REDIS_URL:
        return {int(item) for item in _redis().lrange(f"tracker:journal:{claim}", 0, -1)}
    path = Path(settings.VAR_DIR) / "journal" / str(claim)
    if not path.exists():
        return set()
    return {int(line) for line in path.read_text().split() if line.isdigit()}


def discard(claim) -> None:
    """Forget a claim's journal once the database has recorded what it sent."""
    if settings.REDIS_URL:
        _redis().delete(f"tracker:journal:{claim}")
    else:
        (Path(settings.VAR_DIR) / "journal" / str(claim)).unlink(missing_ok=True)
