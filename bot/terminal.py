"""How answers look in a terminal, and as JSON for scripts."""

from __future__ import annotations

import textwrap
from typing import Any

from index.models import Answer, Citation, Passage

HEADINGS = {"fr": ("Sources", "Articles les plus proches"), "en": ("Sources", "Closest articles")}


def format_answer(answer: Answer, width: int = 100) -> str:
    """The answer, then its numbered sources with the quoted passage."""
    lines = [textwrap.fill(answer.text, width)]
    sources, closest = HEADINGS.get(answer.language, HEADINGS["en"])
    if answer.citations:
        lines += ["", sources]
        for c in answer.citations:
            lines.append(f"[{c.n}] {_byline(c.passage)}")
            if c.passage.url:
                lines.append(f"    {c.passage.url}")
            quote = textwrap.fill(
                f"« {c.quote} »", width, initial_indent="    ", subsequent_indent="    "
            )
            lines.append(quote)
    elif answer.refused and answer.closest:
        lines += ["", closest]
        seen = set()
        for p in answer.closest:
            if p.article_id not in seen:
                seen.add(p.article_id)
                lines.append(f"- {_byline(p)}" + (f"  {p.url}" if p.url else ""))
    return "\n".join(lines)


def format_sources(answer: Answer | None) -> str:
    """The full quotes behind the last answer (`/sources` in chat)."""
    if answer is None or not answer.citations:
        return "(no sources yet)"
    return "\n".join(f"[{c.n}] {_byline(c.passage)}\n{c.quote}\n" for c in answer.citations)


def answer_json(answer: Answer) -> dict[str, Any]:
    return {
        "answer": answer.text,
        "language": answer.language,
        "refused": answer.refused,
        "question": answer.question,
        "backend": answer.backend,
        "citations": [citation_json(c) for c in answer.citations],
        "closest": [
            {"article_id": p.article_id, "title": p.title, "url": p.url} for p in answer.closest
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


def _byline(p: Passage) -> str:
    day = p.published_at.isoformat() if p.published_at else "undated"
    source = f"{p.source}, " if p.source else ""
    return f"{p.title} ({source}{day})"
