"""Retrieval and answer latency on the bundled corpus, warm (target: retrieval p95 <= 150 ms).

    .venv/bin/python bench/retrieval_bench.py [--data-dir DIR] [--rounds 3]

Ingests data/frwikinews/corpus.jsonl into DIR if needed (reusing an existing index), then asks
every question of data/frwikinews/qa.jsonl `rounds` times and prints p50 / p95 / max for:
the bare query embedding (the baseline: what the model alone costs), hybrid retrieval
(embedding included), and the extractive answer on top of it.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from index.offline import go_offline  # noqa: E402

go_offline(allow_downloads=False)

from bench.machine import cpu_line  # noqa: E402
from bench.shared import QA, bundled_index, percentiles  # noqa: E402
from index.answer import Answerer  # noqa: E402
from index.evaluation import load_qa  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", type=Path, default=ROOT / ".newsqa")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    settings, index = bundled_index(args.data_dir)
    questions = [item.question for item in load_qa(QA)[0]]
    answerer = Answerer.from_settings(settings, index)
    answerer.answer(questions[0])  # warm: model, BM25 matrix, Chroma caches

    embed, retrieve, answer = [], [], []
    for _ in range(args.rounds):
        for question in questions:
            t0 = time.perf_counter()
            index.embedder.embed_query(question)
            t1 = time.perf_counter()
            index.retrieve(question, settings.answer_k)
            t2 = time.perf_counter()
            timed = answerer.answer_timed(question)
            embed.append((t1 - t0) * 1000)
            retrieve.append((t2 - t1) * 1000)
            answer.append(timed.answer_ms)
    print(cpu_line())
    print(
        f"{len(questions)} questions x {args.rounds} rounds, {index.store.count()} chunks, "
        f"{settings.embed_precision} embeddings"
    )
    print(f"query embedding (baseline)   {percentiles(embed)}")
    print(f"hybrid retrieval (with it)   {percentiles(retrieve)}")
    print(f"extractive answer (on top)   {percentiles(answer)}")


if __name__ == "__main__":
    main()
