"""The client's address, as every rate limit sees it.

Behind ``DJANGO_TRUSTED_PROXIES`` proxies (0 by default: the connection's own address), each
proxy appends the address it received the request from to ``X-Forwarded-For``, so the client is
the Nth entry from the right. Entries further left were written by the client and mean nothing.
DRF's throttles read the same setting as ``NUM_PROXIES`` and pick the same entry.
"""

from django.conf import settings


def client_address(request) -> str:
    """Return the address of the client that sent ``request``, as the nearest trusted proxy saw
    it."""
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXIES
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
    if proxies == 0 or not forwarded:
        return remote
    hops = forwarded.split(",")
    return hops[-min(proxies, len(hops))].strip()
