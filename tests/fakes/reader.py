"""A span reader that reads by string search: the answer logic around the reader, tested
without the network."""

from __future__ import annotations

from collections.abc import Sequence

from index.reading import Span


class Finder:
    """Finds fixed answers by string search; the margin says how sure it is of each."""

    def __init__(self, margins: dict[str, float]) -> None:
        self.margins = margins

    def read(
        self, question: str, passages: Sequence[str], titles: Sequence[str] = ()
    ) -> list[Span | None]:
        found: list[Span | None] = []
        for text in passages:
            hits = [(a, m) for a, m in self.margins.items() if a in text]
            if not hits:
                found.append(None)
                continue
            answer, margin = max(hits, key=lambda h: h[1])
            start = text.index(answer)
            found.append(Span(start, start + len(answer), margin, 0.0))
        return found
