"""Choose the reader's rank penalty: how much a span loses per place its passage stands below
the first passage read.

    .venv/bin/python bench/rank_grid.py [--data-dir DIR] [--piaf-train 300]

The span choice weighs the reader's margin and the passage's cosine to the question, but not
the retrieval order, which also holds the question's date (recency, the asked period) and the
word side. Every question is retrieved and read once, the way `newsqa ask` does (its `as_of`
when the line has one), then the answer is replayed for each penalty from the same reads.

- tune: data/temporal/tune.jsonl and data/refusal/tune.jsonl over the news archive, and the
  first `--piaf-train` questions of the PIAF train part over the PIAF corpus;
- validation (never chosen on): data/temporal/validation.jsonl, data/refusal/validation.jsonl
  and Wikinews QA over the news archive, and the PIAF validation part (771 questions).

Each line prints, per set, contains_answer over the answerable questions (the span holds the
gold answer), the share of them answered, and the share of unanswerable ones refused.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from index.offline import go_offline  # noqa: E402

go_offline(allow_downloads=False)

from bench.machine import cpu_line  # noqa: E402
from bench.replay import MemoReader, ask_once, print_grid  # noqa: E402
from bench.shared import corpus_answerer  # noqa: E402
from index.embedding import Embedder  # noqa: E402
from index.settings import Settings  # noqa: E402

DATA = ROOT / "data"
NEWS = DATA / "frwikinews" / "corpus.jsonl"
PIAF = DATA / "piaf-dev" / "corpus.jsonl"
PENALTIES = (0.0, 1.0, 2.0, 3.0, 4.0, 6.0, 8.0)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", type=Path, default=ROOT / ".newsqa")
    parser.add_argument("--piaf-train", type=int, default=300)
    args = parser.parse_args()
    base = Settings(data_dir=args.data_dir)
    print(cpu_line())
    embedder = Embedder.from_settings(base)
    news = corpus_answerer(base, NEWS, embedder)
    piaf = corpus_answerer(base, PIAF, embedder)
    reader = MemoReader(news.reader)
    sets = [
        ("temporal", "tune", news, DATA / "temporal" / "tune.jsonl", 0),
        ("refusal", "tune", news, DATA / "refusal" / "tune.jsonl", 0),
        ("piaf-train", "tune", piaf, DATA / "piaf-dev" / "qa.train.jsonl", args.piaf_train),
        ("temporal", "validation", news, DATA / "temporal" / "validation.jsonl", 0),
        ("refusal", "validation", news, DATA / "refusal" / "validation.jsonl", 0),
        ("wikinews-qa", "validation", news, DATA / "frwikinews" / "qa.jsonl", 0),
        ("piaf", "validation", piaf, DATA / "piaf-dev" / "qa.validation.jsonl", 0),
    ]
    parts = [ask_once(*part) for part in sets]
    print_grid(parts, base, reader, "reader_rank_penalty", PENALTIES)


if __name__ == "__main__":
    main()
