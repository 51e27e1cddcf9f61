"""What the question-level benches share: the bundled corpus indexed once, and percentiles."""

from __future__ import annotations

from pathlib import Path

from index.answer import Answerer
from index.embedding import Embedder, model_label
from index.engine import NewsIndex
from index.evaluation import corpus_collection
from index.evaluation.summary import percentiles as summary_percentiles
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


def cpu_line() -> str:
    """The CPU model and the instruction sets int8 speed depends on: figures from different
    CPUs are not comparable."""
    import platform

    model, flags = platform.processor() or "unknown CPU", set()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
            elif line.startswith("flags"):
                flags = set(line.split(":", 1)[1].split())
    except OSError:
        pass
    wanted = ("avx2", "avx512f", "avx512_vnni", "avx_vnni", "amx_int8")
    return f"CPU: {model} [{' '.join(f for f in wanted if f in flags) or 'no AVX2'}]"
