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
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from index.offline import go_offline  # noqa: E402

go_offline(allow_downloads=False)

from bench.machine import cpu_line  # noqa: E402
from bench.shared import corpus_answerer  # noqa: E402
from index.answer import Answerer  # noqa: E402
from index.answer.reading import SpanReader  # noqa: E402
from index.embedding import Embedder  # noqa: E402
from index.evaluation import QAItem, load_qa  # noqa: E402
from index.evaluation.metrics import contains_answer, exact_match  # noqa: E402
from index.reading import Span  # noqa: E402
from index.retrieval import Filters, Retrieval  # noqa: E402
from index.settings import Settings  # noqa: E402
from index.text import strip_markers  # noqa: E402

DATA = ROOT / "data"
NEWS = DATA / "frwikinews" / "corpus.jsonl"
PIAF = DATA / "piaf-dev" / "corpus.jsonl"
PENALTIES = (0.0, 1.0, 2.0, 3.0, 4.0, 6.0, 8.0)


class MemoReader:
    """The real reader, each (question, passages, titles) read once and then replayed."""

    def __init__(self, reader: SpanReader) -> None:
        self.reader = reader
        self.seen: dict[tuple[str, tuple[str, ...], tuple[str, ...]], list[Span | None]] = {}

    def read(
        self, question: str, passages: Sequence[str], titles: Sequence[str] = ()
    ) -> list[Span | None]:
        key = (question, tuple(passages), tuple(titles))
        if key not in self.seen:
            self.seen[key] = self.reader.read(question, passages, titles)
        return self.seen[key]


@dataclass(frozen=True)
class Part:
    name: str
    side: str  # "tune" or "validation"
    answerer: Answerer
    asked: list[tuple[QAItem, Retrieval]]


def replay(part: Part, settings: Settings, reader: MemoReader) -> str:
    answerer = Answerer(settings, part.answerer.index, reader=reader)
    contains, em, answered, answerable, refused, unanswerable = 0.0, 0.0, 0, 0, 0, 0
    for item, retrieval in part.asked:
        answer = answerer.answer_retrieved(item.question, retrieval)
        if item.unanswerable:
            unanswerable += 1
            refused += answer.refused
            continue
        answerable += 1
        answered += not answer.refused
        text = "" if answer.refused else strip_markers(answer.text)
        if item.answers:
            contains += contains_answer(text, item.answers)
            em += exact_match(text, item.answers)
    cell = (
        f"{part.name} contains {contains / max(answerable, 1):.3f} em {em / max(answerable, 1):.3f}"
    )
    cell += f" answered {answered / max(answerable, 1):.3f}"
    if unanswerable:
        cell += f" refused {refused / unanswerable:.3f}"
    return cell


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
    parts = []
    for name, side, answerer, path, limit in sets:
        items = load_qa(path)[0]
        items = items[:limit] if limit else items
        asked = [
            (item, answerer.index.retrieve(item.question, base.answer_k, Filters(item.as_of)))
            for item in items
        ]
        parts.append(Part(name, side, answerer, asked))
    for penalty in PENALTIES:
        settings = base.model_copy(update={"reader_rank_penalty": penalty})
        for side in ("tune", "validation"):
            cells = [replay(p, settings, reader) for p in parts if p.side == side]
            print(f"penalty {penalty:g} {side:10} " + " | ".join(cells), flush=True)


if __name__ == "__main__":
    main()
