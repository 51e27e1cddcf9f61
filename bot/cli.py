"""The `newsqa` command line: a thin front end over `ingest/` and `index/`."""

from __future__ import annotations

import json
import logging
import sys
from typing import TYPE_CHECKING, Annotated

import typer

from index.errors import UserError
from index.offline import go_offline
from index.settings import Settings

if TYPE_CHECKING:
    from index.engine import NewsIndex
    from index.models import Passage
    from ingest.pipeline import IngestReport

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="Ask a news archive questions and get cited answers.",
)


class State:
    settings: Settings


state = State()


@app.callback()
def _setup(verbose: Annotated[bool, typer.Option("--verbose", "-v")] = False) -> None:
    """Build the settings once; keep libraries offline before they are imported."""
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    for noisy in ("httpx", "chromadb", "sentence_transformers", "transformers", "urllib3"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    try:
        state.settings = Settings()
    except ValueError as exc:
        _fail(f"invalid setting: {exc}".splitlines()[0] + " (check NEWSQA_* variables and .env)")
    go_offline(state.settings.allow_downloads)


@app.command()
def ingest(
    paths: Annotated[list[str], typer.Argument(help="files, folders or http(s) URLs")],
    source: Annotated[str, typer.Option(help="source name for these articles")] = "",
    prune: Annotated[bool, typer.Option(help="remove articles absent from these inputs")] = False,
    strict: Annotated[bool, typer.Option(help="exit 1 when any input fails")] = False,
) -> None:
    """Read articles, chunk and embed them into the index (re-runs skip unchanged ones)."""
    from ingest.pipeline import Ingestor

    index = _open_index()
    try:
        report = Ingestor(state.settings, index).run(paths, source, prune)
    except KeyboardInterrupt:
        typer.echo(
            "interrupted: re-run the same command to finish; nothing is duplicated", err=True
        )
        raise typer.Exit(130) from None
    typer.echo(format_report(report))
    if report.ingested == 0 or (strict and report.failed):
        raise typer.Exit(1)


@app.command()
def search(
    question: Annotated[str, typer.Argument(help="what to look for")],
    k: Annotated[int, typer.Option("-k", min=1, help="how many passages")] = 5,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
) -> None:
    """Print the passages closest to a question."""
    index = _open_index()
    passages = index.search(question, k)
    if as_json:
        typer.echo(json.dumps([passage_json(p) for p in passages], ensure_ascii=False, indent=2))
        return
    if not passages:
        typer.echo("No passages: the index is empty. Run `newsqa ingest PATH` first.")
    for rank, p in enumerate(passages, 1):
        day = p.published_at.isoformat() if p.published_at else "undated"
        typer.echo(f"[{rank}] {p.score:.3f}  {p.title}  ({p.source}, {day})")
        if p.url:
            typer.echo(f"    {p.url}")
        typer.echo(f"    {p.text}\n")


def passage_json(p: Passage) -> dict[str, object]:
    return {
        "score": round(p.score, 4),
        "chunk_id": p.chunk_id,
        "article_id": p.article_id,
        "title": p.title,
        "source": p.source,
        "url": p.url,
        "published_at": p.published_at.isoformat() if p.published_at else None,
        "lang": p.lang,
        "text": p.text,
        "start": p.start,
        "end": p.end,
    }


def format_report(report: IngestReport) -> str:
    rows = [
        ("files read", report.files_read),
        ("articles added", report.added),
        ("articles updated", report.updated),
        ("articles unchanged", report.unchanged),
        ("articles duplicate", report.duplicate),
        ("articles failed", report.failed),
        ("articles pruned", report.pruned),
        ("chunks written", report.chunks_written),
        ("seconds", f"{report.seconds:.1f}"),
        ("chunks per second", f"{report.chunks_per_second:.1f}"),
    ]
    width = max(len(name) for name, _ in rows)
    lines = [f"{name:<{width}}  {value:>8}" for name, value in rows]
    if report.failures:
        lines.append("\nfailed:")
        lines += [f"  {f.origin}: {f.reason}" for f in report.failures]
    return "\n".join(lines)


def _open_index(collection: str | None = None) -> NewsIndex:
    from index.engine import NewsIndex

    return NewsIndex.open(state.settings, collection)


def _fail(message: str) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(2)


def main() -> None:
    """Console entry point: user errors print one line, bugs keep their traceback."""
    try:
        app()
    except UserError as exc:
        typer.echo(f"error: {exc}", err=True)
        sys.exit(2)
    except KeyboardInterrupt:
        typer.echo(
            "interrupted: re-run the same command to finish; nothing is duplicated", err=True
        )
        sys.exit(130)
