"""Dense search under source and date filters: whichever way the filter is applied (vectors
scored here, ids handed to Chroma, extra neighbours dropped afterwards), the result is the
nearest chunks that pass it, as an exact search over every stored vector would find them.

Vectors are random (no model): what is tested is the filtering, not the embedding.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from index.engine import NewsIndex
from index.records import Article, Chunk
from index.retrieval.dense import dense_ids
from index.retrieval.recency import not_after
from index.storage import ArticleWrite, published_range, timestamp
from index.storage import chroma as chroma_store
from tests.conftest import make_settings

# Each article's vectors, source and publication timestamp.
Truth = dict[str, tuple[np.ndarray, str, int]]
ARTICLES = 600  # two chunks each: 1,200 vectors
SOURCES = [f"source-{i:02d}" for i in range(20)]
# Vectors in a 12-dimensional subspace, as real embeddings have few effective dimensions: HNSW
# finds true neighbours there, so a miss would be the filter's. (Uniform 384-d noise, where all
# points are nearly equidistant, is where HNSW recall is worst.)
BASIS = np.random.default_rng(3).standard_normal((12, 384)).astype(np.float32)


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> tuple[NewsIndex, Truth]:
    """An embedded index of random unit vectors over 20 sources and the years 2010-2019, and
    what each chunk is (vector, source, timestamp) for the exact reference search."""
    rng = np.random.default_rng(7)
    index = NewsIndex.open(make_settings(tmp_path_factory.mktemp("dense") / "data"))
    writes: list[ArticleWrite] = []
    truth: Truth = {}
    for n in range(ARTICLES):
        day = date(2010 + n % 10, 1 + n % 12, 1 + n % 28)
        text = f"Article numéro {n}.\n\nSa seconde partie, numéro {n}."
        article = Article(
            id=f"a{n:04d}", title=f"Titre {n}", text=text, source=SOURCES[n % 20], published_at=day
        )
        cut = text.index("\n\n")
        chunks = [
            Chunk(article.id, 0, 0, cut, text[:cut]),
            Chunk(article.id, 1, cut + 2, len(text), text[cut + 2 :]),
        ]
        vectors = rng.standard_normal((2, len(BASIS))).astype(np.float32) @ BASIS
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        writes.append(ArticleWrite(article, chunks, vectors, f"c{n}", f"t{n}"))
        truth[article.id] = (vectors, article.source, timestamp(day))
    index.lexical.ready(index.store)
    index.store.replace(writes)
    return index, truth


def exact(
    truth: Truth,
    index: NewsIndex,
    vector: np.ndarray,
    k: int,
    sources: tuple[str, ...],
    published: tuple[int, int] | None,
) -> list[str]:
    """Every stored chunk passing the filter, scored against `vector`: the best `k` ids."""
    from index.storage import chunk_id

    scored = []
    for article_id, (vectors, source, ts) in truth.items():
        if sources and source not in sources:
            continue
        if published is not None and not published[0] <= ts <= published[1]:
            continue
        for i, v in enumerate(vectors):
            scored.append((-float(v @ vector), chunk_id(article_id, i)))
    stored = set(index.store.collection.get(include=[])["ids"])
    return [cid for _, cid in sorted(scored) if cid in stored][:k]


def query(seed: int) -> np.ndarray:
    v = np.random.default_rng(seed).standard_normal(len(BASIS)).astype(np.float32) @ BASIS
    return v / np.linalg.norm(v)


@pytest.mark.parametrize(
    "sources, published",
    [
        (("source-03",), published_range(date(2013, 1, 1), date(2013, 6, 30))),  # 20: scored here
        (("source-03",), None),  # 60 chunks, 5 %: ids handed to Chroma
        (("source-03", "source-07"), None),  # 10 %
        ((), published_range(date(2015, 1, 1), date(2015, 12, 31))),  # 10 %
        ((), not_after(date(2018, 6, 30))),  # 85 %: extra neighbours, dropped afterwards
        (tuple(SOURCES[:15]), None),  # 75 %
    ],
)
def test_filtered_dense_search_finds_what_an_exact_search_finds(
    archive: tuple[NewsIndex, Truth],
    sources: tuple[str, ...],
    published: tuple[int, int] | None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    index, truth = archive
    # The ids path needs more matching rows than the archive has at the shipped threshold.
    monkeypatch.setattr(chroma_store, "EXACT_UP_TO", 50)
    for seed in range(5):
        vector = query(seed)
        want = exact(truth, index, vector, 20, sources, published)
        got = dense_ids(index.store, index.lexical, vector, 20, sources, published)
        assert got, "a filter that matches chunks found none"
        # HNSW is approximate: nearly every one of the exact 20, the best first.
        assert len(set(got) & set(want)) >= 19
        assert got[0] == want[0]


def test_a_chunk_removed_behind_the_word_index_is_not_an_error(
    archive: tuple[NewsIndex, Truth], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Another process deletes a chunk from Chroma while this one's word index still lists it:
    # Chroma refuses a search among ids it does not hold; the search falls back, never fails.
    index, truth = archive
    monkeypatch.setattr(chroma_store, "EXACT_UP_TO", 50)
    sources = ("source-05", "source-06")
    before = dense_ids(index.store, index.lexical, query(1), 10, sources, None)
    index.store.collection.delete(ids=[before[0]])
    after = dense_ids(index.store, index.lexical, query(1), 10, sources, None)
    assert before[0] not in after
    assert after[0] == before[1]
    assert after == exact(truth, index, query(1), 10, sources, None)
