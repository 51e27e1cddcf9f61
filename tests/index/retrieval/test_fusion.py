"""Fusion of the ranked lists and the diversity pass, on synthetic ids and passages."""

from __future__ import annotations

import pytest

from index.records import Passage
from index.retrieval.fusion import by_article_support, diversify, weighted_rrf
from index.storage import chunk_id
from tests.conftest import make_passage


def ids(fused: list[tuple[str, float]]) -> list[str]:
    return [item for item, _ in fused]


def test_weighted_fusion_orders_by_weight_over_rank() -> None:
    dense, lexical = ["a", "b", "c"], ["c", "d"]
    both = weighted_rrf([(1.0, dense), (1.0, lexical)], 60)
    assert ids(both)[0] == "c"  # found by both sides
    assert both[0][1] == pytest.approx(1 / 63 + 1 / 61)
    assert ids(both)[1] == "a" and set(ids(both)[2:]) == {"b", "d"}  # 1/61, then 1/62 each
    assert ids(weighted_rrf([(1.0, dense), (3.0, lexical)], 60))[:2] == ["c", "d"]
    assert "d" not in ids(weighted_rrf([(1.0, dense), (0.0, lexical)], 60))  # a side off
    assert weighted_rrf([(1.0, []), (1.0, [])], 60) == []


def test_a_small_k_favours_the_top_of_each_list() -> None:
    first_only, everywhere = ["x", "y", "z"], ["y", "z", "x"]
    rankings = [(1.0, first_only), (1.0, everywhere)]
    # k=1: x gets 1/2 + 1/4, y gets 1/3 + 1/2; with a large k the ranks count nearly alike.
    assert ids(weighted_rrf(rankings, 1)) == ["y", "x", "z"]
    scores = dict(weighted_rrf(rankings, 1000))
    assert scores["x"] == pytest.approx(scores["y"], rel=1e-3)


def test_article_support_lifts_chunks_of_a_well_covered_article() -> None:
    a, b = (chunk_id("aa", i) for i in range(3)), chunk_id("bb", 0)
    a0, a1, a2 = a
    # Article "aa" has three decent chunks; "bb" one slightly better chunk.
    fused = [(b, 0.10), (a0, 0.09), (a1, 0.05), (a2, 0.04)]
    assert by_article_support(fused, 0.0) == [b, a0, a1, a2]
    assert by_article_support(fused, 0.3)[:2] == [a0, b]  # 0.09 + 0.3 x (0.05 + 0.04) > 0.10


def test_article_support_counts_only_the_two_best_other_chunks() -> None:
    many = [(chunk_id("aa", i), 0.05) for i in range(6)]
    # Each chunk of "aa": 0.05 + 1.0 x (0.05 + 0.05) = 0.15; all five others would make 0.30.
    assert by_article_support([(chunk_id("bb", 0), 0.20), *many], 1.0)[0] == chunk_id("bb", 0)
    ranked = by_article_support([(chunk_id("bb", 0), 0.10), *many], 1.0)
    assert ranked[:6] == [cid for cid, _ in many] and ranked[6] == chunk_id("bb", 0)
    alone = by_article_support([(chunk_id("bb", 0), 0.10), many[0]], 1.0)
    assert alone == [chunk_id("bb", 0), many[0][0]]  # no other chunk of "aa" to lend support


SENTENCES = [
    "Le conseil municipal a voté le budget de la ville mardi soir.",
    "La grève des transports a perturbé le trafic toute la journée.",
    "Le festival de musique attend cent mille visiteurs cet été.",
    "Les pompiers ont maîtrisé un incendie dans la forêt voisine.",
]


def story(article: str, *texts: str) -> list[Passage]:
    return [
        make_passage(t, article, start=100 * i, chunk_index=i, chunk_id=chunk_id(article, i))
        for i, t in enumerate(texts)
    ]


def test_diversity_keeps_the_order_and_caps_each_article() -> None:
    a = story("a", *SENTENCES[:3])
    b = story("b", SENTENCES[3])
    chosen = diversify([*a, *b], k=4, per_story=2, max_jaccard=0.8)
    assert chosen == [a[0], a[1], b[0]]  # a's third passage is over its cap
    assert diversify([*a, *b], k=2, per_story=2, max_jaccard=0.8) == a[:2]


def test_a_near_repeat_is_skipped_and_its_outlet_shares_the_story_cap() -> None:
    # The same dispatch from two outlets: b's first passage nearly repeats a's.
    a = story("afp", SENTENCES[0], SENTENCES[1])
    b = story("reuters", SENTENCES[0].replace("mardi soir", "mardi"), SENTENCES[2])
    other = story("local", SENTENCES[3])
    chosen = diversify([a[0], b[0], a[1], b[1], *other], k=5, per_story=2, max_jaccard=0.8)
    # b[0] repeats a[0]; b[1] is new text but the story already has its two passages.
    assert chosen == [a[0], a[1], other[0]]
    looser = diversify([a[0], b[0], a[1], b[1], *other], k=5, per_story=3, max_jaccard=0.8)
    assert looser == [a[0], a[1], b[1], other[0]]


def test_passages_below_the_overlap_threshold_are_both_kept() -> None:
    a = story("a", SENTENCES[0])
    b = story("b", SENTENCES[0].replace("le budget de la ville", "une motion"))
    assert diversify([*a, *b], k=5, per_story=2, max_jaccard=0.8) == [a[0], b[0]]
    assert diversify([*a, *b], k=5, per_story=2, max_jaccard=0.3) == [a[0]]


def test_items_of_a_ranking_can_weigh_less_than_the_rest() -> None:
    lexical = ["noise", "name", "off"]
    fused = weighted_rrf([(1.0, ["name"]), ([0.5, 1.25, 0.0], lexical)], 5)
    assert ids(fused) == ["name", "noise"]  # an item weighted 0 is no candidate
    assert dict(fused)["noise"] == pytest.approx(0.5 / 6)
    assert dict(fused)["name"] == pytest.approx(1 / 6 + 1.25 / 7)
