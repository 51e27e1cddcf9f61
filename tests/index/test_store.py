"""Search over a real Chroma, embedded and as a server."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from index.embedding import Embedder
from index.engine import NewsIndex
from index.errors import IndexMismatch, StoreUnavailable
from index.storage import ChunkStore
from ingest.pipeline import Ingestor
from tests.conftest import free_port, make_settings, run_cli, sample_records, write_jsonl

SEED_QUESTION = "Qui remplace Pete Hegseth à la réunion du groupe de contact ?"


def test_search_finds_the_seed_article(indexed: NewsIndex) -> None:
    passages = indexed.search(SEED_QUESTION, k=5)
    assert passages[0].title.startswith("Il s'agit de la première fois")
    assert any("Matthew Whitaker" in p.text for p in passages[:3])


def test_scores_are_cosine_similarities(indexed: NewsIndex, embedder: Embedder) -> None:
    passage = indexed.search("Élection présidentielle américaine", k=1)[0]
    stored = indexed.store.collection.get(ids=[passage.chunk_id], include=["embeddings"])
    vector = np.asarray(stored["embeddings"][0])
    expected = float(vector @ embedder.embed_query("Élection présidentielle américaine"))
    assert passage.score == pytest.approx(expected, abs=1e-3)


def test_passages_quote_their_article_exactly(indexed: NewsIndex, corpus_file: Path) -> None:
    texts = {r["id"]: r["text"] for r in sample_records(24)}
    for passage in indexed.search("football", k=10):
        if passage.article_id in texts:
            assert texts[passage.article_id][passage.start : passage.end] == passage.text


def test_chroma_server_mode(
    chroma_server: tuple[str, int], embedder: Embedder, tmp_path: Path
) -> None:
    host, port = chroma_server
    settings = make_settings(tmp_path / "data", chroma_host=host, chroma_port=port)
    index = NewsIndex.open(settings, embedder=embedder)
    corpus = write_jsonl(tmp_path / "c.jsonl", sample_records(3))
    first = Ingestor(settings, index).run([str(corpus)])
    again = Ingestor(settings, NewsIndex.open(settings, embedder=embedder)).run([str(corpus)])
    assert first.added == 3 and again.unchanged == 3 and again.chunks_written == 0
    top = index.search(str(sample_records(3)[1]["title"]), k=1)[0]
    assert top.article_id == sample_records(3)[1]["id"]
    assert not (tmp_path / "data" / "chroma").exists()  # nothing went to the embedded store


def test_unreachable_server_is_a_clear_error(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, chroma_host="127.0.0.1", chroma_port=free_port())
    with pytest.raises(StoreUnavailable, match="cannot reach the Chroma server"):
        ChunkStore.open(settings, "model")


def test_index_built_with_another_model_is_refused(indexed: NewsIndex) -> None:
    with pytest.raises(IndexMismatch, match="was built with"):
        ChunkStore.open(indexed.settings, "another/model")


def test_cli_search_json(indexed: NewsIndex) -> None:
    result = run_cli(
        "search",
        SEED_QUESTION,
        "-k",
        "2",
        "--json",
        env={"NEWSQA_DATA_DIR": str(indexed.settings.data_dir)},
    )
    assert result.returncode == 0, result.stderr
    hits = json.loads(result.stdout)
    assert len(hits) == 2 and hits[0]["title"].startswith("Il s'agit de la première fois")
    assert set(hits[0]) >= {"score", "title", "source", "published_at", "url", "text"}
    text = run_cli(
        "search", SEED_QUESTION, "-k", "1", env={"NEWSQA_DATA_DIR": str(indexed.settings.data_dir)}
    )
    assert text.stdout.startswith("[1] ") and "Pete Hegseth" in text.stdout


def test_missing_model_is_one_clear_line(tmp_path: Path) -> None:
    corpus = write_jsonl(tmp_path / "c.jsonl", sample_records(1))
    result = run_cli(
        "ingest",
        str(corpus),
        env={
            "NEWSQA_DATA_DIR": str(tmp_path),
            "NEWSQA_EMBED_MODEL": "someone/not-downloaded-model",
        },
    )
    assert result.returncode == 2, result.stderr
    assert "not available" in result.stderr and "NEWSQA_ALLOW_DOWNLOADS" in result.stderr
    assert "Traceback" not in result.stderr
