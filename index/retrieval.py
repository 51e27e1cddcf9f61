"""Hybrid retrieval: dense (Chroma) and lexical (BM25) fused by weighted reciprocal rank.

llama-index's QueryFusionRetriever fuses by plain reciprocal rank (its weights only apply to
relative-score fusion), and our date boost needs extra ranked lists, so the fusion is here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any

import numpy as np

from index.dates import DateRange, find_date_range
from index.embedding import Embedder
from index.language import question_language
from index.lexical import LexicalIndex, tokenize
from index.models import Passage
from index.settings import Settings
from index.store import ChunkStore, article_key, passage_from_metadata

# Fused candidates fetched from Chroma per result wanted, before diversity filtering.
POOL_FACTOR = 4


@dataclass(frozen=True)
class Retrieval:
    """Passages in fused order; each `score` is the question's cosine similarity to it."""

    question: str
    language: str
    passages: list[Passage]
    date_range: DateRange | None = None
    timings_ms: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Filters:
    as_of: date | None = None  # reference date for relative expressions ("hier", "last week")
    sources: tuple[str, ...] = ()  # keep only these sources (exact names)


class HybridRetriever:
    """Ranks chunks for a question from both sides, with date boost and diversity."""

    def __init__(
        self,
        settings: Settings,
        store: ChunkStore,
        lexical: LexicalIndex,
        embedder: Callable[[], Embedder],
    ) -> None:
        self.settings = settings
        self.store = store
        self.lexical = lexical
        self._embedder = embedder

    def retrieve(self, question: str, k: int, filters: Filters | None = None) -> Retrieval:
        import time as clock

        filters = filters or Filters()
        started = clock.perf_counter()
        language = question_language(question)
        if not question.strip() or self.store.count() == 0:
            return Retrieval(question, language, [])
        if self.lexical.count() != self.store.count():
            self.lexical.sync(self.store.collection)  # another process ingested meanwhile
        today = filters.as_of or self.settings.as_of or date.today()
        date_range = find_date_range(question, today)
        ts_range = _ts_range(date_range) if date_range else None
        vector = self._embedder().embed_query(question)
        embedded = clock.perf_counter()

        s = self.settings
        where = _where(filters.sources, None)
        rankings: list[tuple[float, list[str]]] = []
        dense = self.store.search(vector, s.dense_candidates, where=where)
        rankings.append((s.dense_weight, [p.chunk_id for p in dense]))
        words = _topic_words(question, date_range)
        lexical = self.lexical.search(words, language, s.lexical_candidates, filters.sources)
        rankings.append((s.lexical_weight, [h.chunk_id for h in lexical]))
        if ts_range is not None:
            # The same searches restricted to the asked period: a second vote for in-range chunks.
            dated = self.store.search(vector, s.dense_candidates, _where(filters.sources, ts_range))
            rankings.append((s.dense_weight, [p.chunk_id for p in dated]))
            hits = self.lexical.search(
                words, language, s.lexical_candidates, filters.sources, ts_range
            )
            rankings.append((s.lexical_weight, [h.chunk_id for h in hits]))
        fused = weighted_rrf(rankings, s.rrf_k)
        searched = clock.perf_counter()

        ordered = by_article_support(fused, s.article_support)
        pool = self._passages(ordered[: k * POOL_FACTOR], vector)
        chosen = diversify(pool, k, s.max_passages_per_article, s.near_duplicate_jaccard)
        done = clock.perf_counter()
        timings = {
            "embed": (embedded - started) * 1000,
            "search": (searched - embedded) * 1000,
            "fetch": (done - searched) * 1000,
        }
        return Retrieval(question, language, chosen, date_range, timings)

    def _passages(self, ids: Sequence[str], vector: np.ndarray) -> list[Passage]:
        """Fetch the fused candidates in one call, scored by cosine to the question."""
        if not ids:
            return []
        got = self.store.collection.get(
            ids=list(ids), include=["documents", "metadatas", "embeddings"]
        )
        by_id: dict[str, Passage] = {}
        embeddings = np.asarray(got["embeddings"], dtype=np.float32)
        cosines = embeddings @ vector.astype(np.float32)
        for i, cid in enumerate(got["ids"]):
            meta: Any = (got["metadatas"] or [])[i]
            text = str((got["documents"] or [])[i] or "")
            by_id[cid] = passage_from_metadata(cid, text, meta, float(cosines[i]))
        return [by_id[cid] for cid in ids if cid in by_id]


def _topic_words(question: str, date_range: DateRange | None) -> str:
    """The question for BM25: a relative time expression ("la semaine dernière", "hier") is
    left out, since its words in an article ("une semaine d'hommage") say nothing of the topic.

    Expressions with digits ("en 1998", "mars 2017") stay: in an undated corpus such as
    Wikipedia the year in the text is often what singles out the answer.
    """
    if date_range is None or any(ch.isdigit() for ch in date_range.text):
        return question
    return question.replace(date_range.text, " ")


def weighted_rrf(
    rankings: Sequence[tuple[float, Sequence[str]]], k: int
) -> list[tuple[str, float]]:
    """(id, score) best first, score = sum over rankings of weight / (k + rank), rank from 1."""
    scores: dict[str, float] = {}
    for weight, ranked in rankings:
        if weight <= 0:
            continue  # a side switched off contributes no candidates at all
        for rank, item in enumerate(ranked, 1):
            scores[item] = scores.get(item, 0.0) + weight / (k + rank)
    return sorted(scores.items(), key=lambda pair: -pair[1])


def by_article_support(fused: Sequence[tuple[str, float]], support: float) -> list[str]:
    """Chunk ids re-ordered so that a chunk whose article has other well-ranked chunks moves up:
    score + support x (the scores of the article's two best other chunks)."""
    per_article: dict[str, list[tuple[str, float]]] = {}
    for cid, score in fused:  # best first, so each list is sorted too
        per_article.setdefault(article_key(cid), []).append((cid, score))
    boosted = {}
    for cid, score in fused:
        others = [s for other, s in per_article[article_key(cid)] if other != cid][:2]
        boosted[cid] = score + support * sum(others)
    return sorted(boosted, key=lambda cid: -boosted[cid])


def diversify(
    passages: Sequence[Passage], k: int, per_story: int, max_jaccard: float
) -> list[Passage]:
    """Keep the order, skipping passages that nearly repeat one kept already, and capping how
    many passages one story gets. Articles with a near-identical passage are one story (the
    same dispatch from two outlets), so they share the cap."""
    chosen: list[Passage] = []
    words: list[set[str]] = []
    story: dict[str, str] = {}  # article id -> the article that stands for its story
    per: dict[str, int] = {}
    for passage in passages:
        mine = set(tokenize(passage.text, passage.lang or "fr"))
        twin = next(
            (
                kept
                for kept, other in zip(chosen, words, strict=True)
                if _jaccard(mine, other) >= max_jaccard
            ),
            None,
        )
        if twin is not None:
            story.setdefault(passage.article_id, story.get(twin.article_id, twin.article_id))
            continue
        key = story.setdefault(passage.article_id, passage.article_id)
        if per.get(key, 0) >= per_story:
            continue
        chosen.append(passage)
        words.append(mine)
        per[key] = per.get(key, 0) + 1
        if len(chosen) == k:
            break
    return chosen


def _jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def _ts_range(span: DateRange) -> tuple[int, int]:
    start = _ts(span.start) if span.start else 0
    end = _ts(span.end) if span.end else 2**62
    return start, end


def _ts(day: date) -> int:
    return int(datetime.combine(day, time(), tzinfo=UTC).timestamp())


def _where(sources: Sequence[str], ts_range: tuple[int, int] | None) -> dict[str, Any] | None:
    clauses: list[dict[str, Any]] = []
    if sources:
        clauses.append({"source": {"$in": list(sources)}})
    if ts_range is not None:
        clauses.append({"published_ts": {"$gte": ts_range[0]}})
        clauses.append({"published_ts": {"$lte": ts_range[1]}})
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}
