"""Opening what an editor names: a local file, or a URL fetched only because they gave one.

A URL goes through the watches' safe fetcher (``roadmap.sources.fetch``): http(s) only, no
private, loopback or link-local address (cloud metadata included), each redirect checked again,
with its timeouts and size limit.
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

from roadmap.importers.report import ImportFailed
from roadmap.sources.fetch import Fetcher, FetchError


@contextmanager
def open_file_or_url(name: str):
    """Yield a binary stream of ``name`` (a path, or an http(s) URL)."""
    if "://" in name:
        try:
            response = Fetcher().get(name)
        except FetchError as error:
            raise ImportFailed(f"Could not fetch {name}: {error}") from error
        with response:
            yield response.body
        return
    path = Path(name)
    if not path.is_file():
        raise ImportFailed(f"No such file: {name}")
    with path.open("rb") as stream:
        yield stream
