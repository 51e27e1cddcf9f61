"""The answer step: the trained reader against the sentence (extractive) answerer, warm.

    .venv/bin/python bench/reader_bench.py [--data-dir DIR] [--rounds 3] [--gold 0]
        [--weights FILE] [--precision fp32|int8]

Ingests the bundled corpus into DIR if needed, retrieves each Wikinews QA question once, then
times the answer step alone on the same passages `rounds` times: the reader at each precision
(read the top passages, pick a span, quote its sentence) and the extractive answerer (score
and embed sentences), in the same run. With `--gold N`, also reads the gold paragraph of N
questions of the PIAF validation part (articles the reader was not trained on) with the reader
at `--precision` (default: the setting's) and prints exact match and F1 (target: F1 >= 0.60),
for the paragraph alone and read after its article's title (as `newsqa ask` reads passages).
`--weights` reads the gold paragraphs with other trained weights (`python -m index.training
--out FILE`); `--rounds 0` skips the timing.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import cast, get_args

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from index.offline import go_offline  # noqa: E402

go_offline(allow_downloads=False)

from bench.machine import cpu_line  # noqa: E402
from bench.shared import QA, bundled_index, gold_span, percentiles, piaf_gold  # noqa: E402
from index.answer.extractive import extractive_answer, rank_sentences  # noqa: E402
from index.answer.reading import SpanReader, candidates, reader_answer  # noqa: E402
from index.embedding.encoder import cores_available  # noqa: E402
from index.evaluation import load_qa  # noqa: E402
from index.evaluation.metrics import exact_match, token_f1  # noqa: E402
from index.reading.runtime import Precision  # noqa: E402
from index.settings import Settings  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", type=Path, default=ROOT / ".newsqa")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--gold", type=int, default=0, help="PIAF validation questions (0: none)")
    parser.add_argument("--weights", type=Path, help="reader weights for --gold (default: shipped)")
    parser.add_argument("--precision", choices=get_args(Precision), help="the reader's, for --gold")
    args = parser.parse_args()
    print(cpu_line())
    precision = cast(Precision, args.precision or Settings(data_dir=args.data_dir).reader_precision)
    if args.rounds == 0:
        if args.gold:
            gold(make_reader(args.data_dir, args.weights, precision), args.gold)
        return
    settings, index = bundled_index(args.data_dir)
    questions = [item.question for item in load_qa(QA)[0]]
    retrievals = [index.retrieve(q, settings.answer_k) for q in questions]
    # Built into the cache on first use, not timed.
    readers = {p: make_reader(args.data_dir, None, p) for p in get_args(Precision)}
    for q, r in zip(questions[:2], retrievals, strict=False):  # warm every path
        for reader in readers.values():
            candidates(q, r, reader, settings)
        rank_sentences(q, r, q, index.embedder)
    reading: dict[Precision, list[float]] = {p: [] for p in readers}
    sentences = []
    for _ in range(args.rounds):
        for q, r in zip(questions, retrievals, strict=True):
            for p, reader in readers.items():
                t0 = time.perf_counter()
                reader_answer(q, r.language, r, candidates(q, r, reader, settings), settings)
                reading[p].append((time.perf_counter() - t0) * 1000)
            t0 = time.perf_counter()
            extractive_answer(q, r.language, rank_sentences(q, r, q, index.embedder), 3)
            sentences.append((time.perf_counter() - t0) * 1000)
    print(
        f"{len(questions)} questions x {args.rounds} rounds, top {settings.reader_passages} "
        f"passages read, {index.store.count()} chunks"
    )
    print(f"extractive step (baseline)  {percentiles(sentences)}")
    for p, times in reading.items():
        default = " (the default)" if p == settings.reader_precision else ""
        print(f"reader step, {p:<4}          {percentiles(times)}{default}")
    if args.gold:
        own = make_reader(args.data_dir, args.weights, precision) if args.weights else None
        gold(own or readers[precision], args.gold)


def make_reader(data_dir: Path, weights: Path | None, precision: Precision) -> SpanReader:
    from index.reading.network import WEIGHTS
    from index.reading.runtime import Reader, ensure_reader

    settings = Settings(data_dir=data_dir)
    folder = ensure_reader(settings.cache_dir, weights or WEIGHTS, precision)
    return Reader(folder, cores_available(), settings.reader_window_tokens)


def gold(reader: SpanReader, limit: int) -> None:
    """EM / F1 of the reader's best span in the paragraph the annotator read."""
    rows = piaf_gold("validation", limit)
    for titled in (False, True):
        found = [gold_span(reader, row, titled) for row in rows]
        em = [exact_match(f, row.answers) for f, row in zip(found, rows, strict=True)]
        f1 = [token_f1(f, row.answers) for f, row in zip(found, rows, strict=True)]
        how = "after its title" if titled else "alone"
        print(
            f"gold paragraph {how}, {len(em)} PIAF validation questions: "
            f"exact_match {sum(em) / len(em):.3f}, f1 {sum(f1) / len(f1):.3f}"
        )


if __name__ == "__main__":
    main()
