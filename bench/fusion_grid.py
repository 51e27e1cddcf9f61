"""Choose the fusion defaults on piaf-dev: article-level hit@5 and MRR@10 over a grid.

    .venv/bin/python bench/fusion_grid.py [--limit N] [--data-dir DIR]

Ingests data/piaf-dev/corpus.jsonl into the collection `newsqa eval --corpus` uses (reused if
there), embeds the questions once, then replays the fusion offline for each setting: dense and
BM25 alone (the baselines of the same run), plain RRF (k=60, equal weights), and weighted RRF
with article support for a grid of weights, k, support and BM25 k1/b. Each line shows all the
questions and each half of them apart: a setting chosen on one half should hold on the other.
"""

from __future__ import annotations

import argparse
import itertools
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from index.offline import go_offline  # noqa: E402

go_offline(allow_downloads=False)

import bm25s  # noqa: E402
import numpy as np  # noqa: E402

from bench.machine import cpu_line  # noqa: E402
from index.embedding import model_label  # noqa: E402
from index.engine import NewsIndex  # noqa: E402
from index.evaluation import QAItem, corpus_collection, load_qa  # noqa: E402
from index.retrieval.fusion import by_article_support, weighted_rrf  # noqa: E402
from index.settings import Settings  # noqa: E402
from index.text import tokenize  # noqa: E402
from ingest.pipeline import Ingestor  # noqa: E402

PIAF = ROOT / "data" / "piaf-dev"
DEPTH = 100


def score(
    items: Sequence[QAItem], ranked: Sequence[list[str]], article_of: dict[str, str]
) -> tuple[float, float]:
    """Article-level hit@5 and MRR@10 of chunk rankings, deduplicated as `newsqa eval` does."""
    hits = mrr = 0.0
    for item, chunks in zip(items, ranked, strict=True):
        articles = list(dict.fromkeys(article_of[c] for c in chunks))[:10]
        rank = next((i for i, a in enumerate(articles, 1) if a in item.evidence_ids), None)
        hits += rank is not None and rank <= 5
        mrr += 1 / rank if rank else 0.0
    return hits / len(items), mrr / len(items)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--limit", type=int, default=0, help="first N questions (0: all)")
    parser.add_argument("--data-dir", type=Path, default=ROOT / ".newsqa")
    args = parser.parse_args()
    print(cpu_line())
    settings = Settings(data_dir=args.data_dir)
    collection, _ = corpus_collection(
        PIAF / "corpus.jsonl", model_label(settings), settings.embed_precision
    )
    index = NewsIndex.open(settings, collection)
    Ingestor(settings, index).run([str(PIAF / "corpus.jsonl")])
    index.sync_lexical()
    items = load_qa(PIAF / "qa.jsonl")[0]
    items = items[: args.limit] if args.limit else items

    everything = index.store.collection.get(include=["metadatas"])
    article_of = {
        cid: str(meta["article_id"])
        for cid, meta in zip(everything["ids"], everything["metadatas"] or [], strict=True)
    }
    vectors = [index.embedder.embed_query(item.question) for item in items]
    dense = [
        index.store.collection.query(query_embeddings=[v.tolist()], n_results=DEPTH)["ids"][0]
        for v in vectors
    ]
    rows = index.lexical.db.execute("SELECT id, tokens FROM chunks ORDER BY id").fetchall()
    ids, corpus = [r[0] for r in rows], [r[1].split() for r in rows]
    queries = [tokenize(item.question, "fr") for item in items]

    def bm25(k1: float, b: float) -> list[list[str]]:
        model = bm25s.BM25(k1=k1, b=b)
        model.index(corpus, show_progress=False)
        ranked = []
        for q in queries:
            scores = model.get_scores(q) if q else np.zeros(len(ids))
            top = np.argsort(-scores)[:DEPTH]
            ranked.append([ids[i] for i in top if scores[i] > 0])
        return ranked

    half = len(items) // 2

    def show(
        name: str, rank: Callable[[list[str], list[str]], list[str]], lex: list[list[str]]
    ) -> None:
        ranked = [rank(d, x) for d, x in zip(dense, lex, strict=True)]
        figures = [
            score(items[part], ranked[part], article_of)
            for part in (slice(None), slice(None, half), slice(half, None))
        ]
        print(f"{name:<44}" + "".join(f"  {h:.3f} {m:.3f}" for h, m in figures))

    default_lex = bm25(1.5, 0.75)
    print(
        f"{len(items)} questions, {len(ids)} chunks; hit@5 and MRR@10 for all, 1st half, 2nd half"
    )
    show("dense alone", lambda d, x: d, default_lex)
    show("BM25 alone (k1=1.5, b=0.75)", lambda d, x: x, default_lex)
    show(
        "plain RRF k=60 (equal weights, 40 + 40)",
        lambda d, x: [c for c, _ in weighted_rrf([(1, d[:40]), (1, x[:40])], 60)],
        default_lex,
    )
    for k1, b in ((1.5, 0.75), (1.2, 0.5), (0.9, 0.4), (0.7, 0.3)):
        lex = default_lex if (k1, b) == (1.5, 0.75) else bm25(k1, b)
        grid = itertools.product((1.0, 1.25, 1.5, 2.0), (5, 10, 30), (0.0, 0.1, 0.2, 0.3))
        for weight, k, support in grid:

            def fused(
                d: list[str], x: list[str], w: float = weight, kk: int = k, s: float = support
            ) -> list[str]:
                return by_article_support(weighted_rrf([(1.0, d), (w, x)], kk), s)

            show(f"k1={k1} b={b} lexical x{weight} k={k} support={support}", fused, lex)


if __name__ == "__main__":
    main()
