"""What Chroma's vector search costs and finds at each `ef_search` (NEWSQA_DENSE_SEARCH_EF).

    .venv/bin/python bench/search_ef_bench.py [--passages 300000] [--ef 100 200 400]

The archive is synthetic: unit vectors of e5's width (384) drawn around 2,000 topics, so that
neighbours crowd together as passages on one story do; no model runs, which lets a large
collection be built in minutes. Each query is a held-out vector of one topic, searched for its
`NEWSQA_DENSE_CANDIDATES` nearest passages; recall@10 is measured against an exact search
(numpy) over the same vectors. Each value of ef is searched in processes of its own (Chroma
reads the value when it loads the index), the values taking turns over `--rounds`, so that the
page cache and the machine's load weigh on each alike.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.machine import cpu_line  # noqa: E402
from index.settings import Settings  # noqa: E402
from index.storage.client import search_breadth  # noqa: E402

WIDTH = 384
TOPICS = 2000
SPREAD = 0.35  # a passage's distance from its topic's centre, before normalising
BATCH = 5000
QUERIES = 200
NAME = "ef-bench"
QUERIES_FILE = "queries.npz"


def vectors(rng: np.random.Generator, centres: np.ndarray, count: int) -> np.ndarray:
    picked = centres[rng.integers(0, len(centres), count)]
    noisy = picked + rng.normal(0, SPREAD / np.sqrt(WIDTH), (count, WIDTH))
    unit: np.ndarray = (noisy / np.linalg.norm(noisy, axis=1, keepdims=True)).astype(np.float32)
    return unit


def search(folder: Path, ef: int) -> None:
    """One process, one value: Chroma reads `ef_search` when it loads a collection's vector
    index, and a change made after that load goes unheard until the next process."""
    import chromadb

    asked = np.load(folder / QUERIES_FILE)
    collection = chromadb.PersistentClient(path=str(folder / "chroma")).get_collection(NAME)
    search_breadth(collection, ef)
    wanted = Settings().dense_candidates
    queries = asked["queries"]
    collection.query(query_embeddings=queries[:1], n_results=wanted)  # loads the index
    times, recall = [], []
    for query, best in zip(queries, asked["exact"], strict=True):
        began = time.perf_counter()
        found = collection.query(query_embeddings=query[None, :], n_results=wanted)
        times.append((time.perf_counter() - began) * 1000)
        recall.append(len({int(x) for x in found["ids"][0][:10]} & set(best.tolist())) / 10)
    print(json.dumps({"times": times, "recall": recall}))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--passages", type=int, default=300_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--ef", type=int, nargs="+", default=[100, 200, 400])
    parser.add_argument("--worker", nargs=2, metavar=("FOLDER", "EF"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        search(Path(args.worker[0]), int(args.worker[1]))
        return 0

    import chromadb

    print(cpu_line())
    rng = np.random.default_rng(7)
    centres = rng.normal(0, 1, (TOPICS, WIDTH))
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    stored, queries = vectors(rng, centres, args.passages), vectors(rng, centres, QUERIES)
    times: dict[int, list[float]] = {ef: [] for ef in args.ef}
    recall: dict[int, list[float]] = {ef: [] for ef in args.ef}
    with tempfile.TemporaryDirectory() as folder:
        # The queries and their exact neighbours, computed once for every worker.
        exact = np.argsort(-(queries @ stored.T), axis=1)[:, :10]
        np.savez(Path(folder) / QUERIES_FILE, queries=queries, exact=exact)
        collection = chromadb.PersistentClient(path=f"{folder}/chroma").create_collection(
            NAME, metadata={"hnsw:space": "cosine"}
        )
        began = time.perf_counter()
        for start in range(0, len(stored), BATCH):
            part = stored[start : start + BATCH]
            ids = [str(i) for i in range(start, start + len(part))]
            collection.add(ids=ids, embeddings=part)
        print(f"{args.passages:,} passages stored in {time.perf_counter() - began:.0f} s")
        del collection
        for turn in range(args.rounds):
            for ef in args.ef if turn % 2 == 0 else reversed(args.ef):
                run = subprocess.run(
                    [sys.executable, __file__, "--worker", folder, str(ef)],
                    capture_output=True,
                    text=True,
                    check=True,
                )
                figures = json.loads(run.stdout.strip().splitlines()[-1])
                times[ef] += figures["times"]
                recall[ef] += figures["recall"]

    print(f"{QUERIES} queries x {args.rounds} processes per value, {args.ef} taking turns")
    print(f"{'ef_search':>9}  {'recall@10':>9}  {'p50 ms':>7}  {'p95 ms':>7}")
    for ef in args.ef:
        p95 = statistics.quantiles(times[ef], n=20)[-1]
        print(
            f"{ef:>9}  {statistics.mean(recall[ef]):>9.3f}  "
            f"{statistics.median(times[ef]):>7.1f}  {p95:>7.1f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
