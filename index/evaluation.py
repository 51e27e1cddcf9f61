"""Offline evaluation: run QA pairs through retrieval (and the answerer, once it exists)."""

from __future__ import annotations

import hashlib
import json
import logging
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from index.engine import NewsIndex
from index.errors import UserError
from index.metrics import (
    HIT_KS,
    citation_precision,
    contains_answer,
    dedupe,
    exact_match,
    hit_rank,
    retrieval_scores,
    spans_overlap,
    strip_markers,
    token_f1,
)
from index.models import Answer, Passage

if TYPE_CHECKING:
    from index.answer import Answerer

log = logging.getLogger(__name__)
CHUNKS_PER_ARTICLE = 4  # chunks fetched per wanted article, so dedup still leaves k articles


@dataclass(frozen=True)
class QAItem:
    id: str
    question: str
    answers: list[str]
    evidence_ids: list[str]
    answer_spans: list[tuple[int, int]] = field(default_factory=list)
    type: str = ""
    unanswerable: bool = False


@dataclass(frozen=True)
class BadLine:
    line: int
    reason: str


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


def corpus_collection(corpus: Path, model_name: str, precision: str) -> tuple[str, str]:
    """A collection named from the corpus content and the model, so reruns reuse it."""
    if not corpus.is_file():
        raise UserError(f"no corpus file at {corpus}")
    corpus_hash = hashlib.sha256(corpus.read_bytes()).hexdigest()
    # fp32 keeps the names collections had before precisions existed.
    model_key = model_name if precision == "fp32" else f"{model_name}|{precision}"
    model_hash = hashlib.sha256(model_key.encode()).hexdigest()
    return f"eval-{corpus_hash[:12]}-{model_hash[:6]}", corpus_hash


def load_qa(path: Path) -> tuple[list[QAItem], list[BadLine]]:
    """Parse QA lines; malformed ones are reported with their line number, not fatal."""
    items: list[QAItem] = []
    bad: list[BadLine] = []
    seen: set[str] = set()
    with path.open(encoding="utf-8", errors="replace") as handle:
        for n, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                item = _qa_item(json.loads(line))
            except json.JSONDecodeError as exc:
                bad.append(BadLine(n, f"invalid JSON ({exc.msg})"))
                continue
            except (KeyError, TypeError, ValueError) as exc:
                bad.append(BadLine(n, str(exc.args[0]) if exc.args else type(exc).__name__))
                continue
            if item.id in seen:
                bad.append(BadLine(n, f"duplicate id {item.id}"))
                continue
            seen.add(item.id)
            items.append(item)
    return items, bad


def _qa_item(raw: Any) -> QAItem:
    if not isinstance(raw, dict):
        raise ValueError("not a JSON object")
    question = str(raw.get("question") or "").strip()
    if not question:
        raise ValueError("no 'question'")
    answers = raw.get("answers") or ([raw["answer"]] if raw.get("answer") else [])
    unanswerable = bool(raw.get("unanswerable", False))
    evidence = [str(x) for x in raw.get("evidence_ids") or []]
    if not unanswerable and not evidence:
        raise ValueError("no 'evidence_ids' (or mark the question 'unanswerable': true)")
    spans = [(int(a), int(b)) for a, b in raw.get("answer_spans") or []]
    return QAItem(
        id=str(raw.get("id") or question),
        question=question,
        answers=[str(a) for a in answers],
        evidence_ids=evidence,
        answer_spans=spans,
        type=str(raw.get("type") or ""),
        unanswerable=unanswerable,
    )


def evaluate_item(
    index: NewsIndex, item: QAItem, k: int, answerer: Answerer | None = None
) -> QuestionResult:
    """Run one question; an exception is recorded on the result, never raised."""
    result = QuestionResult(item)
    try:
        started = time.perf_counter()
        passages = index.search(item.question, k * CHUNKS_PER_ARTICLE)
        result.retrieval_ms = (time.perf_counter() - started) * 1000
        if answerer is not None:
            timed = answerer.answer_timed(item.question)
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


def summarize(results: Sequence[QuestionResult], k: int) -> dict[str, Any]:
    """Averages over answerable questions; latency percentiles over all that ran."""
    scored = [r for r in results if not r.item.unanswerable and r.error is None]
    metrics: dict[str, Any] = {}
    names = [f"hit@{c}" for c in HIT_KS] + [f"mrr@{k}", f"ndcg@{k}"]
    for name in names:
        metrics[name] = _mean([r.scores[name] for r in scored])
    with_spans = [r for r in scored if r.item.answer_spans]
    for cut in HIT_KS:
        metrics[f"passage_hit@{cut}"] = (
            _mean(
                [
                    float(r.passage_hit_rank is not None and r.passage_hit_rank <= cut)
                    for r in with_spans
                ]
            )
            if with_spans
            else None
        )
    metrics["hit_curve"] = [
        _mean([float(r.hit_rank is not None and r.hit_rank <= cut) for r in scored])
        for cut in range(1, k + 1)
    ]
    metrics |= _answer_metrics(results)
    ok = [r for r in results if r.error is None]
    latency = {
        stage: _percentiles([getattr(r, f"{stage}_ms") for r in ok])
        for stage in ("retrieval", "answer", "total")
    }
    counts = {
        "questions": len(results),
        "answerable": sum(not r.item.unanswerable for r in results),
        "unanswerable": sum(r.item.unanswerable for r in results),
        "with_answer_spans": len(with_spans),
        "failed": sum(r.error is not None for r in results),
    }
    by_type: dict[str, dict[str, float | int]] = {}
    for kind in sorted({r.item.type for r in scored if r.item.type}):
        group = [r for r in scored if r.item.type == kind]
        by_type[kind] = {
            "n": len(group),
            "hit@5": _mean([r.scores["hit@5"] for r in group]),
            f"mrr@{k}": _mean([r.scores[f"mrr@{k}"] for r in group]),
        }
    return {"metrics": metrics, "latency_ms": latency, "counts": counts, "by_type": by_type}


def _answer_metrics(results: Sequence[QuestionResult]) -> dict[str, float | None]:
    """Answer quality; empty until an answerer ran."""
    answered = [r for r in results if r.error is None and r.refused is not None]
    if not answered:
        return {}
    answerable = [r for r in answered if not r.item.unanswerable]
    unanswerable = [r for r in answered if r.item.unanswerable]

    def mean_of(name: str) -> float | None:
        values = [v for r in answerable if (v := r.answer_scores.get(name)) is not None]
        return _mean(values) if values else None

    return {
        "exact_match": mean_of("exact_match"),
        "f1": mean_of("f1"),
        "contains_answer": mean_of("contains_answer"),
        "citation_precision": mean_of("citation_precision"),
        "citation_coverage": _mean([float(bool(r.citations)) for r in answerable])
        if answerable
        else None,
        "refusal_rate": _mean([float(bool(r.refused)) for r in answerable]) if answerable else None,
        "refusal_accuracy": _mean([float(bool(r.refused)) for r in unanswerable])
        if unanswerable
        else None,
    }


def _mean(values: Sequence[float]) -> float:
    return round(sum(values) / len(values), 4) if values else 0.0


def _percentiles(values: Sequence[float]) -> dict[str, float]:
    if not values:
        return {"p50": 0.0, "p95": 0.0, "max": 0.0}
    ordered = sorted(values)

    def pick(q: float) -> float:  # nearest-rank percentile
        return round(ordered[max(0, math.ceil(q * len(ordered)) - 1)], 2)

    return {"p50": pick(0.50), "p95": pick(0.95), "max": round(ordered[-1], 2)}
