"""The `newsqa` command line: a thin front end over `ingest/` and `index/`."""

from __future__ import annotations

import json
import logging
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from index.errors import UserError
from index.offline import go_offline
from index.settings import Settings

if TYPE_CHECKING:
    from datetime import date

    from index.answer import Answerer
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
        index.sync_lexical()
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


@app.command()
def ask(
    question: Annotated[str, typer.Argument(help="a question in French or English")],
    as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="date for 'yesterday', 'last week'… (YYYY-MM-DD)")
    ] = None,
    source: Annotated[
        list[str] | None, typer.Option("--source", help="only this source (repeatable)")
    ] = None,
) -> None:
    """Answer a question with numbered citations, or say that the archive does not know."""
    from bot.terminal import answer_json, format_answer

    answerer = _open_answerer()
    answer = answerer.answer(question, as_of=_date_option(as_of), sources=source or ())
    if as_json:
        typer.echo(json.dumps(answer_json(answer), ensure_ascii=False, indent=2))
    else:
        typer.echo(format_answer(answer))


@app.command()
def chat(
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="date for 'yesterday', 'last week'… (YYYY-MM-DD)")
    ] = None,
) -> None:
    """Ask questions in a loop; follow-ups use the conversation. /reset, /sources, /quit."""
    from bot.terminal import format_answer, format_sources
    from index.models import Answer, Turn

    answerer = _open_answerer()
    day = _date_option(as_of)
    history: list[Turn] = []
    last: Answer | None = None
    typer.echo("Ask a question (/reset forgets the conversation, /sources, /quit).")
    while True:
        try:
            line = input("> ").strip()
        except EOFError:
            return
        if line in ("/quit", "/exit"):
            return
        if line == "/reset":
            history, last = [], None
            typer.echo("Conversation forgotten.")
        elif line == "/sources":
            typer.echo(format_sources(last))
        elif line:
            last = answerer.answer(line, history, as_of=day)
            typer.echo(format_answer(last) + "\n")
            history = [*history, Turn(last.question, last.text)][-state.settings.history_turns :]


@app.command()
def bot() -> None:
    """Serve the archive in Telegram (NEWSQA_TELEGRAM_TOKEN; long polling or webhook)."""
    from bot.telegram import run_bot

    run_bot(state.settings)


@app.command("eval")
def evaluate(
    qa_file: Annotated[Path, typer.Argument(help="QA pairs, one JSON object per line")],
    corpus: Annotated[
        Path | None,
        typer.Option(help="ingest this JSONL corpus first, into a collection of its own"),
    ] = None,
    k: Annotated[int, typer.Option("-k", min=1, help="articles retrieved per question")] = 10,
    out: Annotated[
        Path, typer.Option(help="folder for report.json, results.jsonl, report.md")
    ] = Path("eval-out"),
    limit: Annotated[int, typer.Option(min=0, help="first N questions only (0: all)")] = 0,
    compare: Annotated[Path | None, typer.Option(help="an earlier report.json")] = None,
    answers: Annotated[
        bool, typer.Option(help="also answer each question and score the answers")
    ] = True,
) -> None:
    """Measure retrieval and answers over QA pairs; write report.json, results.jsonl, report.md."""
    from bot import eval_report
    from index import evaluation
    from index.embedding import model_label as index_model
    from ingest.pipeline import Ingestor
    from ingest.progress import Progress

    if not qa_file.is_file():
        _fail(f"no QA file at {qa_file}")
    if compare is not None and not compare.is_file():
        _fail(f"no report to compare with at {compare}")
    items, bad = evaluation.load_qa(qa_file)
    for line in bad:
        typer.echo(f"skipped {qa_file}:{line.line}: {line.reason}", err=True)
    if limit:
        items = items[:limit]
    if not items:
        _fail(f"no usable questions in {qa_file}")
    started = time.perf_counter()
    collection, corpus_hash = None, ""
    if corpus is not None:
        collection, corpus_hash = evaluation.corpus_collection(
            corpus, index_model(state.settings), state.settings.embed_precision
        )
    index = _open_index(collection)
    if corpus is not None:
        done = Ingestor(state.settings, index).run([str(corpus)])
        index.sync_lexical()
        typer.echo(
            f"corpus {corpus.name}: {done.added} added, {done.updated} updated, "
            f"{done.unchanged} unchanged, {done.failed} failed",
            err=True,
        )
    if index.store.count() == 0:
        _fail("the index is empty: run `newsqa ingest PATH` first, or pass --corpus")
    answerer = None
    if answers:
        from index.answer import Answerer

        answerer = Answerer.from_settings(state.settings, index)
    progress = Progress.for_terminal()
    progress.start(len(items), "questions", "questions")
    results = evaluation.run(index, items, k, lambda _: progress.advance(1), answerer)
    progress.finish()
    report = evaluation.summarize(results, k) | {
        "qa_file": str(qa_file),
        "corpus": str(corpus or ""),
        "corpus_hash": corpus_hash,
        "collection": collection or state.settings.collection,
        "config": {
            "k": k,
            "embed_model": index.model_name,
            "embed_precision": state.settings.embed_precision,
            "chunk_tokens": state.settings.chunk_tokens,
            "chunk_overlap_tokens": state.settings.chunk_overlap_tokens,
            "answerer": (answerer.backend.name if answerer.backend else "extractive")
            if answerer
            else None,
            "llm_model": state.settings.llm_model if answerer and answerer.backend else None,
            "retrieval": {
                "dense_weight": state.settings.dense_weight,
                "lexical_weight": state.settings.lexical_weight,
                "rrf_k": state.settings.rrf_k,
                "dense_candidates": state.settings.dense_candidates,
                "lexical_candidates": state.settings.lexical_candidates,
                "max_passages_per_article": state.settings.max_passages_per_article,
            },
            "answer_k": state.settings.answer_k,
            "refusal_threshold": state.settings.refusal_threshold,
        },
        "skipped_lines": [{"line": b.line, "reason": b.reason} for b in bad],
        "seconds": round(time.perf_counter() - started, 1),
        "git_commit": eval_report.git_commit(),
    }
    if compare is not None:
        report["compare"] = eval_report.compare(report, compare, results)
    eval_report.write_outputs(out, report, results)
    typer.echo(eval_report.terminal_table(report))
    typer.echo(f"\nreport: {out / 'report.md'}")


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


def _open_answerer() -> Answerer:
    from index.answer import Answerer

    index = _open_index()
    if index.store.count() == 0:
        _fail(
            "the index is empty: run `newsqa ingest PATH` first (e.g. data/frwikinews/corpus.jsonl)"
        )
    return Answerer.from_settings(state.settings, index)


def _date_option(value: str | None) -> date | None:
    from datetime import date

    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        _fail(f"--as-of wants a date like 2017-03-15, not {value!r}")


def _fail(message: str) -> NoReturn:
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
