"""Each metric against a case computed by hand."""

from __future__ import annotations

import math

import pytest

from index.evaluation import QAItem, QuestionResult, summarize
from index.evaluation.metrics import (
    contains_answer,
    dedupe,
    exact_match,
    hit_rank,
    normalize_answer,
    retrieval_scores,
    token_f1,
)


def test_retrieval_scores_second_rank() -> None:
    scores = retrieval_scores(["a"], ["b", "a", "c"], k=10)
    assert scores["hit@1"] == 0 and scores["hit@3"] == scores["hit@10"] == 1
    assert scores["mrr@10"] == 0.5
    assert scores["ndcg@10"] == pytest.approx(1 / math.log2(3))


def test_retrieval_scores_two_gold_ids_and_cutoff() -> None:
    # gold b at rank 1 and d at rank 4: DCG = 1 + 1/log2(5); ideal = 1 + 1/log2(3).
    scores = retrieval_scores(["b", "d"], ["b", "x", "y", "d"], k=10)
    assert scores["mrr@10"] == 1.0
    assert scores["ndcg@10"] == pytest.approx((1 + 1 / math.log2(5)) / (1 + 1 / math.log2(3)))
    assert retrieval_scores(["d"], ["b", "x", "y", "d"], k=3)["mrr@3"] == 0.0


def test_nothing_retrieved_scores_zero() -> None:
    assert set(retrieval_scores(["a"], [], k=10).values()) == {0.0}


def test_hit_rank_and_dedupe() -> None:
    assert dedupe(["a", "b", "a", "c", "b"]) == ["a", "b", "c"]
    assert hit_rank(["c"], ["a", "b", "c"]) == 3 and hit_rank(["z"], ["a"]) is None


def test_normalisation_french_and_english() -> None:
    assert normalize_answer("L'Élysée, à Paris !") == "elysee paris"  # "à" folds to "a"
    assert normalize_answer("The  Senate’s vote") == "senate s vote"
    assert normalize_answer("les 126 milliards de dollars") == "126 milliards dollars"


def test_answer_text_metrics() -> None:
    assert exact_match("l'ambassadeur Matthew Whitaker", ["Matthew Whitaker"]) == 0.0
    assert exact_match("Matthew WHITAKER.", ["Matthew Whitaker"]) == 1.0
    # prediction tokens: ambassadeur matthew whitaker (3); reference: matthew whitaker (2)
    assert token_f1("l'ambassadeur Matthew Whitaker", ["Matthew Whitaker"]) == pytest.approx(0.8)
    assert token_f1("rien", ["Matthew Whitaker"]) == 0.0
    assert contains_answer("Il sera remplacé par Matthew Whitaker [1].", ["matthew whitaker"])
    assert not contains_answer("Matthew Whitakers", ["Matthew Whitaker"])


def _result(
    gold: list[str], ranked: list[str], ms: float, unanswerable: bool = False
) -> QuestionResult:
    item = QAItem(
        id=str(ms), question="q", answers=[], evidence_ids=gold, unanswerable=unanswerable
    )
    result = QuestionResult(item, retrieved_ids=ranked, retrieval_ms=ms)
    if not unanswerable:
        result.hit_rank = hit_rank(gold, ranked)
        result.scores = retrieval_scores(gold, ranked, 10)
    return result


def test_summary_averages_answerable_only_and_latency_percentiles() -> None:
    results = [
        _result(["a"], ["a", "b"], 10),
        _result(["a"], ["b", "a"], 20),
        _result([], ["a"], 30, unanswerable=True),
    ]
    results.append(QuestionResult(QAItem("e", "q", [], ["a"]), error="Timeout"))
    summary = summarize(results, 10)
    assert summary["metrics"]["hit@1"] == 0.5 and summary["metrics"]["mrr@10"] == 0.75
    assert summary["metrics"]["hit_curve"][:2] == [0.5, 1.0]
    assert summary["counts"] == {
        "questions": 4,
        "answerable": 3,
        "unanswerable": 1,
        "with_answer_spans": 0,
        "failed": 1,
    }
    # nearest rank over 10, 20, 30 ms: p50 is the 2nd value, p95 the 3rd
    assert summary["latency_ms"]["retrieval"] == {"p50": 20.0, "p95": 30.0, "max": 30.0}
