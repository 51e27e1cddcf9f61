"""Run QA items through retrieval (and the answerer) and score each question."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from index.engine import NewsIndex
from index.evaluation.dataset import QAItem
from index.evaluation.metrics import (
    citation_precision,
    contains_answer,
    dedupe,
    exact_match,
    hit_rank,
    retrieval_scores,
    spans_overlap,
    token_f1,
)
from index.records import Answer, Passage
from index.retrieval import Filters
from index.settings import Settings
from index.text import strip_markers

if TYPE_CHECKING:
    from index.answer import Answerer

log = logging.getLogger(__name__)
CHUNKS_PER_ARTICLE = 4  # chunks fetched per wanted article, so dedup still leaves k articles
# Settings that cannot change a figure (places, secrets, the bot's own), left out of reports.
NOT_FIGURES = {
    "data_dir",
    "cache_dir",
    "llm_api_key",
    "telegram_token",
    "telegram_base_url",
    "telegram_allowed_users",
    "telegram_allowed_chats",
    "telegram_questions_per_minute",
    "telegram_webhook_url",
    "telegram_webhook_listen",
    "telegram_webhook_port",
    "corpus_attribution",
    "watch_interval",
    "watch_sources",
}


@dataclass
class QuestionResult:
    item: QAItem
    retrieved_ids: list[str] = field(default_factory=list)
    hit_rank: int | None = None
    passage_hit_rank: int | None = None
    scores: dict[str, float] = field(default_factory=dict)
    retrieval_ms: float = 0.0
    answer_ms: float = 0.0
    answer: str | None = None
    citations: list[dict[str, Any]] = field(default_factory=list)
    refused: bool | None = None
    evidence: float | None = None
    answer_scores: dict[str, float | None] = field(default_factory=dict)
    error: str | None = None

    @property
    def total_ms(self) -> float:
        return self.retrieval_ms + self.answer_ms

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.item.id,
            "question": self.item.question,
            "as_of": self.item.as_of.isoformat() if self.item.as_of else None,
            "type": self.item.type,
            "unanswerable": self.item.unanswerable,
            "evidence_ids": self.item.evidence_ids,
            "retrieved_ids": self.retrieved_ids,
            "hit_rank": self.hit_rank,
            "passage_hit_rank": self.passage_hit_rank,
            "answer": self.answer,
            "citations": self.citations,
            "refused": self.refused,
            "evidence": self.evidence,
            "retrieval_ms": round(self.retrieval_ms, 2),
            "answer_ms": round(self.answer_ms, 2),
            "total_ms": round(self.total_ms, 2),
            "error": self.error,
            **self.scores,
            **self.answer_scores,
        }


def evaluate_item(
    index: NewsIndex, item: QAItem, k: int, answerer: Answerer | None = None
) -> QuestionResult:
    """Run one question; an exception is recorded on the result, never raised."""
    result = QuestionResult(item)
    try:
        started = time.perf_counter()
        filters = Filters(as_of=item.as_of)
        passages = index.search(item.question, k * CHUNKS_PER_ARTICLE, filters)
        result.retrieval_ms = (time.perf_counter() - started) * 1000
        if answerer is not None:
            timed = answerer.answer_timed(item.question, as_of=item.as_of)
            # What a user waits for: the answerer's own retrieval, then the answer.
            result.retrieval_ms, result.answer_ms = timed.retrieval_ms, timed.answer_ms
            _score_answer(result, timed.answer)
    except Exception as exc:  # a failure is counted in the report, not fatal to the run
        log.warning("question %s failed", item.id, exc_info=True)
        result.error = f"{type(exc).__name__}: {exc}"
        return result
    result.retrieved_ids = dedupe(p.article_id for p in passages)[:k]
    if not item.unanswerable:
        result.hit_rank = hit_rank(item.evidence_ids, result.retrieved_ids)
        result.passage_hit_rank = _passage_hit(item, passages[:k])
        result.scores = retrieval_scores(item.evidence_ids, result.retrieved_ids, k)
    return result


def _score_answer(result: QuestionResult, answer: Answer) -> None:
    item = result.item
    result.answer, result.refused, result.evidence = answer.text, answer.refused, answer.evidence
    result.citations = [
        {
            "n": c.n,
            "article_id": c.passage.article_id,
            "chunk_id": c.passage.chunk_id,
            "quote": c.quote,
        }
        for c in answer.citations
    ]
    if item.unanswerable:
        return
    text = strip_markers(answer.text) if not answer.refused else ""
    cited = [(c.passage.article_id, c.quote) for c in answer.citations]
    result.answer_scores = {
        "exact_match": exact_match(text, item.answers) if item.answers else None,
        "f1": token_f1(text, item.answers) if item.answers else None,
        "contains_answer": contains_answer(text, item.answers) if item.answers else None,
        "citation_precision": citation_precision(cited, item.evidence_ids, item.answers),
    }


def _passage_hit(item: QAItem, passages: Sequence[Passage]) -> int | None:
    if not item.answer_spans:
        return None
    gold = set(item.evidence_ids)
    for rank, p in enumerate(passages, 1):
        if p.article_id in gold and any(
            spans_overlap((p.start, p.end), s) for s in item.answer_spans
        ):
            return rank
    return None


def run(
    index: NewsIndex,
    items: Sequence[QAItem],
    k: int,
    on_result: Callable[[QuestionResult], None] | None = None,
    answerer: Answerer | None = None,
) -> list[QuestionResult]:
    results = []
    for item in items:
        result = evaluate_item(index, item, k, answerer)
        results.append(result)
        if on_result:
            on_result(result)
    return results


def evaluation_config(
    settings: Settings, k: int, model_name: str, answerer: Answerer | None
) -> dict[str, Any]:
    """The settings behind a run's figures, saved in its report."""
    backend = answerer.backend if answerer else None
    return {
        "k": k,
        "embed_model": model_name,
        "embed_precision": settings.embed_precision,
        "chunk_tokens": settings.chunk_tokens,
        "chunk_overlap_tokens": settings.chunk_overlap_tokens,
        "answerer": (backend.name if backend else settings.answer_backend) if answerer else None,
        "llm_model": settings.llm_model if backend else None,
        "retrieval": {
            "dense_weight": settings.dense_weight,
            "lexical_weight": settings.lexical_weight,
            "rrf_k": settings.rrf_k,
            "dense_candidates": settings.dense_candidates,
            "lexical_candidates": settings.lexical_candidates,
            "max_passages_per_article": settings.max_passages_per_article,
            "recency_weight": settings.recency_weight,
            "recency_half_life_days": settings.recency_half_life_days,
        },
        "as_of": settings.as_of.isoformat() if settings.as_of else None,
        "answer_k": settings.answer_k,
        "refusal_threshold": settings.refusal_threshold,
        "reader": {
            "passages": settings.reader_passages,
            "retrieval_weight": settings.reader_retrieval_weight,
            "refusal_threshold": settings.reader_refusal_threshold,
            "state_slack": settings.reader_state_slack,
        },
        # Everything else that can move a figure, so that `--compare` can name what changed.
        "settings": settings.model_dump(mode="json", exclude=NOT_FIGURES),
    }
