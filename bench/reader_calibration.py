"""Choose the reader's settings by measurement: the retrieval weight and the refusal threshold.

    .venv/bin/python bench/reader_calibration.py [--piaf 600]

Reads every question once (the top NEWSQA_READER_PASSAGES passages, spans and margins kept),
then replays the choice offline for each setting:

- answerable: PIAF questions of the *train* part over the PIAF corpus, and the answerable
  questions of data/refusal/tune.jsonl over the news archive;
- unanswerable: the unanswerable questions of data/refusal/tune.jsonl, PIAF train questions
  asked of the news archive, the tune file's answerable news questions asked of PIAF (minus the
  rare ones the other corpus answers: gold answer inside the span).

Nothing of the validation parts (data/piaf-dev/qa.validation.jsonl, data/refusal/
validation.jsonl) is read: `newsqa eval` reports on those.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from index.offline import go_offline  # noqa: E402

go_offline(allow_downloads=False)

from bench.shared import corpus_answerer, cpu_line  # noqa: E402
from index.answer import Answerer  # noqa: E402
from index.embedding import Embedder  # noqa: E402
from index.evaluation import QAItem, load_qa  # noqa: E402
from index.evaluation.metrics import contains_answer, token_f1  # noqa: E402
from index.settings import Settings  # noqa: E402

NEWS = ROOT / "data" / "frwikinews" / "corpus.jsonl"
PIAF = ROOT / "data" / "piaf-dev"
TUNE = ROOT / "data" / "refusal" / "tune.jsonl"
WEIGHTS = (0.0, 2.0, 4.0, 8.0, 12.0, 16.0, 24.0, 32.0)


@dataclass(frozen=True)
class Read:
    answers: list[str]
    spans: list[tuple[str, float, float]]  # (text, margin, cosine) per read passage


def read_all(answerer: Answerer, items: list[QAItem]) -> list[Read]:
    found = []
    for item in items:
        retrieval = answerer.index.retrieve(item.question, answerer.settings.answer_k)
        passages = retrieval.passages[: answerer.settings.reader_passages]
        spans = answerer.reader.read(item.question, [p.text for p in passages])
        found.append(
            Read(
                item.answers,
                [
                    (p.text[s.start : s.end], s.margin, p.score)
                    for p, s in zip(passages, spans, strict=True)
                    if s is not None
                ],
            )
        )
    return found


def choose(read: Read, weight: float) -> tuple[str, float]:
    if not read.spans:
        return "", float("-inf")
    text, margin, cosine = max(read.spans, key=lambda s: s[1] + weight * s[2])
    return text, margin + weight * cosine


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--piaf", type=int, default=600, help="PIAF train questions to use")
    args = parser.parse_args()
    print(cpu_line())
    settings = Settings()
    embedder = Embedder.from_settings(settings)
    news = corpus_answerer(settings, NEWS, embedder)
    piaf = corpus_answerer(settings, PIAF / "corpus.jsonl", embedder)
    piaf_qa = load_qa(PIAF / "qa.train.jsonl")[0][: args.piaf]
    tune = load_qa(TUNE)[0]
    news_answerable = [q for q in tune if not q.unanswerable]

    answerable = read_all(piaf, piaf_qa) + read_all(news, news_answerable)
    piaf_reads = answerable[: len(piaf_qa)]
    crossed = read_all(news, piaf_qa) + read_all(piaf, news_answerable)
    unanswerable = read_all(news, [q for q in tune if q.unanswerable]) + [
        r for r in crossed if not any(contains_answer(s[0], r.answers) for s in r.spans)
    ]
    print(f"answerable {len(answerable)}, unanswerable {len(unanswerable)}\n")
    print(f"{'weight':>6} {'piaf f1':>8} {'piaf em-ish':>11}  (span chosen, nothing refused)")
    for w in WEIGHTS:
        f1 = statistics.mean(token_f1(choose(r, w)[0], r.answers) for r in piaf_reads)
        hit = statistics.mean(contains_answer(choose(r, w)[0], r.answers) for r in piaf_reads)
        print(f"{w:>6.1f} {f1:>8.3f} {hit:>11.3f}")
    print(f"\n{'weight':>6} {'threshold':>9} {'answered':>9} {'refused':>8} {'piaf f1':>8}")
    best: tuple[float, float, float] | None = None
    for w in WEIGHTS:
        scores = sorted(choose(r, w)[1] for r in answerable)
        refused_scores = [choose(r, w)[1] for r in unanswerable]
        for share in (0.0, 0.05, 0.10, 0.15, 0.20, 0.30):
            # The threshold that refuses this share of the answerable questions.
            t = scores[int(share * len(scores))] if share else scores[0] - 1e-6
            answered = sum(v >= t for v in scores) / len(scores)
            refused = sum(v < t for v in refused_scores) / len(refused_scores)
            f1 = statistics.mean(
                token_f1(text, r.answers) if value >= t else 0.0
                for r in piaf_reads
                for text, value in (choose(r, w),)
            )
            print(f"{w:>6.1f} {t:>9.2f} {answered:>9.3f} {refused:>8.3f} {f1:>8.3f}")
            if answered >= 0.9 and (best is None or refused > best[2]):
                best = (w, t, refused)
    if best:
        print(
            f"\nmost refused with >= 90 % answered: weight {best[0]}, threshold {best[1]:.2f} "
            f"(refused {best[2]:.3f})"
        )


if __name__ == "__main__":
    main()
