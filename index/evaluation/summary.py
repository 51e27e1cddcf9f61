"""A run's figures: metric means over answerable questions, latency percentiles, counts."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from index.evaluation.metrics import HIT_KS
from index.evaluation.runner import QuestionResult


def summarize(results: Sequence[QuestionResult], k: int) -> dict[str, Any]:
    """Averages over answerable questions; latency percentiles over all that ran."""
    scored = [r for r in results if not r.item.unanswerable and r.error is None]
    metrics = _retrieval_metrics(scored, k) | _answer_metrics(results)
    ok = [r for r in results if r.error is None]
    latency = {
        stage: percentiles([getattr(r, f"{stage}_ms") for r in ok])
        for stage in ("retrieval", "answer", "total")
    }
    counts = {
        "questions": len(results),
        "answerable": sum(not r.item.unanswerable for r in results),
        "unanswerable": sum(r.item.unanswerable for r in results),
        "with_answer_spans": sum(bool(r.item.answer_spans) for r in scored),
        "failed": sum(r.error is not None for r in results),
    }
    return {
        "metrics": metrics,
        "latency_ms": latency,
        "counts": counts,
        "by_type": _by_type(scored, k),
    }


def _retrieval_metrics(scored: Sequence[QuestionResult], k: int) -> dict[str, Any]:
    metrics: dict[str, Any] = {}
    for name in [f"hit@{c}" for c in HIT_KS] + [f"mrr@{k}", f"ndcg@{k}"]:
        metrics[name] = mean([r.scores[name] for r in scored])
    with_spans = [r for r in scored if r.item.answer_spans]
    for cut in HIT_KS:
        metrics[f"passage_hit@{cut}"] = (
            mean([_within(r.passage_hit_rank, cut) for r in with_spans]) if with_spans else None
        )
    metrics["hit_curve"] = [
        mean([_within(r.hit_rank, cut) for r in scored]) for cut in range(1, k + 1)
    ]
    return metrics


def _within(rank: int | None, cut: int) -> float:
    return float(rank is not None and rank <= cut)


def _by_type(scored: Sequence[QuestionResult], k: int) -> dict[str, dict[str, float | int]]:
    by_type: dict[str, dict[str, float | int]] = {}
    for kind in sorted({r.item.type for r in scored if r.item.type}):
        group = [r for r in scored if r.item.type == kind]
        by_type[kind] = {
            "n": len(group),
            "hit@5": mean([r.scores["hit@5"] for r in group]),
            f"mrr@{k}": mean([r.scores[f"mrr@{k}"] for r in group]),
        }
    return by_type


def _answer_metrics(results: Sequence[QuestionResult]) -> dict[str, float | None]:
    """Answer quality; empty until an answerer ran."""
    answered = [r for r in results if r.error is None and r.refused is not None]
    if not answered:
        return {}
    answerable = [r for r in answered if not r.item.unanswerable]
    unanswerable = [r for r in answered if r.item.unanswerable]

    def mean_of(name: str) -> float | None:
        values = [v for r in answerable if (v := r.answer_scores.get(name)) is not None]
        return mean(values) if values else None

    return {
        "exact_match": mean_of("exact_match"),
        "f1": mean_of("f1"),
        "contains_answer": mean_of("contains_answer"),
        "citation_precision": mean_of("citation_precision"),
        "citation_coverage": mean([float(bool(r.citations)) for r in answerable])
        if answerable
        else None,
        "refusal_rate": mean([float(bool(r.refused)) for r in answerable]) if answerable else None,
        "refusal_accuracy": mean([float(bool(r.refused)) for r in unanswerable])
        if unanswerable
        else None,
    }


def mean(values: Sequence[float]) -> float:
    """Rounded to 4 decimals; 0 for no values."""
    return round(sum(values) / len(values), 4) if values else 0.0


def percentiles(values: Sequence[float]) -> dict[str, float]:
    """Nearest-rank p50 and p95, and the maximum, rounded to 0.01."""
    if not values:
        return {"p50": 0.0, "p95": 0.0, "max": 0.0}
    ordered = sorted(values)

    def pick(q: float) -> float:  # nearest-rank percentile
        return round(ordered[max(0, math.ceil(q * len(ordered)) - 1)], 2)

    return {"p50": pick(0.50), "p95": pick(0.95), "max": round(ordered[-1], 2)}
