"""A span reader that reads by string search: the answer logic around the reader, tested
without the network."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from index.reading import Span


class Finder:
    """Finds fixed answers by string search; the margin says how sure it is of each. The
    surest one found in a passage is its span, the others its runners-up."""

    def __init__(self, margins: dict[str, float]) -> None:
        self.margins = margins

    def read(
        self, question: str, passages: Sequence[str], titles: Sequence[str] = ()
    ) -> list[Span | None]:
        found: list[Span | None] = []
        for text in passages:
            hits = sorted(
                (Span(text.index(a), text.index(a) + len(a), m, 0.0)
                 for a, m in self.margins.items() if a in text),
                key=lambda s: -s.score,
            )  # fmt: skip
            found.append(replace(hits[0], runners_up=tuple(hits[1:])) if hits else None)
        return found
