"""What the commands share: the settings of this run, opening the index, one-line errors."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, NoReturn

import typer

from index.settings import Settings

if TYPE_CHECKING:
    from index.answer import Answerer
    from index.engine import NewsIndex

EMPTY_INDEX = (
    "the index is empty: run `newsqa ingest PATH` first (e.g. data/frwikinews/corpus.jsonl)"
)


def settings_of(ctx: typer.Context) -> Settings:
    """The Settings the top-level callback built for this invocation."""
    settings = ctx.find_root().obj
    if not isinstance(settings, Settings):
        raise RuntimeError("the newsqa callback did not run")
    return settings


def open_index(settings: Settings, collection: str | None = None) -> NewsIndex:
    from index.engine import NewsIndex

    return NewsIndex.open(settings, collection)


def open_answerer(settings: Settings, prepare: bool = True) -> Answerer:
    """The answerer over the index; `prepare`: load its models before the first question."""
    from index.answer import Answerer

    index = open_index(settings)
    # Chroma loads its vector index in a thread (seconds for a large archive, and every read
    # waits for it): the models load meanwhile. A small or empty index is there at once, and
    # an empty one is told before any model (or an LLM backend's) loads.
    loading = index.store.still_loading()
    if not loading and index.store.count() == 0:
        fail(EMPTY_INDEX)
    answerer = Answerer.from_settings(settings, index)
    if loading and prepare:
        answerer.prepare()
    if loading and index.store.count() == 0:
        fail(EMPTY_INDEX)
    return answerer


def known_sources(index: NewsIndex, sources: Sequence[str]) -> None:
    """An unknown `--source` is a mistake to name, not a question to answer "I don't know"."""
    if not sources:
        return
    known = index.stats().sources
    unknown = [s for s in sources if s not in known]
    if unknown:
        listed = ", ".join(repr(s) for s in known) or "none"
        fail(f"unknown source {unknown[0]!r}: the archive's sources are {listed}")


def parse_date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        fail(f"--as-of wants a date like 2017-03-15, not {value!r}")


def non_empty(question: str) -> str:
    """The question, or the one-line error an empty one gets."""
    if not any(ch.isalnum() for ch in question):
        fail('ask a question in words, e.g. newsqa ask "Qui a gagné l\'élection ?"')
    return question


def fail(message: str) -> NoReturn:
    """The one-line `error:` a user mistake gets, and exit code 2."""
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(2)
