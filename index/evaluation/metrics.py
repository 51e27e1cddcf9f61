"""Evaluation metrics for one question: retrieval (llama-index's) and answer text (ours).

Retrieval metrics work on article ids, deduplicated in rank order. Answer metrics compare
texts after normalisation: lower case, no accents, no punctuation, no French or English
articles, folded whitespace (the SQuAD recipe, extended to French).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence

from llama_index.core.evaluation.retrieval.metrics import MRR, NDCG, HitRate

from index.text import fold

HIT_KS = (1, 3, 5, 10)
_ARTICLES = {
    "a",
    "an",
    "the",
    "le",
    "la",
    "les",
    "l",
    "un",
    "une",
    "des",
    "du",
    "de",
    "d",
}
_PUNCT = re.compile(r"[^\w\s]")


def dedupe(ids: Iterable[str]) -> list[str]:
    """Keep the first occurrence of each id, in rank order."""
    return list(dict.fromkeys(ids))


def hit_rank(gold: Sequence[str], ranked: Sequence[str]) -> int | None:
    """1-based rank of the first gold id, or None when none was retrieved."""
    wanted = set(gold)
    return next((i for i, x in enumerate(ranked, 1) if x in wanted), None)


def retrieval_scores(gold: Sequence[str], ranked: Sequence[str], k: int = 10) -> dict[str, float]:
    """hit@1/3/5/10, mrr@k and ndcg@k for one question (0 when nothing was retrieved)."""
    scores: dict[str, float] = {}
    for cut in HIT_KS:
        scores[f"hit@{cut}"] = _metric(HitRate(), gold, ranked[:cut])
    scores[f"mrr@{k}"] = _metric(MRR(), gold, ranked[:k])
    scores[f"ndcg@{k}"] = _metric(NDCG(), gold, ranked[:k])
    return scores


def _metric(metric: HitRate | MRR | NDCG, gold: Sequence[str], ranked: Sequence[str]) -> float:
    if not ranked or not gold:
        return 0.0
    return float(metric.compute(expected_ids=list(gold), retrieved_ids=list(ranked)).score)


def spans_overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def normalize_answer(text: str) -> str:
    """Lower case, strip accents, punctuation and articles, fold whitespace."""
    text = _PUNCT.sub(" ", fold(text))
    return " ".join(w for w in text.split() if w not in _ARTICLES)


def exact_match(prediction: str, answers: Sequence[str]) -> float:
    guess = normalize_answer(prediction)
    return float(any(guess == normalize_answer(a) for a in answers))


def token_f1(prediction: str, answers: Sequence[str]) -> float:
    """Best token-overlap F1 against any reference answer."""
    guess = normalize_answer(prediction).split()
    best = 0.0
    for answer in answers:
        ref = normalize_answer(answer).split()
        common = sum((Counter(guess) & Counter(ref)).values())
        if common:
            precision, recall = common / len(guess), common / len(ref)
            best = max(best, 2 * precision * recall / (precision + recall))
    return best


def contains_answer(prediction: str, answers: Sequence[str]) -> float:
    """1 when a normalised reference answer appears, as whole words, in the answer."""
    guess = f" {normalize_answer(prediction)} "
    return float(any(f" {normalize_answer(a)} " in guess for a in answers if normalize_answer(a)))


def citation_precision(
    cited: Sequence[tuple[str, str]], gold_ids: Sequence[str], answers: Sequence[str]
) -> float | None:
    """Share of cited (article id, quote) pairs from a gold article or quoting a gold answer."""
    if not cited:
        return None
    good = sum(
        article_id in gold_ids or contains_answer(quote, answers) > 0 for article_id, quote in cited
    )
    return good / len(cited)
