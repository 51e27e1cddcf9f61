"""QA files: questions with their gold articles, answers and spans, read line by line."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from index.errors import UserError


@dataclass(frozen=True)
class QAItem:
    id: str
    question: str
    answers: list[str]
    evidence_ids: list[str]
    answer_spans: list[tuple[int, int]] = field(default_factory=list)
    type: str = ""
    unanswerable: bool = False
    as_of: date | None = None  # the question's "today"; None: the run's reference date


@dataclass(frozen=True)
class BadLine:
    line: int
    reason: str


def corpus_collection(corpus: Path, model_name: str, precision: str) -> tuple[str, str]:
    """A collection named from the corpus content and the model, so reruns reuse it."""
    if not corpus.is_file():
        raise UserError(f"no corpus file at {corpus}")
    corpus_hash = hashlib.sha256(corpus.read_bytes()).hexdigest()
    # fp32 keeps the names collections had before precisions existed.
    model_key = model_name if precision == "fp32" else f"{model_name}|{precision}"
    model_hash = hashlib.sha256(model_key.encode()).hexdigest()
    return f"eval-{corpus_hash[:12]}-{model_hash[:6]}", corpus_hash


def load_qa(path: Path) -> tuple[list[QAItem], list[BadLine]]:
    """Parse QA lines; malformed ones are reported with their line number, not fatal."""
    items: list[QAItem] = []
    bad: list[BadLine] = []
    seen: set[str] = set()
    with path.open(encoding="utf-8", errors="replace") as handle:
        for n, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                item = _qa_item(json.loads(line))
            except json.JSONDecodeError as exc:
                bad.append(BadLine(n, f"invalid JSON ({exc.msg})"))
                continue
            except (KeyError, TypeError, ValueError) as exc:
                bad.append(BadLine(n, str(exc.args[0]) if exc.args else type(exc).__name__))
                continue
            if item.id in seen:
                bad.append(BadLine(n, f"duplicate id {item.id}"))
                continue
            seen.add(item.id)
            items.append(item)
    return items, bad


def _qa_item(raw: Any) -> QAItem:
    if not isinstance(raw, dict):
        raise ValueError("not a JSON object")
    question = str(raw.get("question") or "").strip()
    if not question:
        raise ValueError("no 'question'")
    answers = _listed(raw.get("answers")) or _listed(raw.get("answer"))
    unanswerable = bool(raw.get("unanswerable", False))
    evidence = _listed(raw.get("evidence_ids"))
    if not unanswerable and not evidence:
        raise ValueError("no 'evidence_ids' (or mark the question 'unanswerable': true)")
    spans = [(int(a), int(b)) for a, b in raw.get("answer_spans") or []]
    if any(not 0 <= a < b for a, b in spans):
        raise ValueError(f"an answer span ends before it starts: {spans}")
    return QAItem(
        id=str(raw.get("id") or question),
        question=question,
        answers=[str(a) for a in answers],
        evidence_ids=evidence,
        answer_spans=spans,
        type=str(raw.get("type") or ""),
        unanswerable=unanswerable,
        as_of=_as_of(raw.get("as_of")),
    )


def _listed(value: object) -> list[str]:
    """A list field, or one value given without its list ("evidence_ids": "a1" is ["a1"],
    not the ids "a" and "1")."""
    if value is None or value == "":
        return []
    if isinstance(value, list | tuple):
        return [str(x) for x in value]
    return [str(value)]


def _as_of(value: object) -> date | None:
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ValueError(f"'as_of' {value!r} is not an ISO date (YYYY-MM-DD)") from None
