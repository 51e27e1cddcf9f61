"""The typed objects that cross module boundaries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

Scalar = str | int | float | bool


@dataclass(frozen=True)
class Article:
    """One news article as read from its source, before chunking."""

    id: str
    title: str
    text: str
    source: str = ""
    url: str = ""
    published_at: date | None = None
    lang: str = ""
    origin: str = ""  # the file or URL it was read from
    extra: dict[str, Scalar] = field(default_factory=dict)


@dataclass(frozen=True)
class Chunk:
    """A span of an article's text, small enough for the embedding model."""

    article_id: str
    index: int
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class StoredArticle:
    """What the index knows about an article it holds."""

    id: str
    content_hash: str
    text_hash: str
    n_chunks: int
    origin: str = ""
    also_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class Passage:
    """A retrieved chunk with what a reader needs to cite it."""

    chunk_id: str
    article_id: str
    chunk_index: int
    title: str
    source: str
    url: str
    published_at: date | None
    lang: str
    text: str
    start: int
    end: int
    score: float
