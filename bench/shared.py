"""What the question-level benches share: the bundled corpus indexed once, and percentiles."""

from __future__ import annotations

import json
from pathlib import Path
from typing import NamedTuple

from index.answer import Answerer
from index.answer.reading import SpanReader
from index.embedding import Embedder, model_label
from index.engine import NewsIndex
from index.evaluation import corpus_collection
from index.evaluation.summary import percentiles as summary_percentiles
from index.reading import title_head
from index.settings import Settings
from ingest.pipeline import Ingestor

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "data" / "frwikinews" / "corpus.jsonl"
QA = ROOT / "data" / "frwikinews" / "qa.jsonl"
PIAF = ROOT / "data" / "piaf-dev"


def bundled_index(data_dir: Path) -> tuple[Settings, NewsIndex]:
    """The bundled corpus indexed under `data_dir` (an existing index is reused, not redone)."""
    settings = Settings(data_dir=data_dir)
    index = NewsIndex.open(settings)
    Ingestor(settings, index).run([str(CORPUS)])
    index.sync_lexical()
    return settings, index


def corpus_answerer(settings: Settings, corpus: Path, embedder: Embedder) -> Answerer:
    """An answerer over `corpus` in the collection of its own that `newsqa eval --corpus` uses
    (built if missing, reused otherwise)."""
    collection, _ = corpus_collection(corpus, model_label(settings), settings.embed_precision)
    index = NewsIndex.open(settings, collection, embedder)
    Ingestor(settings, index).run([str(corpus)])
    index.sync_lexical()
    return Answerer(settings, index)


def percentiles(values: list[float]) -> str:
    """One line of nearest-rank percentiles, the way `newsqa eval` computes them."""
    p = summary_percentiles(values)
    return f"p50 {p['p50']:7.1f}  p95 {p['p95']:7.1f}  max {p['max']:7.1f} ms"


class GoldRow(NamedTuple):
    """A PIAF question with the paragraph its annotator read."""

    question: str
    paragraph: str
    title: str
    answers: list[str]


def piaf_gold(part: str, limit: int) -> list[GoldRow]:
    """The first `limit` questions of data/piaf-dev/qa.{part}.jsonl with their paragraphs."""
    articles = {}
    for line in (PIAF / "corpus.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        articles[row["id"]] = (row["text"], row.get("title") or "")
    rows = []
    for line in (PIAF / f"qa.{part}.jsonl").read_text(encoding="utf-8").splitlines()[:limit]:
        row = json.loads(line)
        a, b = row["evidence_span"]
        text, title = articles[row["evidence_ids"][0]]
        rows.append(GoldRow(row["question"], text[a:b], title, row["answers"]))
    return rows


def gold_span(reader: SpanReader, row: GoldRow, titled: bool) -> str:
    """The reader's best span in the row's paragraph ("" for none), read after the title when
    `titled`, as `newsqa ask` reads passages."""
    (span,) = reader.read(row.question, [row.paragraph], [row.title] if titled else [])
    if span is None:
        return ""
    source = title_head(row.title) if span.in_title else row.paragraph
    return source[span.start : span.end]
