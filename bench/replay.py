"""Replaying answers from one retrieval and one reading per question: the grids that choose the
reader's settings ask every question once, then answer it again for each value tried."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from index.answer import Answerer
from index.answer.reading import SpanReader
from index.evaluation import QAItem, load_qa
from index.evaluation.metrics import contains_answer, exact_match
from index.reading import Span
from index.retrieval import Filters, Retrieval
from index.settings import Settings
from index.text import strip_markers


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
    side: str  # which side of the grid: "tune" or "validation", "read" or "held out"
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


def ask_once(name: str, side: str, answerer: Answerer, path: Path, limit: int = 0) -> Part:
    """The questions of a QA file (the first `limit`, 0: all), each retrieved once as `newsqa
    ask` does it, on its own `as_of` when the line has one."""
    items = load_qa(path)[0]
    items = items[:limit] if limit else items
    k = answerer.settings.answer_k
    asked = [
        (item, answerer.index.retrieve(item.question, k, Filters(item.as_of))) for item in items
    ]
    return Part(name, side, answerer, asked)


def print_grid(
    parts: Sequence[Part], base: Settings, reader: MemoReader, setting: str, values: Sequence[float]
) -> None:
    """One line per value of `setting` and side of the parts, each part's figures in it."""
    sides = list(dict.fromkeys(p.side for p in parts))
    for value in values:
        settings = base.model_copy(update={setting: value})
        for side in sides:
            cells = [replay(p, settings, reader) for p in parts if p.side == side]
            print(f"{setting} {value:g} {side:10} " + " | ".join(cells), flush=True)
