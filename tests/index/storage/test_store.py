"""Search over a real Chroma, embedded and as a server."""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from index.embedding import Embedder
from index.engine import NewsIndex
from index.errors import IndexMismatch, StoreUnavailable
from index.storage import ChunkStore
from index.storage.client import RefuseToEmbed, open_client
from ingest.pipeline import Ingestor
from ingest.progress import Progress
from tests.conftest import (
    corpus_texts,
    make_settings,
    sample_records,
    write_jsonl,
)
from tests.loopback import free_port

SEED_QUESTION = "Qui remplace Pete Hegseth à la réunion du groupe de contact ?"


def test_search_finds_the_seed_article(indexed: NewsIndex) -> None:
    passages = indexed.search(SEED_QUESTION, k=5)
    assert passages[0].title.startswith("Il s'agit de la première fois")
    assert any("Matthew Whitaker" in p.text for p in passages[:3])


def test_scores_are_cosine_similarities(indexed: NewsIndex, embedder: Embedder) -> None:
    passage = indexed.search("Élection présidentielle américaine", k=1)[0]
    stored = indexed.store.collection.get(ids=[passage.chunk_id], include=["embeddings"])
    assert stored["embeddings"] is not None
    vector = np.asarray(stored["embeddings"][0])
    expected = float(vector @ embedder.embed_query("Élection présidentielle américaine"))
    assert passage.score == pytest.approx(expected, abs=1e-3)


def test_passages_quote_their_article_exactly(indexed: NewsIndex) -> None:
    texts = corpus_texts()
    passages = indexed.search("football", k=10)
    assert len(passages) == 10
    for passage in passages:
        assert texts[passage.title][passage.start : passage.end] == passage.text


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
    assert _search_ef(settings) == settings.dense_search_ef == 200


def _search_ef(settings: Any) -> int:
    """The breadth of the collection's vector search, as a new client reads it from Chroma."""
    collection = open_client(settings, fresh=True).get_collection(
        settings.collection, embedding_function=RefuseToEmbed()
    )
    return int((collection.configuration or {})["hnsw"]["ef_search"])  # type: ignore[index]


def test_an_archive_made_before_the_setting_gets_its_search_breadth(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, dense_search_ef=250)
    open_client(settings).create_collection(
        settings.collection,
        metadata={"hnsw:space": "cosine", "embed_precision": settings.embed_precision},
        embedding_function=RefuseToEmbed(),
    )
    assert _search_ef(settings) == 100  # Chroma's own default
    ChunkStore.open(settings, "model")
    assert _search_ef(settings) == 250


def test_a_server_is_said_to_need_a_restart_when_the_search_breadth_changes(
    chroma_server: tuple[str, int], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # A running Chroma server keeps the breadth it loaded a collection's index with.
    host, port = chroma_server
    settings = make_settings(
        tmp_path, chroma_host=host, chroma_port=port, collection="older", dense_search_ef=300
    )
    open_client(settings).create_collection(
        "older",
        metadata={"hnsw:space": "cosine", "embed_precision": settings.embed_precision},
        embedding_function=RefuseToEmbed(),
    ).add(ids=["a"], embeddings=np.eye(1, 3, dtype=np.float32))
    with caplog.at_level(logging.WARNING):
        ChunkStore.open(settings, "model")
    assert f"restart the Chroma server at {host}:{port}" in caplog.text
    assert _search_ef(settings) == 300
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        ChunkStore.open(settings, "model")  # already at 300: nothing to say
    assert "restart" not in caplog.text


def test_unreachable_server_is_a_clear_error(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, chroma_host="127.0.0.1", chroma_port=free_port())
    with pytest.raises(StoreUnavailable, match="cannot reach the Chroma server"):
        ChunkStore.open(settings, "model")


def test_index_built_with_another_model_is_refused(indexed: NewsIndex) -> None:
    with pytest.raises(IndexMismatch, match="was built with"):
        ChunkStore.open(indexed.settings, "another/model")


def test_a_shorter_version_leaves_none_of_the_longer_one(
    fake_index: NewsIndex, tmp_path: Path
) -> None:
    # Old chunks past the new version's end are found by their numbered ids, however many.
    paragraphs = [
        f"Paragraphe {i} : " + "la séance du conseil municipal a duré. " * 40 for i in range(30)
    ]
    record = {"id": "long-1", "title": "Conseil", "text": "\n\n".join(paragraphs), "lang": "fr"}
    corpus = write_jsonl(tmp_path / "c.jsonl", [record])

    def stored() -> list[str]:
        return sorted(fake_index.store.collection.get(include=[])["ids"])

    Ingestor(fake_index.settings, fake_index).run([str(corpus)], "", False, Progress())
    assert len(stored()) > 2 * 8  # longer than two reads of the tail
    write_jsonl(corpus, [record | {"text": "\n\n".join(paragraphs[:2])}])
    Ingestor(fake_index.settings, fake_index).run([str(corpus)], "", False, Progress())
    short = stored()
    assert 1 <= len(short) <= 3
    assert fake_index.lexical.count() == len(short)
    assert fake_index.store.articles(["long-1"])["long-1"].complete
    fake_index.forget(ids=["long-1"])
    assert stored() == []


def test_a_store_loads_chroma_s_index_in_the_background_and_reads_wait_for_it(
    fake_index: NewsIndex, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Opening a store starts Chroma's index load in a thread; the process goes on meanwhile
    (`still_loading` says so without asking Chroma), and reads made during the load, from other
    threads too, miss nothing."""
    from chromadb.api.models.Collection import Collection

    records = sample_records(40)
    corpus = write_jsonl(tmp_path / "c.jsonl", records)
    Ingestor(fake_index.settings, fake_index).run([str(corpus)], progress=Progress())
    vector = fake_index.embedder.embed_query(str(records[7]["title"]))
    expected = fake_index.store.nearest(vector, 5)

    # Hold the background load back, as a large index would, until the test lets it go.
    release = threading.Event()
    real_get = Collection.get

    def slow_get(self: Collection, *args: Any, **kwargs: Any) -> Any:
        if threading.current_thread().name == "chroma-load":
            release.wait(30)
        return real_get(self, *args, **kwargs)

    monkeypatch.setattr(Collection, "get", slow_get)
    # A client of its own, as a new process has: its first read loads the index again.
    store = ChunkStore.open(fake_index.settings, fake_index.model_name, fresh=True)
    assert store.still_loading(after_s=0.05)
    asked = str(records[3]["id"])
    found: dict[str, object] = {}
    readers = [
        threading.Thread(target=lambda: found.update(nearest=store.nearest(vector, 5))),
        threading.Thread(target=lambda: found.update(articles=list(store.articles([asked])))),
    ]
    for reader in readers:
        reader.start()
    release.set()
    for reader in readers:
        reader.join()
    assert not store.still_loading(after_s=30)
    assert found == {"nearest": expected, "articles": [asked]}


def test_llama_index_reads_the_collection_as_its_own(fake_index: NewsIndex, tmp_path: Path) -> None:
    from llama_index.core.vector_stores.types import VectorStoreQuery

    records = sample_records(5)
    corpus = write_jsonl(tmp_path / "c.jsonl", records)
    Ingestor(fake_index.settings, fake_index).run([str(corpus)], progress=Progress())
    vector = fake_index.embedder.embed_query(str(records[2]["text"])[:200])
    found = fake_index.store.vector_store.query(
        VectorStoreQuery(query_embedding=vector.tolist(), similarity_top_k=1)
    )
    assert found.nodes is not None
    (node,) = found.nodes
    assert node.metadata["article_id"] == records[2]["id"]
    assert node.get_content() in str(records[2]["text"])
