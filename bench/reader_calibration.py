"""Choose the reader's settings by measurement: the retrieval weight and the refusal threshold.

    .venv/bin/python bench/reader_calibration.py [--piaf 500] [--reads /tmp/reads.json]

Reads every question once, the way `newsqa ask` does (retrieval, the year check, passage
titles, `index.answer.reading.candidates`), keeps each read passage's span with its margin,
cosine and question coverage, then replays the choice offline for each setting. Coverage (the
share of the question's content words the passage holds) is measured, not used by default: it
refuses paraphrased and cross-language questions (see the README).

- answerable: PIAF questions of the *train* part over the PIAF corpus, and the answerable
  questions of data/refusal/tune.jsonl over the news archive;
- unanswerable: the unanswerable questions of data/refusal/tune.jsonl, PIAF train questions
  asked of the news archive, the tune file's answerable news questions asked of PIAF (minus the
  rare ones the other corpus answers: gold answer inside the span).

Nothing of the validation parts (data/piaf-dev/qa.validation.jsonl, data/refusal/
validation.jsonl) is read: `newsqa eval` reports on those. `--reads` keeps the reads in a file
(written the first time, read back after) so that the grid can be replayed without the model.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from index.offline import go_offline  # noqa: E402

go_offline(allow_downloads=False)

from bench.machine import cpu_line  # noqa: E402
from bench.shared import corpus_answerer  # noqa: E402
from index.answer import Answerer  # noqa: E402
from index.answer.reading import candidates  # noqa: E402
from index.embedding import Embedder  # noqa: E402
from index.evaluation import QAItem, load_qa  # noqa: E402
from index.evaluation.metrics import contains_answer, token_f1  # noqa: E402
from index.records import Passage  # noqa: E402
from index.retrieval import Filters  # noqa: E402
from index.settings import Settings  # noqa: E402
from index.text import tokenize  # noqa: E402

NEWS = ROOT / "data" / "frwikinews" / "corpus.jsonl"
PIAF = ROOT / "data" / "piaf-dev"
TUNE = ROOT / "data" / "refusal" / "tune.jsonl"
WEIGHTS = (0.0, 16.0, 32.0, 48.0, 64.0)
COVERAGE_WEIGHTS = (0.0, 4.0, 8.0, 12.0, 16.0, 24.0, 32.0)
SHARES = (0.05, 0.10, 0.15)


@dataclass(frozen=True)
class Spoken:
    text: str
    margin: float
    cosine: float
    coverage: float


@dataclass(frozen=True)
class Read:
    kind: str  # "piaf", "news", "unanswerable"
    answers: list[str]
    spans: list[Spoken]


def read_all(answerer: Answerer, items: list[QAItem], kind: str) -> list[Read]:
    settings = answerer.settings
    found = []
    for item in items:
        retrieval = answerer.index.retrieve(item.question, settings.answer_k, Filters(item.as_of))
        found_here = candidates(item.question, retrieval, answerer.reader, settings)
        spans = [
            Spoken(c.span_text, c.span.margin, c.passage.score, coverage(item.question, c.passage))
            for c in found_here
        ]
        found.append(Read(kind, item.answers, spans))
    return found


def coverage(question: str, passage: Passage) -> float:
    """Share of the question's content words that the passage (title included) holds."""
    asked = set(tokenize(question))
    held = set(tokenize(f"{passage.title} {passage.text}"))
    return len(asked & held) / len(asked) if asked else 0.0


def choose(read: Read, weight: float, cover: float) -> tuple[str, float]:
    """The span production would answer with, and its score, under these weights."""
    if not read.spans:
        return "", float("-inf")
    values = [s.margin + weight * s.cosine + cover * s.coverage for s in read.spans]
    best = max(range(len(values)), key=values.__getitem__)
    return read.spans[best].text, values[best]


def gather(piaf_count: int) -> list[Read]:
    settings = Settings()
    embedder = Embedder.from_settings(settings)
    news = corpus_answerer(settings, NEWS, embedder)
    piaf = corpus_answerer(settings, PIAF / "corpus.jsonl", embedder)
    piaf_qa = load_qa(PIAF / "qa.train.jsonl")[0][:piaf_count]
    tune = load_qa(TUNE)[0]
    news_answerable = [q for q in tune if not q.unanswerable]
    crossed = read_all(news, piaf_qa, "unanswerable") + read_all(
        piaf, news_answerable, "unanswerable"
    )
    return (
        read_all(piaf, piaf_qa, "piaf")
        + read_all(news, news_answerable, "news")
        + read_all(news, [q for q in tune if q.unanswerable], "unanswerable")
        + [r for r in crossed if not any(contains_answer(s.text, r.answers) for s in r.spans)]
    )


def load_or_gather(path: Path | None, piaf_count: int) -> list[Read]:
    if path is not None and path.is_file():
        rows = json.loads(path.read_text(encoding="utf-8"))
        return [Read(r["kind"], r["answers"], [Spoken(**s) for s in r["spans"]]) for r in rows]
    reads = gather(piaf_count)
    if path is not None:
        path.write_text(json.dumps([asdict(r) for r in reads]), encoding="utf-8")
    return reads


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--piaf", type=int, default=500, help="PIAF train questions to use")
    parser.add_argument("--reads", type=Path, help="keep the reads here (replayed if present)")
    args = parser.parse_args()
    print(cpu_line())
    reads = load_or_gather(args.reads, args.piaf)
    answerable = [r for r in reads if r.kind != "unanswerable"]
    unanswerable = [r for r in reads if r.kind == "unanswerable"]
    piaf_reads = [r for r in reads if r.kind == "piaf"]
    news_reads = [r for r in reads if r.kind == "news"]  # answerable news questions
    print(f"answerable {len(answerable)}, unanswerable {len(unanswerable)}\n")
    print(f"{'weight':>6} {'cover':>5} {'piaf f1':>8} {'contains':>8}  (nothing refused)")
    for w in WEIGHTS:
        for v in COVERAGE_WEIGHTS:
            chosen = [choose(r, w, v)[0] for r in piaf_reads]
            f1 = statistics.mean(
                token_f1(t, r.answers) for t, r in zip(chosen, piaf_reads, strict=True)
            )
            hit = statistics.mean(
                contains_answer(t, r.answers) for t, r in zip(chosen, piaf_reads, strict=True)
            )
            print(f"{w:>6.1f} {v:>5.1f} {f1:>8.3f} {hit:>8.3f}")
    print(
        f"\n{'weight':>6} {'cover':>5} {'threshold':>9} {'answered':>9} {'refused':>8} {'news':>5}"
    )
    print("(news: share of the tune file's answerable news questions answered)")
    best: tuple[float, float, float, float] | None = None
    for w in WEIGHTS:
        for v in COVERAGE_WEIGHTS:
            scores = sorted(choose(r, w, v)[1] for r in answerable)
            refused_scores = [choose(r, w, v)[1] for r in unanswerable]
            for share in SHARES:
                # The threshold that refuses this share of the answerable questions.
                t = scores[int(share * len(scores))]
                answered = sum(s >= t for s in scores) / len(scores)
                refused = sum(s < t for s in refused_scores) / len(refused_scores)
                news = statistics.mean(choose(r, w, v)[1] >= t for r in news_reads)
                print(
                    f"{w:>6.1f} {v:>5.1f} {t:>9.2f} {answered:>9.3f} {refused:>8.3f} {news:>5.2f}"
                )
                # Coverage is measured only: the defaults score without it (see the docstring).
                if v == 0 and answered >= 0.9 and (best is None or refused > best[3]):
                    best = (w, v, t, refused)
    if best:
        print(
            f"\nmost refused with >= 90 % answered, without coverage: weight {best[0]}, "
            f"threshold {best[2]:.2f} (refused {best[3]:.3f})"
        )


if __name__ == "__main__":
    main()
