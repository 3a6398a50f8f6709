"""Rendered pages kept in the cache under a version that any change to the roadmap bumps.

A timeout would show stale pages; instead every save or delete of a roadmap object increments one
number, and every cached page's key includes it, so the next request renders afresh.
"""

import functools
import hashlib
import secrets

from django.core.cache import cache
from django.utils import translation

VERSION_KEY = "roadmap:content-version"
PAGE_SECONDS = 24 * 60 * 60


def content_version() -> int:
    """Return the current version. It starts at a random number, so that a cache that was
    flushed can't hand out a number some process already remembers."""
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, secrets.randbelow(2**31) + 1, timeout=None)
        version = cache.get(VERSION_KEY) or 1
    return version


def bump_content_version(**_signal_arguments) -> None:
    """Make every cached page stale (connected to the roadmap models' save and delete signals)."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        content_version()
        cache.incr(VERSION_KEY)
    # Some backends' incr() re-sets the key with the default timeout: keep it for good.
    cache.touch(VERSION_KEY, None)


def cached_page(view):
    """Serve the page from the cache for anonymous GETs, keyed by version, language and URL."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method != "GET" or request.user.is_authenticated:
            return view(request, *args, **kwargs)
        path = hashlib.sha256(request.get_full_path().encode()).hexdigest()
        key = f"roadmap:page:{content_version()}:{translation.get_language()}:{path}"
        response = cache.get(key)
        if response is None:
            response = view(request, *args, **kwargs)
            if response.status_code == 200:
                if hasattr(response, "render"):
                    response.render()
                cache.set(key, response, PAGE_SECONDS)
        return response

    return wrapper
