"""What one run of a watch is doing: its fetches, counted, and its tallies, kept in its record."""

from __future__ import annotations

import datetime
import json
from urllib.parse import urlsplit

from django.utils import timezone

from roadmap.importers.report import ImportReport
from roadmap.sources.fetch import Fetcher, FetchError, Response
from roadmap.sources.models import Watch, WatchRun


class SourceError(Exception):
    """The source answered, but not with what a watch of its kind reads: the run fails."""


class Run:
    """A watch, the record of this run, and the fetcher every request of the run goes through."""

    def __init__(self, watch: Watch, record: WatchRun, *, dry_run: bool):
        self.watch = watch
        self.record = record
        self.dry_run = dry_run
        self.fetcher = Fetcher()
        self.today = timezone.localdate(record.started_at)

    def get(self, url: str, **options) -> Response:
        """GET ``url``, counting the request, its bytes and its status in the record."""
        self.record.requests += 1
        try:
            response = self.fetcher.get(url, **options)
        except FetchError as error:
            self.record.http_status = error.status or self.record.http_status
            raise
        self.record.http_status = response.status
        self.record.bytes_fetched += response.size
        return response

    def get_json(self, url: str) -> dict:
        """The JSON object at ``url``; a 200 is required."""
        with self.get(url, accept="application/json") as response:
            if response.status != 200:
                raise SourceError(f"{url}: HTTP {response.status}")
            try:
                parsed = json.load(response.body)
            except (UnicodeDecodeError, ValueError, RecursionError) as error:
                raise SourceError(f"{url}: not JSON ({error})") from error
        if not isinstance(parsed, dict):
            raise SourceError(f"{url}: expected a JSON object")
        return parsed

    def same_site(self, url: str) -> bool:
        """Whether ``url`` is on the watch's own scheme, host and port."""
        mine, theirs = urlsplit(self.watch.url), urlsplit(url)
        return (mine.scheme, mine.netloc) == (theirs.scheme, theirs.netloc)

    def error(self, message: str) -> None:
        self.record.errors.append(message)

    def add(self, report: ImportReport) -> None:
        """Add an importer's report to the run's tallies."""
        self.record.created += len(report.created)
        self.record.changed += len(report.changed)
        self.record.unchanged += report.unchanged
        self.record.skipped += report.skipped
        for rejected in report.rejected:
            self.error(rejected)
        self.record.notes += report.notes

    @property
    def started_at(self) -> datetime.datetime:
        return self.record.started_at
