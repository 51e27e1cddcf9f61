"""One entry per article: citations grouped by source number, with every quote taken from it,
and a refusal's closest passages, their first of each article."""

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


def one_per_article(passages: Iterable[Passage]) -> list[Passage]:
    """The first passage of each article, in order: two passages of one article are one place
    to look."""
    first: dict[str, Passage] = {}
    for p in passages:
        first.setdefault(p.article_id, p)
    return list(first.values())
