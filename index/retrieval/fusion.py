"""Fusion of ranked lists and the diversity pass: small pure functions over chunk ids.

llama-index's QueryFusionRetriever fuses by plain reciprocal rank (its weights only apply to
relative-score fusion), and the date boost needs extra ranked lists, so the fusion is here.
"""

from __future__ import annotations

from collections.abc import Sequence

from index.records import Passage
from index.storage import article_key
from index.text import jaccard, tokenize

Weights = float | Sequence[float]  # one for a whole ranking, or one per item


def weighted_rrf(
    rankings: Sequence[tuple[Weights, Sequence[str]]], k: int
) -> list[tuple[str, float]]:
    """(id, score) best first, score = sum over rankings of weight / (k + rank), rank from 1.

    An item weighted 0 (or a ranking weighted 0: a side switched off) is no candidate at all."""
    scores: dict[str, float] = {}
    for weight, ranked in rankings:
        weights = [weight] * len(ranked) if isinstance(weight, int | float) else weight
        for rank, (item, own) in enumerate(zip(ranked, weights, strict=True), 1):
            if own > 0:
                scores[item] = scores.get(item, 0.0) + own / (k + rank)
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
                if jaccard(mine, other) >= max_jaccard
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
