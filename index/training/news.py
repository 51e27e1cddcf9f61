"""Questions written over the news corpus, made into training questions like PIAF's.

A written question names its article and gives its answer as copied from the article's text.
The reader reads chunks at run time, not annotated paragraphs, so the paragraph a news question
is trained on is a chunk-sized run of whole sentences around the answer, about as long as the
ingest's chunks, with the answer at a varying place in it.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from index.text import sentence_spans
from index.training.examples import Article, Question

CHUNK_TOKENS = 230  # the ingest's 256-token chunks, less the title the reader reads first

TokenCount = Callable[[str], int]


@dataclass(frozen=True)
class Written:
    article_id: str
    question: str
    answer: str  # as the article's text writes it


def load_written(path: Path) -> list[Written]:
    found = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            found.append(Written(row["article_id"], row["question"], row["answer"]))
    return found


def in_chunks(
    articles: dict[str, Article], count: TokenCount, tokens: int = CHUNK_TOKENS
) -> dict[str, Article]:
    """The articles with chunk-sized runs of sentences as their paragraphs, so that the
    negatives drawn from them are passages the size the reader meets."""
    return {key: _chunked(article, count, tokens) for key, article in articles.items()}


def _chunked(article: Article, count: TokenCount, tokens: int) -> Article:
    runs: list[tuple[int, int]] = []
    for a, b in sentence_spans(article.text) or [(0, len(article.text))]:
        if runs and count(article.text[runs[-1][0] : b]) <= tokens:
            runs[-1] = (runs[-1][0], b)
        else:
            runs.append((a, b))
    return Article(article.title, article.text, runs)


def news_questions(
    written: list[Written],
    articles: dict[str, Article],
    count: TokenCount,
    seed: int,
    tokens: int = CHUNK_TOKENS,
) -> list[Question]:
    """Each written question whose answer its article's text holds, with the run of sentences
    around the answer's first occurrence as its paragraph (the others are dropped)."""
    rng = random.Random(seed)
    found = []
    for n, w in enumerate(written):
        article = articles.get(w.article_id)
        at = article.text.find(w.answer) if article is not None and w.answer else -1
        if article is None or at < 0:
            continue
        span = (at, at + len(w.answer))
        paragraph = _around(article.text, span, count, tokens, rng)
        found.append(Question(f"news-{n}", w.question, w.article_id, paragraph, span, (w.answer,)))
    return found


def _around(
    text: str, answer: tuple[int, int], count: TokenCount, tokens: int, rng: random.Random
) -> tuple[int, int]:
    """Whole sentences around the answer, added on a random side while they fit `tokens`."""
    sentences = sentence_spans(text) or [(0, len(text))]
    holding = [i for i, (a, b) in enumerate(sentences) if a < answer[1] and b > answer[0]]
    if not holding:
        return answer
    first, last = holding[0], holding[-1]
    while True:
        grown = [(first - 1, last)] if first > 0 else []
        grown += [(first, last + 1)] if last + 1 < len(sentences) else []
        if not grown:
            break
        lo, hi = rng.choice(grown)
        if count(text[sentences[lo][0] : sentences[hi][1]]) > tokens:
            break
        first, last = lo, hi
    return sentences[first][0], sentences[last][1]
