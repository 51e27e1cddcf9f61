"""The int8 path: prepared offline, close to fp32, and never mixed with fp32 in one index."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from index.embedding import Embedder
from index.embedding.e5_bundle import derived_dir
from index.embedding.onnx_int8 import OnnxEncoder, ensure_int8
from index.engine import NewsIndex
from index.errors import IndexMismatch
from index.storage.client import RefuseToEmbed, open_client
from ingest.pipeline import Ingestor
from tests.conftest import MODEL_CACHE, SEED, make_settings, run_cli, sample_records
from tests.index.embedding.test_embedding import TEXTS, long_texts


def news_texts() -> list[str]:
    """Texts like the ones the index embeds: a title line, then a few sentences of an article."""
    seed = SEED.read_text(encoding="utf-8")
    records = sample_records(12, start=100)
    return [seed[:1200]] + [f"{r['title']}\n{str(r['text'])[:1200]}" for r in records]


def cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.asarray((a * b).sum(axis=1))


def test_int8_vectors_stay_close_to_fp32(embedder: Embedder, fp32_embedder: Embedder) -> None:
    # Thresholds from measurement: 600 chunks of the bundled corpus give cosine 0.9967 on
    # average and 0.9946 at worst (bench/embed_bench.py), and retrieval on piaf-dev moves by
    # less than a point (README). Degenerate text (one word repeated 500 times) drifts most,
    # to about 0.96, hence the looser bound on the odd inputs.
    assert embedder.precision == "int8" and fp32_embedder.precision == "fp32"
    news = news_texts()
    passages = cosines(embedder.embed_passages(news), fp32_embedder.embed_passages(news))
    queries = cosines(
        np.stack([embedder.embed_query(t[:200]) for t in news]),
        np.stack([fp32_embedder.embed_query(t[:200]) for t in news]),
    )
    assert passages.min() >= 0.99 and passages.mean() >= 0.995
    assert queries.min() >= 0.99
    odd = TEXTS + long_texts()
    assert cosines(embedder.embed_passages(odd), fp32_embedder.embed_passages(odd)).min() >= 0.95


def test_int8_export_runs_offline_and_is_reproducible(
    tmp_path: Path, network_attempts: list[object], embedder: Embedder
) -> None:
    folder = ensure_int8(str(derived_dir(MODEL_CACHE)), tmp_path / "cache")
    assert network_attempts == []
    assert not list(folder.parent.glob(".export-*")), "the temporary export folder was left"
    fresh = OnnxEncoder(folder, threads=1)
    texts = news_texts()[:4]
    again = fresh.encode(texts, "passage", batch_size=4)
    assert cosines(again, embedder.embed_passages(texts)).min() >= 0.9999


def test_an_index_remembers_its_precision(tmp_path: Path, embedder: Embedder) -> None:
    settings = make_settings(tmp_path / "data")
    seed = tmp_path / "seed.txt"
    seed.write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    Ingestor(settings, NewsIndex.open(settings, embedder=embedder)).run([str(seed)])
    with pytest.raises(IndexMismatch, match=r"holds int8 vectors.*NEWSQA_EMBED_PRECISION=int8"):
        NewsIndex.open(make_settings(tmp_path / "data", embed_precision="fp32"))

    env = {"NEWSQA_DATA_DIR": str(tmp_path / "data"), "NEWSQA_EMBED_PRECISION": "fp32"}
    done = run_cli("search", "Pete Hegseth", env=env)
    assert done.returncode != 0
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "holds int8 vectors" in lines[0] and "Traceback" not in done.stderr


def test_an_index_from_before_precisions_counts_as_fp32(tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "data")
    from index.embedding import model_label

    open_client(settings).create_collection(
        settings.collection,
        metadata={"hnsw:space": "cosine", "embed_model": model_label(settings)},
        embedding_function=RefuseToEmbed(),
    )
    with pytest.raises(IndexMismatch, match="holds fp32 vectors"):
        NewsIndex.open(settings)
    assert (
        NewsIndex.open(make_settings(tmp_path / "data", embed_precision="fp32")).store.count() == 0
    )
