"""Fixed-window counters in the cache, to rate-limit subscribing per client and per address.

Rates read like DRF's: "10/hour" is ten in each clock hour. With Redis down the cache ignores
errors and every request is allowed, with a warning in the log: a subscribe form that stays up
beats one that fails closed (each address still has to confirm by email).
"""

from __future__ import annotations

import hashlib
import logging
import time

from django.core.cache import cache

logger = logging.getLogger(__name__)

# Providers that ignore dots in the local part, and the name each is known by.
DOTLESS_DOMAINS = {"gmail.com": "gmail.com", "googlemail.com": "gmail.com"}

PERIODS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """Return (requests, seconds) for a rate such as "10/hour"."""
    count, _slash, period = rate.partition("/")
    return int(count), PERIODS[period]


def allow(scope: str, ident: str, rate: str) -> bool:
    """Count one request by ``ident`` in ``scope``; return False once over ``rate``."""
    limit, seconds = parse_rate(rate)
    window = int(time.time() // seconds)
    digest = hashlib.sha256(ident.encode()).hexdigest()[:32]
    key = f"ratelimit:{scope}:{digest}:{window}"
    if cache.add(key, 1, seconds):
        return True
    try:
        count = cache.incr(key)
    except ValueError:
        # The window's key expired between add() and incr(): this is its first request.
        cache.add(key, 1, seconds)
        return True
    if count is None:
        # The cache is down and ignored the error (django-redis's IGNORE_EXCEPTIONS).
        logger.warning("rate limit not counted, cache unavailable: scope=%s", scope)
        return True
    return count <= limit


def mailbox(email: str) -> str:
    """Return the mailbox ``email`` reaches, for counting only: lower case, without a "+tag"
    (sub-addressing, which most providers offer), and without dots where the provider ignores
    them (a.b+x@gmail.com is ab@gmail.com). Mail still goes to the address as written."""
    local, _at, domain = email.strip().lower().rpartition("@")
    tagless = local.partition("+")[0] or local
    if domain in DOTLESS_DOMAINS:
        return f"{tagless.replace('.', '')}@{DOTLESS_DOMAINS[domain]}"
    return f"{tagless}@{domain}"
