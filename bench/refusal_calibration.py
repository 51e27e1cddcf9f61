"""Calibrate NEWSQA_REFUSAL_THRESHOLD: evidence scores of answerable vs unanswerable questions.

Answerable: the shipped Wikinews QA file and a PIAF sample, each over its own corpus.
Unanswerable: the Wikinews file's `unanswerable` questions, plus each set asked of the other
corpus (encyclopedia questions of a 2016-2018 news archive and the reverse), minus the rare
question the other corpus happens to answer (gold answer inside the answer).

    .venv/bin/python bench/refusal_calibration.py [--piaf 300]

Prints the score distributions and, for each candidate threshold, the share of answerable
questions kept and of unanswerable ones refused; suggests the threshold with the best
balanced accuracy that still keeps >= 95 % of answerable questions.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from index.offline import go_offline  # noqa: E402

go_offline(allow_downloads=False)

from bench.machine import cpu_line  # noqa: E402
from bench.shared import corpus_answerer  # noqa: E402
from index.answer import Answerer  # noqa: E402
from index.embedding import Embedder  # noqa: E402
from index.evaluation import QAItem, load_qa  # noqa: E402
from index.evaluation.metrics import contains_answer  # noqa: E402
from index.settings import Settings  # noqa: E402
from index.text import strip_markers  # noqa: E402

WIKINEWS = ROOT / "data" / "frwikinews"
PIAF = ROOT / "data" / "piaf-dev"


def scores(answerer: Answerer, items: list[QAItem], check_answer: bool) -> list[float]:
    """Evidence per question; with check_answer, drop those whose gold answer was found."""
    found = []
    for item in items:
        answer = answerer.answer(item.question)
        if check_answer and contains_answer(strip_markers(answer.text), item.answers):
            continue
        found.append(answer.evidence)
    return found


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--piaf", type=int, default=300, help="PIAF questions to use")
    args = parser.parse_args()
    print(cpu_line())
    # Nothing refused while measuring: every question gets its best evidence score.
    settings = Settings(refusal_threshold=-10.0)
    embedder = Embedder.from_settings(settings)
    news = corpus_answerer(settings, WIKINEWS / "corpus.jsonl", embedder)
    piaf = corpus_answerer(settings, PIAF / "corpus.jsonl", embedder)
    news_qa, _ = load_qa(WIKINEWS / "qa.jsonl")
    piaf_qa = load_qa(PIAF / "qa.jsonl")[0][: args.piaf]
    news_answerable = [q for q in news_qa if not q.unanswerable]

    answerable = scores(news, news_answerable, False) + scores(piaf, piaf_qa, False)
    unanswerable = (
        scores(news, [q for q in news_qa if q.unanswerable], False)
        + scores(news, piaf_qa, True)
        + scores(piaf, news_answerable, True)
    )
    for name, values in (("answerable", answerable), ("unanswerable", unanswerable)):
        q = statistics.quantiles(values, n=20)
        print(
            f"{name:>12}: n={len(values)} mean={statistics.mean(values):.3f} "
            f"p5={q[0]:.3f} p25={q[4]:.3f} p50={q[9]:.3f} p75={q[14]:.3f} p95={q[18]:.3f}"
        )
    print(f"\n{'threshold':>9} {'kept':>6} {'refused':>8} {'balanced':>9}")
    best = (0.0, 0.0)
    for step in range(70, 141):
        t = step / 100
        kept = sum(v >= t for v in answerable) / len(answerable)
        refused = sum(v < t for v in unanswerable) / len(unanswerable)
        balanced = (kept + refused) / 2
        if step % 2 == 0:
            print(f"{t:>9.2f} {kept:>6.3f} {refused:>8.3f} {balanced:>9.3f}")
        if kept >= 0.95 and balanced > best[1]:
            best = (t, balanced)
    print(f"\nsuggested NEWSQA_REFUSAL_THRESHOLD={best[0]:.2f} (balanced accuracy {best[1]:.3f})")


if __name__ == "__main__":
    main()
