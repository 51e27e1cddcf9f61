"""Choose the period relief: how much less evidence a span needs when its article was published
in the period of a month or less that the question names ("yesterday", "la semaine dernière",
"en mars 2017"), and how much further behind the best span it may stand.

    .venv/bin/python bench/period_relief_grid.py [--data-dir DIR]

Every question of the news sets is retrieved and read once, the way `newsqa ask` does (its
`as_of` when the line has one; not re-spelt), then the answer is replayed for each relief from
the same reads. The sets whose misses were read while the rules were written come first; the
held-out temporal part last (only its totals are printed, never its answers).

For each relief and side, a line gives every set's contains_answer (answerable questions whose
span holds a gold answer), answered share and, where it has unanswerable questions, refused
share.
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
RELIEFS = (0.0, 2.0, 3.0, 4.0, 5.0, 6.0)
READ = (
    "temporal/tune", "temporal/validation", "temporal/test", "temporal/test2", "temporal/test3",
    "temporal/test4", "temporal/test5", "temporal/test6", "temporal/test7", "temporal/test8",
    "temporal/test10", "refusal/tune",
    "refusal/validation",
    "refusal/english", "frwikinews/qa",
)  # fmt: skip
HELD_OUT = ("temporal/test9", "temporal/test11", "temporal/test12", "temporal/test13")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", type=Path, default=ROOT / ".newsqa")
    args = parser.parse_args()
    base = Settings(data_dir=args.data_dir)
    print(cpu_line())
    news = corpus_answerer(base, NEWS, Embedder.from_settings(base))
    reader = MemoReader(news.reader)
    parts = [
        ask_once(name, side, news, DATA / f"{name}.jsonl")
        for side, names in (("read", READ), ("held out", HELD_OUT))
        for name in names
    ]
    print_grid(parts, base, reader, "reader_period_relief", RELIEFS)


if __name__ == "__main__":
    main()
