"""Citations grouped by source number: one entry per article, with every quote taken from it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from index.records import Citation, Passage


@dataclass(frozen=True)
class Source:
    n: int
    passage: Passage  # the first cited passage of the article (title, date, link)
    quotes: tuple[str, ...]


def grouped(citations: Iterable[Citation]) -> list[Source]:
    by_number: dict[int, list[Citation]] = {}
    for c in citations:
        by_number.setdefault(c.n, []).append(c)
    return [
        Source(n, own[0].passage, tuple(dict.fromkeys(c.quote.strip() for c in own)))
        for n, own in sorted(by_number.items())
    ]
