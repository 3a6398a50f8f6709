"""Feed watches: any RSS or Atom feed (an authority's press releases, speeches), read with
feedparser. A new item never changes a milestone: if it seems to concern the roadmap it becomes a
suggestion, with the reason, for an editor to accept or dismiss. Every item is remembered, so a
dismissed or accepted one, or one that matched nothing, never comes back."""

from __future__ import annotations

import datetime
import hashlib

import feedparser
from django.db import transaction

from roadmap.importers.cleaning import clean_line, clean_text
from roadmap.sources.matching import Candidates
from roadmap.sources.models import SeenItem, Suggestion
from roadmap.sources.runs import Run, SourceError

ACCEPT = "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9"


def item_key(entry) -> str:
    """An item's lasting identity: its id (guid), else its link, else a hash of its title."""
    key = clean_line(entry.get("id") or entry.get("link") or "")
    if not key:
        title = clean_line(entry.get("title") or "")
        key = "title:" + hashlib.sha256(title.encode()).hexdigest() if title else ""
    return key[:500]


def _published(entry) -> datetime.datetime | None:
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    if not parsed:
        return None
    return datetime.datetime(*parsed[:6]).replace(tzinfo=datetime.UTC)


def run_watch(run: Run) -> None:
    watch = run.watch
    with run.get(
        watch.url, etag=watch.etag, last_modified=watch.last_modified, accept=ACCEPT
    ) as response:
        if response.not_modified:
            run.record.notes.append("The feed is unchanged since the last run.")
            return
        if response.status != 200:
            raise SourceError(f"{watch.url}: HTTP {response.status}")
        # A stream, never bytes or a string: feedparser would take those for a path or a URL.
        parsed = feedparser.parse(response.body)
        validators = response.etag, response.last_modified
    if parsed.bozo and not parsed.entries:
        raise SourceError(f"{watch.url}: not an RSS or Atom feed ({parsed.bozo_exception})")
    candidates = Candidates.load()
    seen = set(SeenItem.objects.filter(watch=watch).values_list("key", flat=True))
    for entry in parsed.entries:
        key = item_key(entry)
        run.record.fetched += 1
        if not key or key in seen:
            run.record.skipped += 1
            continue
        seen.add(key)
        title = clean_line(entry.get("title") or "")[:500] or key
        summary = clean_text(entry.get("summary") or "")
        match = candidates.match(f"{title}\n{summary}")
        if match:
            run.record.suggested += 1
        else:
            run.record.skipped += 1
        if run.dry_run:
            continue
        with transaction.atomic():
            SeenItem.objects.create(watch=watch, key=key)
            if match:
                _suggest(watch, key, title, summary, entry, match)
    watch.etag, watch.last_modified = validators


def _suggest(watch, key, title, summary, entry, match) -> Suggestion:
    link = entry.get("link") or ""
    suggestion = Suggestion.objects.create(
        watch=watch,
        key=key,
        title=title,
        url=link if link.startswith(("https://", "http://")) else "",
        published_at=_published(entry),
        summary=summary,
        reason="; ".join(match.reasons),
    )
    suggestion.milestones.set(match.milestones)
    suggestion.workstreams.set(match.workstreams)
    suggestion.topics.set(match.topics)
    return suggestion
