"""What the search for an office's holder and the reading of the latest articles cost: the answer
step over the temporal dev set with the defaults, without the holder search
(`NEWSQA_READER_ROLE_BREADTH=0`) and without the latest articles read for how things stand
(`NEWSQA_READER_STATE_LATEST=0`), warm, in the same run.

    .venv/bin/python bench/holder_bench.py [--data-dir DIR] [--rounds 2]

Ingests the bundled corpus into DIR if needed (the collection `newsqa eval --corpus` uses),
retrieves each question of data/temporal/{tune,validation}.jsonl once on its `as_of` date, then
times the answer step alone on the same passages, alternating the two settings each round.
Only questions asking who holds an office pay for the holder search (a second, wider retrieval
and the reading of a few sentences), and only questions about how things stand for the latest
articles (a wider retrieval and two more passages read); the others take the same path.
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
from bench.shared import CORPUS, corpus_answerer, percentiles  # noqa: E402
from index.answer import Answerer  # noqa: E402
from index.answer.roles import asked_role  # noqa: E402
from index.embedding import Embedder  # noqa: E402
from index.evaluation import load_qa  # noqa: E402
from index.retrieval import Filters, asks_current_state  # noqa: E402
from index.settings import Settings  # noqa: E402

TEMPORAL = ROOT / "data" / "temporal"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", type=Path, default=ROOT / ".newsqa")
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    print(cpu_line())
    settings = Settings(data_dir=args.data_dir)
    with_search = corpus_answerer(settings, CORPUS, Embedder.from_settings(settings))
    runs = [("defaults", with_search)] + [
        (
            name,
            Answerer(settings.model_copy(update=off), with_search.index, reader=with_search.reader),
        )
        for name, off in (
            ("no holder search", {"reader_role_breadth": 0}),
            ("no latest read", {"reader_state_latest": 0}),
        )
    ]
    items = [i for part in ("tune", "validation") for i in load_qa(TEMPORAL / f"{part}.jsonl")[0]]
    asked = [
        (i.question, with_search.index.retrieve(i.question, settings.answer_k, Filters(i.as_of)))
        for i in items
    ]
    offices = sum(asked_role(q) is not None for q, _ in asked)
    states = sum(asks_current_state(q) for q, r in asked if r.date_range is None)
    print(
        f"{len(asked)} questions, {offices} of them asking who holds an office, "
        f"{states} how things stand"
    )
    for _, answerer in runs:  # warm: the reader built and loaded
        answerer.answer_retrieved(*asked[0])
    for round_ in range(1, args.rounds + 1):
        for name, answerer in runs:
            times = []
            for question, retrieval in asked:
                began = time.perf_counter()
                answerer.answer_retrieved(question, retrieval)
                times.append((time.perf_counter() - began) * 1000)
            print(f"round {round_} {name:16} {percentiles(times)}", flush=True)


if __name__ == "__main__":
    main()
