"""A chunk's metadata in Chroma: flat typed fields written from an article, read as a Passage."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, time
from typing import Any

from index.records import Article, Passage

# Metadata keys we own; anything else on a chunk came from the article's own fields.
CORE_KEYS = {
    "article_id",
    "chunk_index",
    "n_chunks",
    "start",
    "end",
    "title",
    "source",
    "url",
    "published_at",
    "published_ts",
    "lang",
    "origin",
    "content_hash",
    "text_hash",
    "also_ids",
    "also_sources",
}
ALSO_SEPARATOR = "\n"  # between the ids (and sources) of an article's duplicates


def check_metadata(meta: dict[str, Any]) -> str | None:
    """Why Chroma would refuse this metadata, or None: keys it reserves, values it cannot hold."""
    for key, value in meta.items():
        if reserved_key(key) is not None:
            return f"metadata key {key!r} is reserved by Chroma"
        if isinstance(value, float) and not math.isfinite(value):
            return f"metadata {key!r} is not a finite number"
        if not isinstance(value, str | int | float | bool):
            return f"metadata {key!r} is not a string, number or boolean"
    return None


def reserved_key(key: object) -> str | None:
    """Why Chroma refuses `key` as a metadata key, or None when it accepts it."""
    if not isinstance(key, str) or not key:
        return "empty"
    if key.startswith(("$", "#")) or key.startswith("chroma:"):
        return "reserved"
    return None


def article_metadata(article: Article) -> dict[str, Any]:
    """Flat, typed metadata: Chroma accepts no None and no lists."""
    meta: dict[str, Any] = {k: v for k, v in article.extra.items() if k not in CORE_KEYS}
    meta.update(
        {
            "article_id": article.id,
            "title": article.title,
            "source": article.source,
            "url": article.url,
            "lang": article.lang,
            "origin": article.origin,
            "published_at": article.published_at.isoformat() if article.published_at else "",
            "published_ts": timestamp(article.published_at),
        }
    )
    return meta


def passage_from_metadata(chunk_id_: str, text: str, meta: dict[str, Any], score: float) -> Passage:
    published = str(meta.get("published_at") or "")
    return Passage(
        chunk_id=chunk_id_,
        article_id=str(meta["article_id"]),
        chunk_index=int(meta["chunk_index"]),
        title=str(meta.get("title") or ""),
        source=str(meta.get("source") or ""),
        url=str(meta.get("url") or ""),
        published_at=date.fromisoformat(published) if published else None,
        lang=str(meta.get("lang") or ""),
        text=text,
        start=int(meta["start"]),
        end=int(meta["end"]),
        score=score,
    )


def timestamp(day: date | None) -> int:
    # -1 marks "no date" so that range filters on published_ts skip undated articles.
    if day is None:
        return -1
    return int(datetime.combine(day, time(), tzinfo=UTC).timestamp())


def published_range(start: date | None, end: date | None) -> tuple[int, int]:
    """Publication timestamps from `start` to `end` (days, both included; None: open)."""
    return (timestamp(start) if start else 0, timestamp(end) if end else 2**62)


def int_field(value: object, default: int) -> int:
    """A numeric field read back from Chroma, or `default` when missing."""
    return int(value) if isinstance(value, int | float) else default


def join_unique(current: object, value: str) -> str:
    items = [x for x in str(current or "").split(ALSO_SEPARATOR) if x]
    if value and value not in items:
        items.append(value)
    return ALSO_SEPARATOR.join(items)
