"""Rendered pages kept in the cache under a version that any change to the roadmap bumps.

A timeout would show stale pages; instead every save or delete of a roadmap object increments one
number, and every cached page's key includes it, so the next request renders afresh.
"""

import functools
import hashlib

from django.core.cache import cache
from django.utils import translation

VERSION_KEY = "roadmap:content-version"
PAGE_SECONDS = 24 * 60 * 60


def content_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, 1, timeout=None)
        version = cache.get(VERSION_KEY) or 1
    return version


def bump_content_version(**_signal_arguments) -> None:
    """Make every cached page stale (connected to the roadmap models' save and delete signals)."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.add(VERSION_KEY, 2, timeout=None)


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
