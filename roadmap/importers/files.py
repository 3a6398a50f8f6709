"""Opening what an editor names: a local file, or a URL fetched only because they gave one."""

from __future__ import annotations

import urllib.request
from contextlib import contextmanager
from pathlib import Path

from roadmap.importers.report import ImportFailed

TIMEOUT_SECONDS = 60


@contextmanager
def open_file_or_url(name: str):
    """Yield a binary stream of ``name`` (a path, or an http(s) URL)."""
    if name.startswith(("https://", "http://")):
        headers = {"User-Agent": "roadmap-tracker-import"}
        request = urllib.request.Request(name, headers=headers)  # noqa: S310 (http/https only)
        try:
            response = urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS)  # noqa: S310
        except OSError as error:
            raise ImportFailed(f"Could not fetch {name}: {error}") from error
        with response:
            yield response
        return
    path = Path(name)
    if not path.is_file():
        raise ImportFailed(f"No such file: {name}")
    with path.open("rb") as stream:
        yield stream
