"""Choose the news-time defaults on the temporal dev set: recency weight and half-life, then the
reader's slack for "state" questions.

    .venv/bin/python bench/recency_grid.py [--data-dir DIR]

Over data/frwikinews/corpus.jsonl (the collection `newsqa eval --corpus` uses, built if
missing), each question asked on its own `as_of`. First retrieval alone (hit@1, MRR@10) for a
grid of weight x half-life, weight 0 being today's code without recency; then answers
(contains_answer) for the best retrieval settings and a few slacks. Every line shows the tune
and the validation half apart: choose on tune, and check that validation agrees.
"""

from __future__ import annotations

import argparse
import itertools
import sys
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from index.offline import go_offline  # noqa: E402

go_offline(allow_downloads=False)

from bench.machine import cpu_line  # noqa: E402
from bench.shared import corpus_answerer  # noqa: E402
from index.answer import Answerer  # noqa: E402
from index.embedding import Embedder  # noqa: E402
from index.engine import NewsIndex  # noqa: E402
from index.evaluation import QAItem, load_qa  # noqa: E402
from index.evaluation.runner import evaluate_item  # noqa: E402
from index.settings import Settings  # noqa: E402

TEMPORAL = ROOT / "data" / "temporal"
CORPUS = ROOT / "data" / "frwikinews" / "corpus.jsonl"
WEIGHTS = (0.0, 0.5, 1.0, 2.0, 4.0)
HALF_LIVES = (7.0, 14.0, 30.0, 90.0)
SLACKS = (0.0, 4.0, 8.0)


def figures(
    answerer: Answerer, items: Sequence[QAItem], answers: bool
) -> tuple[float, float, float]:
    """hit@1, MRR@10 and (with answers) contains_answer over the items."""
    hit1 = mrr = contains = 0.0
    for item in items:
        result = evaluate_item(answerer.index, item, 10, answerer if answers else None)
        rank = result.hit_rank
        hit1 += rank == 1
        mrr += 1 / rank if rank else 0.0
        contains += bool(result.answer_scores.get("contains_answer"))
    n = len(items)
    return hit1 / n, mrr / n, contains / n


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", type=Path, default=ROOT / ".newsqa")
    parser.add_argument("--answers-only", action="store_true", help="skip the retrieval grid")
    args = parser.parse_args()
    base = Settings(data_dir=args.data_dir)
    print(cpu_line())
    embedder = Embedder.from_settings(base)
    shared = corpus_answerer(base, CORPUS, embedder)
    parts = {name: load_qa(TEMPORAL / f"{name}.jsonl")[0] for name in ("tune", "validation")}

    def answerer_for(settings: Settings) -> Answerer:
        index = NewsIndex(settings, shared.index.store, embedder)
        return Answerer(settings, index, reader=shared.reader)

    def line(label: str, settings: Settings, answers: bool) -> None:
        cells = []
        for name, items in parts.items():
            hit1, mrr, contains = figures(answerer_for(settings), items, answers)
            cell = f"{name} hit@1 {hit1:.3f} mrr {mrr:.3f}"
            cells.append(cell + (f" contains {contains:.3f}" if answers else ""))
        print(f"{label:32} " + "   ".join(cells), flush=True)

    print("retrieval (weight 0 = no recency):")
    for weight, half_life in itertools.product(WEIGHTS, HALF_LIVES):
        if args.answers_only:
            break
        if weight == 0 and half_life != HALF_LIVES[0]:
            continue
        settings = base.model_copy(
            update={"recency_weight": weight, "recency_half_life_days": half_life}
        )
        line(f"weight {weight:g} half-life {half_life:g} d", settings, answers=False)
    print("answers, defaults for recency, by state slack:")
    for slack in SLACKS:
        settings = base.model_copy(update={"reader_state_slack": slack})
        line(f"slack {slack:g}", settings, answers=True)
    print("answers, no recency at all:")
    none = base.model_copy(update={"recency_weight": 0.0, "reader_state_slack": 0.0})
    line("weight 0 slack 0", none, answers=True)


if __name__ == "__main__":
    main()
