"""Federal Register watches: a ``documents.json`` search, read page by page, oldest first.

The API answers at most 10,000 results for one search (``count`` says how many matched), so a
date range that matches more is split in halves until each part fits; every page of a part is read
through ``next_page_url``. Each page goes through the Federal Register importer's rules (comment
periods, effective dates, completing a tracked rule's step). The watch remembers the newest
publication date it has read and next time asks only from that day on.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from urllib.parse import urlencode

from roadmap.importers import federal_register as importer
from roadmap.sources import public_inspection
from roadmap.sources.runs import Run, SourceError

PER_PAGE = 1000
RESULT_CAP = 10_000
# The API's documents begin in 1994.
FIRST_DAY = datetime.date(1994, 1, 1)
FIELDS = (
    "document_number",
    "title",
    "type",
    "abstract",
    "publication_date",
    "comments_close_on",
    "effective_on",
    "agencies",
    "regulation_id_numbers",
    "citation",
    "html_url",
)


def search_url(run: Run, first: datetime.date, last: datetime.date) -> str:
    """The ``documents.json`` search of the watch for documents published ``first``..``last``."""
    watch = run.watch
    query = [
        ("per_page", PER_PAGE),
        ("order", "oldest"),
        ("conditions[publication_date][gte]", first.isoformat()),
        ("conditions[publication_date][lte]", last.isoformat()),
    ]
    query += [("conditions[agencies][]", agency) for agency in watch.agency_list()]
    query += [("conditions[type][]", kind) for kind in watch.document_type_list()]
    if watch.term:
        query.append(("conditions[term]", watch.term))
    query += [("fields[]", name) for name in FIELDS]
    return f"{watch.url.rstrip('/')}/documents.json?{urlencode(query)}"


def pages(run: Run, first: datetime.date, last: datetime.date) -> Iterator[list]:
    """Yield the result lists of every page for ``first``..``last``, oldest first, slicing the
    range wherever a search matches more than the API will page through."""
    ranges = [(first, last)]
    while ranges:
        first, last = ranges.pop()
        page = run.get_json(search_url(run, first, last))
        count = page.get("count", 0)
        if not isinstance(count, int):
            raise SourceError(f"count is {count!r}, not a number")
        if count > RESULT_CAP and first < last:
            middle = first + (last - first) // 2
            ranges += [(middle + datetime.timedelta(days=1), last), (first, middle)]
            continue
        if count > RESULT_CAP:
            run.error(f"{first}: {count} documents published that day; the API pages only 10,000")
        while True:
            results = page.get("results", [])
            if not isinstance(results, list):
                raise SourceError("results is not a list")
            yield results
            following = page.get("next_page_url")
            if not following:
                break
            if not isinstance(following, str) or not run.same_site(following):
                raise SourceError(f"next_page_url {following!r} leaves the watch's site")
            page = run.get_json(following)


def run_watch(run: Run) -> None:
    watch = run.watch
    first = watch.cursor or watch.since or FIRST_DAY
    newest = watch.cursor
    for documents in pages(run, first, run.today):
        run.record.fetched += len(documents)
        # One malformed document is listed as the run's error; the rest still go in.
        run.add(importer.import_documents(documents, skip_invalid=True, dry_run=run.dry_run))
        for document in documents:
            published = _published(document)
            if published and (newest is None or published > newest):
                newest = published
    watch.cursor = newest
    public_inspection.run_watch(run)


def _published(document) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(document["publication_date"])
    except (TypeError, KeyError, ValueError):
        return None
