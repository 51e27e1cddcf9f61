"""News records (JSON objects) to `Article`s: field mapping, dates, flat extra metadata."""

from __future__ import annotations

from datetime import date, datetime
from email.utils import parsedate_to_datetime
from typing import Any

from index.records import Article, Scalar
from ingest.identity import article_id, canonical_url

KNOWN_FIELDS = {"id", "title", "text", "url", "source", "published_at", "lang"}


class BadRecord(ValueError):
    """A record we cannot turn into an article; the message says why."""


def parse_date(value: object) -> date | None:
    """ISO dates and datetimes, RFC 2822 dates (feeds), or None when absent or unreadable."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    except ValueError:
        pass
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(text).date()
    except (TypeError, ValueError, IndexError):
        return None


def article_from_record(record: Any, origin: str, source: str = "") -> Article:
    """Map a JSON news record; unknown fields with flat values are kept as metadata."""
    if not isinstance(record, dict):
        raise BadRecord("not a JSON object")
    text = _string(record.get("text"))
    if not text.strip():
        raise BadRecord("no 'text'")
    title = _string(record.get("title")).strip() or text.strip().split("\n", 1)[0][:120]
    url = canonical_url(_string(record.get("url")))
    record_source = source or _string(record.get("source"))
    extra: dict[str, Scalar] = {
        key: value
        for key, value in record.items()
        if key not in KNOWN_FIELDS and isinstance(value, str | int | float | bool)
    }
    return Article(
        id=article_id(_string(record.get("id")), url, record_source, title, text),
        title=title,
        text=text.strip(),
        source=record_source,
        url=url,
        published_at=parse_date(record.get("published_at")),
        lang=_string(record.get("lang")),
        origin=origin,
        extra=extra,
    )


def _string(value: object) -> str:
    return "" if value is None else str(value)
