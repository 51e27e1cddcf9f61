"""The `newsqa` command line: a thin front end over `ingest/` and `index/`."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from bot.cli.common import (
    fail,
    known_sources,
    non_empty,
    open_answerer,
    open_index,
    parse_date,
    settings_of,
)
from bot.cli.helptext import plain_help_types
from index.errors import UserError
from index.offline import go_offline
from index.settings import load_settings
from index.text import counted, repaired

if TYPE_CHECKING:
    from index.records import Answer, Turn
    from ingest.watch import RoundReport

plain_help_types()
app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="Ask a news archive questions and get cited answers.",
)
AsOf = Annotated[
    str | None,
    typer.Option("--as-of", metavar="DATE", help="date for 'yesterday', 'last week'… (YYYY-MM-DD)"),
]
CHAT_TEXTS = {
    "fr": {
        "intro": "Posez une question (/reset oublie la conversation, /sources, /quit).",
        "reset": "Conversation oubliée.",
        "words": "Posez une question avec des mots (/quit pour sortir).",
        "unknown": "Commande inconnue : {command}. Commandes : /reset, /sources, /quit.",
    },
    "en": {
        "intro": "Ask a question (/reset forgets the conversation, /sources, /quit).",
        "reset": "Conversation forgotten.",
        "words": "Ask a question in words (/quit to leave).",
        "unknown": "Unknown command: {command}. Commands: /reset, /sources, /quit.",
    },
}
OWN_LOGGERS = ("index", "ingest", "bot", "newsqa")
INTERRUPTED = "interrupted: re-run the same command to finish; nothing is duplicated"


def _print_version(wanted: bool) -> None:
    if wanted:
        from importlib.metadata import version

        typer.echo(f"newsqa {version('newsqa')}")
        raise typer.Exit()


@app.callback()
def _setup(
    ctx: typer.Context,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="log more")] = False,
    _version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_print_version, is_eager=True, help="print the version and exit"
        ),
    ] = False,
) -> None:
    """Build the settings once, for every command; keep libraries offline before they load."""
    logging.basicConfig(
        level=logging.INFO, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr
    )
    # --verbose is for newsqa's own steps; libraries (llama-index logs ~100 lines a question at
    # DEBUG) keep to their warnings.
    for own in OWN_LOGGERS:
        logging.getLogger(own).setLevel(logging.DEBUG if verbose else logging.INFO)
    for noisy in ("httpx", "chromadb", "sentence_transformers", "transformers", "urllib3"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    try:
        settings = load_settings()
    except UserError as exc:
        fail(str(exc))
    go_offline(settings.allow_downloads)
    ctx.obj = settings


@app.command()
def ingest(
    ctx: typer.Context,
    paths: Annotated[
        list[str], typer.Argument(metavar="PATH", help="files, folders or http(s) URLs")
    ],
    source: Annotated[
        str, typer.Option(metavar="NAME", help="source name for these articles")
    ] = "",
    prune: Annotated[bool, typer.Option(help="remove articles absent from these inputs")] = False,
    strict: Annotated[bool, typer.Option(help="exit 1 when any input fails")] = False,
) -> None:
    """Read articles, chunk and embed them into the index (re-runs skip unchanged ones)."""
    from bot.cli.render import format_report
    from ingest.pipeline import Ingestor

    settings = settings_of(ctx)
    missing = [p for p in paths if _missing_path(p)]
    if missing and len(missing) == len(paths):  # a typo, not a run with one bad input
        fail(f"no such file or folder: {', '.join(missing)}")
    index = open_index(settings)
    try:
        report = Ingestor(settings, index).run(paths, source, prune)
        index.sync_lexical()
    except KeyboardInterrupt:
        typer.echo(INTERRUPTED, err=True)
        raise typer.Exit(130) from None
    typer.echo(format_report(report))
    if report.ingested == 0 or (strict and report.failed):
        raise typer.Exit(1)


def _missing_path(given: str) -> bool:
    """A local path that is not there (a broken link is there, and ingest says it is broken;
    one that cannot even be looked at, a name too long or a folder shut, is left for ingest to
    report)."""
    from ingest.readers import url_scheme

    if url_scheme(given) is not None:  # a URL: ingest fetches it, or says its scheme is not read
        return False
    path = Path(given)
    try:
        return not path.exists() and not path.is_symlink()
    except OSError:
        return False


@app.command()
def watch(
    ctx: typer.Context,
    sources: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="SOURCE", help="feeds, article URLs, folders (default: NEWSQA_WATCH_SOURCES)"
        ),
    ] = None,
    every: Annotated[
        str | None,
        typer.Option(
            metavar="INTERVAL",
            help="time between rounds: 90s, 15m, 1h (default: NEWSQA_WATCH_INTERVAL)",
        ),
    ] = None,
    source: Annotated[
        str, typer.Option(metavar="NAME", help="source name for these articles")
    ] = "",
    once: Annotated[bool, typer.Option(help="one round, then exit")] = False,
) -> None:
    """Keep the archive current: poll sources and ingest what is new or changed."""
    import threading

    from index.settings import parse_duration
    from ingest.watch import Watcher

    settings = settings_of(ctx)
    wanted = sources or settings.watch_sources
    if not wanted:
        fail("nothing to watch: give feeds, URLs or folders, or set NEWSQA_WATCH_SOURCES")
    try:
        every_s = parse_duration(every) if every else settings.watch_interval
    except ValueError as exc:
        fail(f"--every: {exc}")
    if every_s <= 0:
        fail("--every must be more than 0")
    settings = settings.model_copy(update={"watch_interval": every_s})
    # Run by hand or by cron, --once tries every source now, even one waiting after errors.
    watcher = Watcher(settings, open_index(settings), wanted, source, retry_waiting=once)
    count = counted(len(watcher.sources), "source")
    if once:
        typer.echo(f"one round over {count}")
    else:
        typer.echo(f"watching {count} every {every_s:g} s (Ctrl-C stops)")
    try:
        last = watcher.run(every_s, threading.Event(), 1 if once else None, _print_round)
    except KeyboardInterrupt:
        typer.echo("stopped: the next run resumes from the saved state", err=True)
        raise typer.Exit(130) from None
    if last is None or last.failed:  # for cron: --once says whether its round went cleanly
        raise typer.Exit(1)


def _print_round(report: RoundReport) -> None:
    from datetime import datetime

    typer.echo(f"{datetime.now():%Y-%m-%d %H:%M:%S} {report.line()}")


@app.command()
def stats(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
) -> None:
    """What the archive holds: articles and passages per source, dates, languages, size."""
    from bot.cli.render import format_stats, stats_json

    index = open_index(settings_of(ctx))
    found = index.stats()
    if as_json:
        typer.echo(json.dumps(stats_json(found, index.store.name), ensure_ascii=False, indent=2))
    else:
        typer.echo(format_stats(found, index.store.name))


@app.command()
def forget(
    ctx: typer.Context,
    articles: Annotated[
        list[str] | None, typer.Argument(help="article ids or URLs", metavar="ID_OR_URL")
    ] = None,
    source: Annotated[
        list[str] | None,
        typer.Option("--source", metavar="NAME", help="every article of this source (repeatable)"),
    ] = None,
) -> None:
    """Remove articles from the archive, by id, URL or source."""
    from ingest.identity import canonical_url

    given = [repaired(a) for a in articles or []]
    if not given and not source:
        fail("say what to forget: article ids or URLs, or --source NAME")
    typed = [a for a in given if a.lower().startswith(("http://", "https://"))]
    canonical = [canonical_url(u) for u in typed]  # "HTTP://Site/a/" is stored as "http://site/a"
    ids = [a for a in given if a not in typed] + canonical
    index = open_index(settings_of(ctx))
    sources = [repaired(s) for s in source or ()]
    known_sources(index, sources)
    gone = index.forget(ids, typed + canonical, sources)
    if not gone:
        fail("no stored article matches: see `newsqa stats` and `newsqa search`")
    passages = sum(n for _, n in gone.values())
    typer.echo(f"forgot {counted(len(gone), 'article')} ({counted(passages, 'passage')}):")
    for article_id, (title, _) in sorted(gone.items()):
        typer.echo(f"  {article_id}  {title}")


@app.command()
def search(
    ctx: typer.Context,
    question: Annotated[str, typer.Argument(metavar="QUESTION", help="what to look for")],
    k: Annotated[
        int | None,
        typer.Option(
            "-k",
            "--top-k",
            min=1,
            metavar="N",
            help="how many passages (at least 1; default NEWSQA_SEARCH_K, 5)",
            show_default=False,
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
) -> None:
    """Print the passages closest to a question."""
    from bot.cli.render import format_passages, passage_json

    passages = open_index(settings_of(ctx)).search(non_empty(question), k)
    if as_json:
        typer.echo(json.dumps([passage_json(p) for p in passages], ensure_ascii=False, indent=2))
    else:
        typer.echo(format_passages(passages))


@app.command()
def ask(
    ctx: typer.Context,
    question: Annotated[
        str, typer.Argument(metavar="QUESTION", help="a question in French or English")
    ],
    as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
    as_of: AsOf = None,
    source: Annotated[
        list[str] | None,
        typer.Option("--source", metavar="NAME", help="only this source (repeatable)"),
    ] = None,
) -> None:
    """Answer a question with numbered citations, or say that the archive does not know."""
    from bot.cli.render import answer_json, format_answer
    from index.answer import needs_search

    question = non_empty(question)
    # Small talk, the time and the weather are answered without a model: none is loaded ahead.
    answerer = open_answerer(settings_of(ctx), prepare=needs_search(question))
    sources = [repaired(s) for s in source or ()]
    known_sources(answerer.index, sources)
    answer = answerer.answer(question, as_of=parse_date(as_of), sources=sources)
    if as_json:
        typer.echo(json.dumps(answer_json(answer), ensure_ascii=False, indent=2))
    else:
        typer.echo(format_answer(answer, bold=sys.stdout.isatty()))


@app.command()
def chat(ctx: typer.Context, as_of: AsOf = None) -> None:
    """Ask questions in a loop; follow-ups use the conversation. /reset, /sources, /quit."""
    from bot.cli.render import format_answer, format_sources
    from index.answer.followups import recent_turns

    settings = settings_of(ctx)
    answerer = open_answerer(settings)
    day = parse_date(as_of)
    history: list[Turn] = []
    last: Answer | None = None
    language = "fr"  # French first; then the language of the user's last question
    typer.echo(CHAT_TEXTS[language]["intro"])
    if hasattr(sys.stdin, "reconfigure"):  # a byte that is not UTF-8 is repaired, not fatal
        sys.stdin.reconfigure(errors="surrogateescape")
    while True:
        try:
            line = repaired(input("> ")).strip()  # repaired here too: a command is echoed
        except EOFError:
            return
        command = line.split()[0].lower() if line.startswith("/") else ""
        if command in ("/quit", "/exit"):
            return
        if command == "/reset":
            history, last = [], None
            typer.echo(CHAT_TEXTS[language]["reset"])
        elif command == "/sources":
            typer.echo(format_sources(last, language))
        elif command == "/help":
            typer.echo(CHAT_TEXTS[language]["intro"])
        elif command:  # "/aide", "/qiut": a command mistyped is no question for the archive
            typer.echo(CHAT_TEXTS[language]["unknown"].format(command=command))
        elif line and not any(ch.isalnum() for ch in line):
            typer.echo(CHAT_TEXTS[language]["words"])
        elif line:
            last = answerer.answer(line, history, as_of=day)
            language = "fr" if last.language == "fr" else "en"
            typer.echo(format_answer(last, bold=sys.stdout.isatty()) + "\n")
            history = recent_turns([*history, _turn(last)], settings.history_turns)


def _turn(answer: Answer) -> Turn:
    from index.records import Turn

    return Turn(answer.question, answer.text)


@app.command()
def bot(ctx: typer.Context) -> None:
    """Serve the archive in Telegram.

    Needs NEWSQA_TELEGRAM_TOKEN (from @BotFather). Optional: NEWSQA_TELEGRAM_ALLOWED_USERS and
    NEWSQA_TELEGRAM_ALLOWED_CHATS (ids, comma-separated; empty answers everyone),
    NEWSQA_TELEGRAM_WEBHOOK_URL (a webhook instead of long polling, with
    NEWSQA_TELEGRAM_WEBHOOK_LISTEN and _PORT), NEWSQA_TELEGRAM_QUESTIONS_PER_MINUTE,
    NEWSQA_WATCH_SOURCES and NEWSQA_WATCH_INTERVAL (keep the archive current while serving),
    NEWSQA_ANSWER_BACKEND, NEWSQA_TELEGRAM_BASE_URL (another Bot API server) and
    NEWSQA_CORPUS_ATTRIBUTION (the credit /about shows). Set them in the environment or in .env
    (see .env.example).
    """
    from bot.telegram import run_bot

    run_bot(settings_of(ctx))


@app.command("eval")
def evaluate(
    ctx: typer.Context,
    qa_file: Annotated[
        Path, typer.Argument(metavar="QA_FILE", help="QA pairs, one JSON object per line")
    ],
    corpus: Annotated[
        Path | None,
        typer.Option(
            metavar="FILE", help="ingest this JSONL corpus first, into a collection of its own"
        ),
    ] = None,
    k: Annotated[
        int,
        typer.Option(
            "-k", "--top-k", min=1, metavar="N", help="articles retrieved per question (at least 1)"
        ),
    ] = 10,
    out: Annotated[
        Path, typer.Option(metavar="DIR", help="folder for report.json, results.jsonl, report.md")
    ] = Path("eval-out"),
    limit: Annotated[
        int, typer.Option(min=0, metavar="N", help="first N questions only (0: all)")
    ] = 0,
    compare: Annotated[
        Path | None, typer.Option(metavar="REPORT", help="an earlier report.json")
    ] = None,
    answers: Annotated[
        bool, typer.Option(help="also answer each question and score the answers")
    ] = True,
) -> None:
    """Measure retrieval and answers over QA pairs; write report.json, results.jsonl, report.md."""
    from bot.cli.evaluate import EvalOptions, run_evaluation

    options = EvalOptions(qa_file, corpus, k, out, limit, compare, answers)
    run_evaluation(settings_of(ctx), options)


def main() -> None:
    """Console entry point: user errors print one line, bugs keep their traceback."""
    # Typer 0.29 (pinned) runs its own copy of Click: its exceptions are these.
    from typer._click.exceptions import ClickException, NoArgsIsHelpError, UsageError

    try:
        code = app(standalone_mode=False)
    except NoArgsIsHelpError as exc:  # `newsqa` alone: the help screen
        exc.show()
        sys.exit(2)
    except UsageError as exc:  # a mistyped command line is a mistake like the others: one line
        where = exc.ctx.command_path if exc.ctx else "newsqa"
        typer.echo(f"error: {exc.format_message().rstrip('.')} (see `{where} --help`)", err=True)
        sys.exit(2)
    except ClickException as exc:
        typer.echo(f"error: {exc.format_message()}", err=True)
        sys.exit(exc.exit_code)
    except UserError as exc:
        typer.echo(f"error: {exc}", err=True)
        sys.exit(2)
    except typer.Abort:  # the input ended where a command asked for more
        typer.echo("error: aborted: the input ended", err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        typer.echo(INTERRUPTED, err=True)
        sys.exit(130)
    sys.exit(code if isinstance(code, int) else 0)
