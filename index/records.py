"""The typed objects that cross module boundaries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

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
    complete: bool = True  # every chunk of this version stored, and no other


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


@dataclass(frozen=True)
class Citation:
    """A numbered source behind an answer: the passage and the exact quoted span."""

    n: int
    passage: Passage
    quote: str
    start: int  # character offsets of the quote in the article text
    end: int


@dataclass(frozen=True)
class Answer:
    """What every front end renders: text with [n] markers, and the sources they point at."""

    text: str
    language: str
    citations: tuple[Citation, ...] = ()
    refused: bool = False
    question: str = ""  # the standalone question actually searched (after follow-up rewriting)
    backend: str = "extractive"
    closest: tuple[Passage, ...] = ()  # on refusal: what came nearest, for "see also"
    evidence: float = 0.0  # score of the best sentence found; refusal is below a threshold
    span: str = ""  # the reader's short answer at the start of `text`, for emphasis


@dataclass(frozen=True)
class Turn:
    """One exchange of a conversation, kept to rewrite follow-up questions."""

    question: str
    answer: str


@dataclass(frozen=True)
class Freshness:
    """How current a watched archive is: sources followed, last round no source failed."""

    sources: int
    last_round: datetime | None


@dataclass(frozen=True)
class SourceStats:
    """One source's share of the archive."""

    name: str
    articles: int
    chunks: int
    first_date: date | None
    last_date: date | None


@dataclass(frozen=True)
class CorpusStats:
    """What the index holds: for `newsqa stats` and the bot's /help."""

    articles: int
    chunks: int
    first_date: date | None
    last_date: date | None
    sources: tuple[str, ...] = ()
    per_source: tuple[SourceStats, ...] = ()
    languages: tuple[tuple[str, int], ...] = ()  # (language, articles), most first
    last_write: datetime | None = None  # the last ingest (or forget) into this collection
    disk_bytes: int | None = None  # what this process's data folder holds for it
    model: str = ""
    precision: str = ""
