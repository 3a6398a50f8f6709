"""Rendered pages kept in the cache under a version that any change to the roadmap bumps.

A timeout would show stale pages; instead every save or delete of a roadmap object increments one
number, and every cached page's key includes it, so the next request renders afresh.

A page is keyed on the query parameters pages read (the dashboard's filters and the page number),
in canonical order, and rendered from those alone: ``?utm_source=…`` or a reordered query is the
same entry, and any other parameter can't multiply entries. Pages with a query are kept for an
hour, and at most ``QUERY_PAGES_PER_HOUR`` new ones are stored each hour; past that they are
rendered uncached, so a crawler inventing searches can't fill the cache.
"""

import functools
import hashlib
import logging
import secrets
import time
from contextlib import contextmanager
from contextvars import ContextVar

from django.core.cache import cache
from django.http import QueryDict
from django.utils import translation

from roadmap.forms import DashboardFilterForm

logger = logging.getLogger(__name__)

VERSION_KEY = "roadmap:content-version"
PAGE_SECONDS = 24 * 60 * 60
QUERY_PAGE_SECONDS = 60 * 60
QUERY_PAGES_PER_HOUR = 2000
PAGE_PARAMETERS = frozenset({"page", *DashboardFilterForm.base_fields})


def content_version() -> int:
    """Return the current version. It starts at a random number, so that a cache that was
    flushed can't hand out a number some process already remembers."""
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, secrets.randbelow(2**31) + 1, timeout=None)
        version = cache.get(VERSION_KEY) or 1
    return version


_bumps_deferred: ContextVar[list[bool] | None] = ContextVar("bumps_deferred", default=None)


@contextmanager
def one_bump_for_many_changes():
    """Within the block, any number of changes make cached pages stale once, at its end: for
    importers, which save thousands of rows."""
    if _bumps_deferred.get() is not None:
        yield
        return
    token = _bumps_deferred.set([])
    try:
        yield
    finally:
        bumped = _bumps_deferred.get()
        _bumps_deferred.reset(token)
        if bumped:
            bump_content_version()


def bump_content_version(**_signal_arguments) -> None:
    """Make every cached page stale (connected to the roadmap models' save and delete signals)."""
    deferred = _bumps_deferred.get()
    if deferred is not None:
        if not deferred:
            deferred.append(True)
        return
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        content_version()
        cache.incr(VERSION_KEY)
    # Some backends' incr() re-sets the key with the default timeout: keep it for good.
    cache.touch(VERSION_KEY, None)


def canonical_query(query: QueryDict) -> QueryDict:
    """Return the parameters of ``query`` that pages read, by name, each with its values sorted."""
    canonical = QueryDict(mutable=True)
    for name in sorted(PAGE_PARAMETERS.intersection(query)):
        canonical.setlist(name, sorted(query.getlist(name)))
    canonical._mutable = False
    return canonical


def _may_store_query_page() -> bool:
    """Count one more stored page with a query this hour; False once over the hour's budget."""
    key = f"roadmap:query-pages:{int(time.time() // 3600)}"
    cache.add(key, 0, QUERY_PAGE_SECONDS)
    try:
        stored = cache.incr(key)
    except ValueError:
        return False
    if stored is None:  # the cache is down (and ignoring it): nothing will be stored anyway
        return False
    if stored == QUERY_PAGES_PER_HOUR + 1:
        logger.warning("page cache: %s pages with a query this hour, storing no more", stored - 1)
    return stored <= QUERY_PAGES_PER_HOUR


def cached_page(view):
    """Serve the page from the cache for anonymous GETs, keyed by version, language, path and
    the parameters pages read."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method != "GET" or request.user.is_authenticated:
            return view(request, *args, **kwargs)
        request.GET = canonical_query(request.GET)
        query = request.GET.urlencode()
        address = hashlib.sha256(f"{request.path}?{query}".encode()).hexdigest()
        key = f"roadmap:page:{content_version()}:{translation.get_language()}:{address}"
        response = cache.get(key)
        if response is None:
            response = view(request, *args, **kwargs)
            if response.status_code == 200 and (not query or _may_store_query_page()):
                if hasattr(response, "render"):
                    response.render()
                cache.set(key, response, QUERY_PAGE_SECONDS if query else PAGE_SECONDS)
        return response

    return wrapper
