"""What the collection holds, read from each article's first chunk: counts, dates, languages
and sources for `newsqa stats` and /help, and the articles `newsqa forget` names."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from index.records import CorpusStats, SourceStats
from index.storage.metadata import int_field

if TYPE_CHECKING:
    from chromadb.api.models.Collection import Collection


def archive_stats(collection: Collection, last_write: datetime | None) -> CorpusStats:
    """Counts, dates and languages, in all and per source (one read of first chunks)."""
    found = collection.get(where={"chunk_index": 0}, include=["metadatas"])
    metas = [dict(m) for m in found["metadatas"] or []]
    by_source: dict[str, list[dict[str, Any]]] = {}
    for meta in metas:
        by_source.setdefault(str(meta.get("source") or ""), []).append(meta)
    per_source = tuple(
        SourceStats(
            name or "(none)",
            len(group),
            sum(int_field(m.get("n_chunks"), 1) for m in group),
            *_date_span(group),
        )
        for name, group in sorted(by_source.items())
    )
    languages = Counter(str(m.get("lang") or "?") for m in metas).most_common()
    first, last = _date_span(metas)
    return CorpusStats(
        articles=len(metas),
        chunks=int(collection.count()),
        first_date=first,
        last_date=last,
        sources=tuple(s.name for s in per_source if s.name != "(none)"),
        per_source=per_source,
        languages=tuple(languages),
        last_write=last_write,
    )


def find_articles(
    collection: Collection,
    ids: Sequence[str] = (),
    urls: Sequence[str] = (),
    sources: Sequence[str] = (),
) -> dict[str, tuple[str, int]]:
    """Stored articles with one of these ids, URLs or sources: id -> (title, chunks)."""
    wanted: list[dict[str, Any]] = []
    for key, values in (("article_id", ids), ("url", urls), ("source", sources)):
        if values:
            wanted.append({key: {"$in": list(values)}})
    if not wanted:
        return {}
    match = wanted[0] if len(wanted) == 1 else {"$or": wanted}
    where: Any = {"$and": [{"chunk_index": 0}, match]}
    found = collection.get(where=where, include=["metadatas"])
    return {
        str(m["article_id"]): (str(m.get("title") or ""), int_field(m.get("n_chunks"), 1))
        for m in found["metadatas"] or []
    }


def _date_span(metas: Sequence[dict[str, Any]]) -> tuple[date | None, date | None]:
    days = sorted(d for m in metas if (d := str(m.get("published_at") or "")))
    return (date.fromisoformat(days[0]), date.fromisoformat(days[-1])) if days else (None, None)
