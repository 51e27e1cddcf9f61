"""Hybrid retrieval: dense (Chroma) and lexical (BM25) fused by weighted reciprocal rank.

The fusion itself is in `index.retrieval.fusion`; this module runs the searches it fuses.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from index.embedding import Embedder
from index.records import Passage
from index.retrieval.dates import DateRange, find_date_range
from index.retrieval.dense import dense_ids
from index.retrieval.fusion import Weights, by_article_support, diversify, weighted_rrf
from index.retrieval.language import question_language
from index.retrieval.recency import boosted, not_after, within, years_named
from index.settings import Settings
from index.storage import ChunkStore, LexicalIndex, published_range

# Fused candidates fetched from Chroma per result wanted, before diversity filtering.
POOL_FACTOR = 4


@dataclass(frozen=True)
class Filters:
    as_of: date | None = None  # reference date for relative expressions ("hier", "last week")
    sources: tuple[str, ...] = ()  # keep only these sources (exact names)


@dataclass(frozen=True)
class Retrieval:
    """Passages in fused order; each `score` is the question's cosine similarity to it."""

    question: str
    language: str
    passages: list[Passage]
    date_range: DateRange | None = None
    filters: Filters = Filters()  # what it was asked with, to ask again wider
    # The question's embedding, so that asking again wider does not embed it again.
    vector: np.ndarray | None = field(default=None, repr=False, compare=False)


@dataclass(frozen=True)
class NameSearch:
    """Passages that hold some words (an office's names), published within a period."""

    words: str
    lang: str  # the language the words are stemmed in
    published: tuple[date | None, date | None]  # both days included; None: open
    k: int = 10


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

    def retrieve(
        self,
        question: str,
        k: int,
        filters: Filters | None = None,
        vector: np.ndarray | None = None,
    ) -> Retrieval:
        """The `k` best passages; `vector`, when given, is the question's embedding."""
        filters = filters or Filters()
        language = question_language(question)
        if not question.strip() or self.lexical.live() == 0:
            return Retrieval(question, language, [], filters=filters)
        given = filters.as_of or self.settings.as_of
        today = given or date.today()
        date_range = find_date_range(question, today)
        # Articles from after the question's "today" are never evidence; the filter is only
        # set when the archive holds some, since a filtered search costs more. Feeds date in
        # UTC: without a given date, one day of grace keeps this evening's news west of UTC.
        allowed = not_after(today, 0 if given else 1)
        limit = allowed if self.lexical.latest_published() > allowed[1] else None
        if vector is None:
            vector = self._embedder().embed_query(question)
        rankings = self._rankings(question, language, vector, filters.sources, date_range, limit)
        fused = weighted_rrf(rankings, self.settings.rrf_k)
        if date_range is None and not years_named(question):
            # No period asked: the state of things on the reference date, recent news first.
            ids = [cid for cid, _ in fused]
            fused = boosted(
                fused,
                self.lexical.published(ids),
                today,
                self.settings.recency_half_life_days,
                self.settings.recency_weight,
            )
        chosen = self._choose(fused, vector, k)
        return Retrieval(question, language, chosen, date_range, filters, vector)

    def naming(self, search: NameSearch, filters: Filters, vector: np.ndarray) -> list[Passage]:
        """The passages BM25 ranks best for the search's words among those published within
        its period, whatever else they are about: "le ministre de la Justice" named in passing
        in last week's story on a new law. Scored by cosine to `vector`."""
        period = published_range(*search.published)
        hits = self.lexical.search(search.words, search.lang, search.k, filters.sources, period)
        return self.store.passages([h.chunk_id for h in hits], vector)

    def _rankings(
        self,
        question: str,
        language: str,
        vector: np.ndarray,
        sources: Sequence[str],
        date_range: DateRange | None,
        limit: tuple[int, int] | None,
    ) -> list[tuple[Weights, list[str]]]:
        """(weight, chunk ids best first) from each side, and again within the asked period;
        never a chunk published outside `limit`."""
        s = self.settings
        words = _topic_words(question, date_range)
        periods: list[tuple[int, int] | None] = [limit]
        if date_range is not None:
            # The same searches restricted to the asked period: a second vote for in-range chunks.
            periods.append(within(published_range(date_range.start, date_range.end), limit))
        rankings: list[tuple[Weights, list[str]]] = []
        for period in periods:
            dense = dense_ids(self.store, self.lexical, vector, s.dense_candidates, sources, period)
            rankings.append((s.dense_weight, dense))
            hits = [
                h.chunk_id
                for h in self.lexical.search(words, language, s.lexical_candidates, sources, period)
            ]
            rankings.append((self._lexical_weights(hits, language), hits))
        return rankings

    def _lexical_weights(self, hits: list[str], language: str) -> list[float]:
        """The lexical weight of each hit: lower where the passage's language is not the
        question's (a passage of unknown language counts as the question's)."""
        weight, share = self.settings.lexical_weight, self.settings.lexical_other_language_share
        return [
            weight if lang in ("", language) else weight * share
            for lang in self.lexical.languages(hits)
        ]

    def _choose(self, fused: list[tuple[str, float]], vector: np.ndarray, k: int) -> list[Passage]:
        """The fused candidates re-ordered by article support, fetched, and diversified."""
        s = self.settings
        ordered = by_article_support(fused, s.article_support)
        pool = self.store.passages(ordered[: k * POOL_FACTOR], vector)
        return diversify(pool, k, s.max_passages_per_article, s.near_duplicate_jaccard)


def _topic_words(question: str, date_range: DateRange | None) -> str:
    """The question for BM25: a relative time expression ("la semaine dernière", "hier") is
    left out, since its words in an article ("une semaine d'hommage") say nothing of the topic.

    Expressions with digits ("en 1998", "mars 2017") stay: in an undated corpus such as
    Wikipedia the year in the text is often what singles out the answer.
    """
    if date_range is None or any(ch.isdigit() for ch in date_range.text):
        return question
    return question.replace(date_range.text, " ")
