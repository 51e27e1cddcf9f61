"""What the question-level benches share: the bundled corpus indexed once, and percentiles."""

from __future__ import annotations

import math
from pathlib import Path

from index.engine import NewsIndex
from index.settings import Settings
from ingest.pipeline import Ingestor

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "data" / "frwikinews" / "corpus.jsonl"
QA = ROOT / "data" / "frwikinews" / "qa.jsonl"


def bundled_index(data_dir: Path) -> tuple[Settings, NewsIndex]:
    """The bundled corpus indexed under `data_dir` (an existing index is reused, not redone)."""
    settings = Settings(data_dir=data_dir)
    index = NewsIndex.open(settings)
    Ingestor(settings, index).run([str(CORPUS)])
    index.sync_lexical()
    return settings, index


def percentiles(values: list[float]) -> str:
    ordered = sorted(values)

    def pick(q: float) -> float:
        return ordered[max(0, math.ceil(q * len(ordered)) - 1)]

    return f"p50 {pick(0.5):7.1f}  p95 {pick(0.95):7.1f}  max {ordered[-1]:7.1f} ms"
