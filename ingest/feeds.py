"""RSS and Atom feeds to `Article`s with feedparser."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from index.records import Article
from ingest.identity import article_id, canonical_url
from ingest.markup import html_text
from ingest.records import BadRecord

_FEED_START = re.compile(rb"^\s*(<\?xml[^>]*>\s*)?(<!--.*?-->\s*)*<(rss|feed|rdf:RDF)\b", re.S)


def looks_like_feed(data: bytes) -> bool:
    return bool(_FEED_START.match(data[:2048]))


def entries_from_feed(data: bytes, origin: str, source: str = "") -> list[Article | BadRecord]:
    """One article per entry; an entry without text becomes a `BadRecord` naming it."""
    import feedparser

    feed = feedparser.parse(data)
    if not feed.entries:
        raise BadRecord("feed has no entries" if feed.get("version") else "not a feed")
    feed_source = source or feed.feed.get("title", "") or ""
    items: list[Article | BadRecord] = []
    for position, entry in enumerate(feed.entries, 1):
        body = _entry_text(entry)
        title = (entry.get("title") or "").strip()
        if not body:
            items.append(BadRecord(f"entry {position} ({title or 'untitled'}) has no text"))
            continue
        url = canonical_url(entry.get("link") or "")
        items.append(
            Article(
                id=article_id(entry.get("id") or "", url, feed_source, title, body),
                title=title or body[:120],
                text=body,
                source=feed_source,
                url=url,
                published_at=_entry_date(entry),
                origin=origin,
            )
        )
    return items


def _entry_text(entry: Any) -> str:
    candidates = [c.get("value", "") for c in entry.get("content", [])]
    candidates.append(entry.get("summary", ""))
    best = max(candidates, key=len).strip()
    return html_text(best) if best else ""


def _entry_date(entry: Any) -> date | None:
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    return date(parsed.tm_year, parsed.tm_mon, parsed.tm_mday) if parsed else None
