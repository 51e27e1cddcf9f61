"""Sentence-aware chunks sized in model tokens, with exact character offsets.

NLTK's Punkt models (shipped inside llama-index) find the sentences; packing them is ours,
because llama-index's splitters do not report where each chunk sits in the article and
citations quote exact spans.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from index.records import Chunk
from index.text import Span, sentence_spans

TokenCounter = Callable[[list[str]], list[int]]

_WORD = re.compile(r"\S+")


@dataclass(frozen=True)
class ChunkBudget:
    """How many content tokens a chunk may hold, and how many to repeat from the last one."""

    tokens: int
    overlap: int


def chunk_text(
    text: str, lang: str, article_id: str, count: TokenCounter, budget: ChunkBudget
) -> list[Chunk]:
    """Pack whole sentences into chunks of at most `budget.tokens` tokens."""
    units = _fit_units(text, sentence_spans(text, lang), count, budget.tokens)
    if not units:
        return []
    spans = _pack(units, budget)
    # Token counts of pieces only approximately add up; check each chunk as it will be read.
    exact = count([text[a:b] for a, b in spans])
    checked: list[Span] = []
    for span, n in zip(spans, exact, strict=True):
        if n <= budget.tokens:
            checked.append(span)
        else:
            words = _word_units(text, span, count, budget.tokens)
            checked.extend(_pack(words, ChunkBudget(budget.tokens * 9 // 10, 0)))
    return [Chunk(article_id, i, a, b, text[a:b]) for i, (a, b) in enumerate(checked)]


def _fit_units(
    text: str, spans: list[Span], count: TokenCounter, limit: int
) -> list[tuple[Span, int]]:
    """Sentences with their token counts; a sentence over the limit is cut between words."""
    if not spans:
        return []
    sizes = count([text[a:b] for a, b in spans])
    units: list[tuple[Span, int]] = []
    for span, size in zip(spans, sizes, strict=True):
        if size <= limit:
            units.append((span, size))
        else:
            units.extend(_word_units(text, span, count, limit))
    return units


def _word_units(text: str, span: Span, count: TokenCounter, limit: int) -> list[tuple[Span, int]]:
    """The words of a span with their token counts; a word over the limit is cut in pieces."""
    words = [
        (span[0] + m.start(), span[0] + m.end()) for m in _WORD.finditer(text[span[0] : span[1]])
    ]
    units: list[tuple[Span, int]] = []
    for word, size in zip(words, count([text[a:b] for a, b in words]), strict=True):
        units.extend([(word, size)] if size <= limit else _pieces(text, word, count, limit))
    return units


def _pieces(text: str, span: Span, count: TokenCounter, limit: int) -> list[tuple[Span, int]]:
    """Text with no space to cut at (a long URL, Chinese) in pieces of at most `limit` tokens."""
    step = max(1, limit * 3 // 4)  # characters; e5's tokens rarely cover less than one
    cuts = [(a, min(a + step, span[1])) for a in range(span[0], span[1], step)]
    units: list[tuple[Span, int]] = []
    for piece, size in zip(cuts, count([text[a:b] for a, b in cuts]), strict=True):
        if size <= limit or piece[1] - piece[0] == 1:
            units.append((piece, size))
        else:
            units.extend(_pieces(text, piece, count, limit // 2))
    return units


def _pack(units: list[tuple[Span, int]], budget: ChunkBudget) -> list[Span]:
    chunks: list[Span] = []
    current: list[tuple[Span, int]] = []
    size = 0
    for unit in units:
        if current and size + unit[1] > budget.tokens:
            chunks.append((current[0][0][0], current[-1][0][1]))
            current, size = _overlap_tail(current, budget.overlap, budget.tokens - unit[1])
        current.append(unit)
        size += unit[1]
    if current:
        chunks.append((current[0][0][0], current[-1][0][1]))
    return chunks


def _overlap_tail(
    units: list[tuple[Span, int]], overlap: int, room: int
) -> tuple[list[tuple[Span, int]], int]:
    """The last whole sentences of a chunk worth at most `overlap` tokens (and fitting)."""
    tail: list[tuple[Span, int]] = []
    size = 0
    for unit in reversed(units[1:]):  # never the whole chunk again
        if size + unit[1] > min(overlap, room):
            break
        tail.insert(0, unit)
        size += unit[1]
    return tail, size
