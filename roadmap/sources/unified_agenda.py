"""Unified Agenda watches: the edition index page, and every edition newer than the last imported.

The index (reginfo.gov's XML report page) links each edition as ``REGINFO_RIN_DATA_YYYYMM.xml``.
Editions newer than the newest one imported so far are fetched and imported oldest first, through
the Unified Agenda importer; the same or an older edition is skipped, and the run notes why. An
unchanged index costs one 304.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin

from roadmap.importers import unified_agenda as importer
from roadmap.sources.runs import Run, SourceError

EDITION_LINK = re.compile(r"""href\s*=\s*["']([^"']*REGINFO_RIN_DATA_(\d{6})\.xml)["']""", re.I)


def editions(html: str, base: str) -> dict[str, str]:
    """The editions the index links to: ``{"202504": absolute URL, …}``."""
    return {
        edition: urljoin(base, href.replace("&amp;", "&"))
        for href, edition in EDITION_LINK.findall(html)
    }


def run_watch(run: Run) -> None:
    watch = run.watch
    with run.get(watch.url, etag=watch.etag, last_modified=watch.last_modified) as index:
        if index.not_modified:
            run.record.notes.append("The edition index is unchanged since the last run.")
            return
        if index.status != 200:
            raise SourceError(f"{watch.url}: HTTP {index.status}")
        found = editions(index.body.read().decode("utf-8", "replace"), index.url)
        validators = index.etag, index.last_modified
    if not found:
        raise SourceError(f"{watch.url}: no REGINFO_RIN_DATA_YYYYMM.xml edition is linked")
    newest = importer.latest_edition()
    for edition in sorted(found):
        if newest and edition <= newest:
            run.record.skipped += 1
            run.record.notes.append(
                f"Edition {edition} skipped: not newer than {newest}, the last imported."
            )
            continue
        with run.get(found[edition], accept="application/xml, text/xml") as response:
            if response.status != 200:
                raise SourceError(f"{found[edition]}: HTTP {response.status}")
            report = importer.import_unified_agenda(
                response.body,
                agency=watch.agencies,
                keyword=watch.term,
                skip_invalid=True,  # an unreadable row is the run's error, not a blocked watch
                dry_run=run.dry_run,
            )
        run.record.fetched += 1
        run.record.notes.append(f"Edition {edition} imported.")
        run.add(report)
        newest = edition
    watch.etag, watch.last_modified = validators
