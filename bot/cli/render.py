"""How answers look in a terminal, and as JSON for scripts."""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING, Any

from bot.sources import grouped, one_per_article
from index.records import Answer, Citation, CorpusStats, Passage
from index.text import without_controls
from index.written_dates import human_date

if TYPE_CHECKING:
    from ingest.pipeline import IngestReport

HEADINGS = {"fr": ("Sources", "Articles les plus proches"), "en": ("Sources", "Closest articles")}


def format_answer(answer: Answer, width: int = 100, bold: bool = False) -> str:
    """The answer, then its numbered sources with the quoted passages (one entry per article).

    With `bold` (a terminal), the reader's short answer is printed in bold. Stored text never
    reaches the terminal with its control characters (an archive ingested before they were
    taken out at ingest may hold some)."""
    lines = [textwrap.fill(answer.text, width)]
    sources, closest = HEADINGS.get(answer.language, HEADINGS["en"])
    if answer.citations:
        lines += ["", sources]
        for source in grouped(answer.citations):
            lines.append(f"[{source.n}] {_byline(source.passage, answer.language)}")
            if source.passage.url:
                lines.append(f"    {source.passage.url}")
            for quote in source.quotes:
                lines.append(
                    textwrap.fill(
                        f"« {quote} »", width, initial_indent="    ", subsequent_indent="    "
                    )
                )
    elif answer.refused and answer.closest:
        lines += ["", closest]
        for p in one_per_article(answer.closest):
            line = f"- {_byline(p, answer.language)}"
            lines.append(line + (f"  {p.url}" if p.url else ""))
    shown = without_controls("\n".join(lines))
    if bold and answer.span and shown.startswith(answer.span):
        shown = f"\033[1m{answer.span}\033[0m{shown[len(answer.span) :]}"
    return shown


def format_sources(answer: Answer | None, language: str = "en") -> str:
    """The full quotes behind the last answer (`/sources` in chat)."""
    if answer is None:
        return "(pas encore de sources)" if language == "fr" else "(no sources yet)"
    if not answer.citations:
        if language == "fr":
            return "(la dernière réponse ne cite aucune source)"
        return "(the last answer cites no source)"
    return without_controls(
        "\n".join(
            f"[{s.n}] {_byline(s.passage, answer.language)}\n" + "\n".join(s.quotes) + "\n"
            for s in grouped(answer.citations)
        )
    )


def answer_json(answer: Answer) -> dict[str, Any]:
    return {
        "answer": answer.text,
        "language": answer.language,
        "refused": answer.refused,
        "question": answer.question,
        "backend": answer.backend,
        "span": answer.span or None,
        "citations": [citation_json(c) for c in answer.citations],
        # One entry per article, as the text output lists them.
        "closest": [
            {
                "article_id": p.article_id,
                "title": p.title,
                "source": p.source,
                "published_at": p.published_at.isoformat() if p.published_at else None,
                "url": p.url,
            }
            for p in one_per_article(answer.closest)
        ],
    }


def citation_json(c: Citation) -> dict[str, Any]:
    p = c.passage
    return {
        "n": c.n,
        "chunk_id": p.chunk_id,
        "article_id": p.article_id,
        "title": p.title,
        "source": p.source,
        "published_at": p.published_at.isoformat() if p.published_at else None,
        "url": p.url,
        "quote": c.quote,
        "start": c.start,
        "end": c.end,
    }


def format_passages(passages: list[Passage]) -> str:
    """`newsqa search` output: rank, cosine, byline, URL and text of each passage."""
    if not passages:
        return "No passages: the index is empty. Run `newsqa ingest PATH` first."
    blocks = []
    for rank, p in enumerate(passages, 1):
        # Dates the way `ask` writes them, in the passage's own language.
        lines = [f"[{rank}] {p.score:.3f}  {_byline(p, 'fr' if p.lang == 'fr' else 'en')}"]
        if p.url:
            lines.append(f"    {p.url}")
        lines.append(f"    {p.text}\n")
        blocks.append("\n".join(lines))
    return without_controls("\n".join(blocks))


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
    """The ingest summary table, then each failure with its reason."""
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
        ("chunks per second", f"{rate:.1f}" if (rate := report.chunks_per_second) else "-"),
    ]
    width = max(len(name) for name, _ in rows)
    lines = [f"{name:<{width}}  {value:>8}" for name, value in rows]
    if report.failures:
        lines.append("\nfailed:")
        lines += [f"  {f.origin}: {f.reason}" for f in report.failures]
    return "\n".join(lines)


def _byline(p: Passage, language: str) -> str:
    undated = "sans date" if language == "fr" else "undated"
    day = human_date(p.published_at, language) if p.published_at else undated
    source = f"{p.source}, " if p.source else ""
    return f"{p.title} ({source}{day})"


def format_stats(stats: CorpusStats, collection: str) -> str:
    """`newsqa stats`: the archive at a glance, then one row per source."""

    def span(first: object, last: object) -> str:
        return f"{first} to {last}" if first and last else "undated"

    rows = [
        ("collection", collection),
        ("articles", str(stats.articles)),
        ("passages", str(stats.chunks)),
        ("dates", span(stats.first_date, stats.last_date)),
        ("languages", ", ".join(f"{lang} {n}" for lang, n in stats.languages) or "-"),
        (
            "last ingest",
            stats.last_write.astimezone().strftime("%Y-%m-%d %H:%M") if stats.last_write else "-",
        ),
        ("on disk", _megabytes(stats.disk_bytes)),
        ("embedding model", f"{stats.model} ({stats.precision})"),
    ]
    width = max(len(name) for name, _ in rows)
    lines = [f"{name:<{width}}  {value}" for name, value in rows]
    if stats.per_source:
        name_width = max(len("source"), *(len(s.name) for s in stats.per_source))
        lines += ["", f"{'source':<{name_width}}  {'articles':>8}  {'passages':>8}  dates"]
        lines += [
            f"{s.name:<{name_width}}  {s.articles:>8}  {s.chunks:>8}  "
            f"{span(s.first_date, s.last_date)}"
            for s in stats.per_source
        ]
    return "\n".join(lines)


def stats_json(stats: CorpusStats, collection: str) -> dict[str, Any]:
    def day(value: object) -> str | None:
        return str(value) if value else None

    return {
        "collection": collection,
        "articles": stats.articles,
        "passages": stats.chunks,
        "first_date": day(stats.first_date),
        "last_date": day(stats.last_date),
        "languages": dict(stats.languages),
        "last_ingest": stats.last_write.isoformat() if stats.last_write else None,
        "disk_bytes": stats.disk_bytes,
        "embed_model": stats.model,
        "embed_precision": stats.precision,
        "sources": [
            {
                "name": s.name,
                "articles": s.articles,
                "passages": s.chunks,
                "first_date": day(s.first_date),
                "last_date": day(s.last_date),
            }
            for s in stats.per_source
        ],
    }


def _megabytes(size: int | None) -> str:
    return "-" if size is None else f"{size / 1024 / 1024:.1f} MB"
