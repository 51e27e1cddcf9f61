"""`newsqa eval`: load the questions, prepare the index, run, write and print the report."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from bot.cli.common import fail, open_index
from index.evaluation.dataset import BadLine, QAItem, corpus_collection, load_qa
from index.settings import Settings

if TYPE_CHECKING:
    from index.engine import NewsIndex


@dataclass(frozen=True)
class EvalOptions:
    qa_file: Path
    corpus: Path | None
    k: int
    out: Path
    limit: int
    compare: Path | None
    answers: bool


def run_evaluation(settings: Settings, options: EvalOptions) -> None:
    from index.answer import Answerer
    from index.evaluation import report as eval_report
    from index.evaluation import summarize
    from index.evaluation.runner import evaluation_config, run
    from ingest.progress import Progress

    items, bad = _questions(options)
    old = eval_report.read_report(options.compare) if options.compare is not None else None
    _writable(options.out)
    started = time.perf_counter()
    index, collection, corpus_hash = _prepared_index(settings, options.corpus)
    answerer = Answerer.from_settings(settings, index) if options.answers else None
    progress = Progress.for_terminal()
    progress.start(len(items), "questions", "questions")
    results = run(index, items, options.k, lambda _: progress.advance(1), answerer)
    progress.finish()
    report: dict[str, Any] = summarize(results, options.k) | {
        "qa_file": str(options.qa_file),
        "corpus": str(options.corpus or ""),
        "corpus_hash": corpus_hash,
        "collection": collection or settings.collection,
        "config": evaluation_config(settings, options.k, index.model_name, answerer),
        "skipped_lines": [{"line": b.line, "reason": b.reason} for b in bad],
        "seconds": round(time.perf_counter() - started, 1),
        "git_commit": eval_report.git_commit(),
    }
    if options.compare is not None and old is not None:
        report["compare"] = eval_report.compare(report, old, options.compare, results)
    eval_report.write_outputs(options.out, report, results)
    typer.echo(eval_report.terminal_table(report))
    typer.echo(f"\nreport: {options.out / 'report.md'}")


def _questions(options: EvalOptions) -> tuple[list[QAItem], list[BadLine]]:
    """The usable QA items (the first `limit`), and the lines that were skipped, reported."""
    if not options.qa_file.is_file():
        fail(f"no QA file at {options.qa_file}")
    if options.compare is not None and not options.compare.is_file():
        fail(f"no report to compare with at {options.compare}")
    items, bad = load_qa(options.qa_file)
    for line in bad:
        typer.echo(f"skipped {options.qa_file}:{line.line}: {line.reason}", err=True)
    if options.limit:
        items = items[: options.limit]
    if not items:
        fail(f"no usable questions in {options.qa_file}")
    return items, bad


def _writable(out: Path) -> None:
    """The output folder, made before the run: a file in its way fails now, not after it."""
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        fail(f"--out {out}: cannot make the report folder there ({exc.strerror or exc})")
    if not os.access(out, os.W_OK):
        fail(f"--out {out}: the folder cannot be written")


def _prepared_index(settings: Settings, corpus: Path | None) -> tuple[NewsIndex, str | None, str]:
    """The index to question: the configured one, or the corpus in a collection of its own."""
    from index.embedding import model_label
    from ingest.pipeline import Ingestor

    collection, corpus_hash = None, ""
    if corpus is not None:
        collection, corpus_hash = corpus_collection(
            corpus, model_label(settings), settings.embed_precision
        )
    index = open_index(settings, collection)
    if corpus is not None:
        done = Ingestor(settings, index).run([str(corpus)])
        index.sync_lexical()
        typer.echo(
            f"corpus {corpus.name}: {done.added} added, {done.updated} updated, "
            f"{done.unchanged} unchanged, {done.failed} failed",
            err=True,
        )
    if index.store.count() == 0 and corpus is not None:
        why = "; ".join(f"{f.origin}: {f.reason}" for f in done.failures[:3])
        fail(f"nothing from --corpus {corpus} could be stored" + (f" ({why})" if why else ""))
    if index.store.count() == 0:
        fail("the index is empty: run `newsqa ingest PATH` first, or pass --corpus")
    return index, collection, corpus_hash
