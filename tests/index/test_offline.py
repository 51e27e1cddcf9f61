"""Ingest and search never open a network connection."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.embedding import Embedder
from index.engine import NewsIndex
from ingest.pipeline import Ingestor
from tests.conftest import SEED, make_settings

pytestmark = pytest.mark.model  # a fresh model load is what is watched


@pytest.mark.parametrize("precision", ["int8", "fp32"])
def test_ingest_and_search_make_no_connection(
    tmp_path: Path, network_attempts: list[object], precision: str
) -> None:
    settings = make_settings(tmp_path / "data", embed_precision=precision)
    # A fresh model load and a fresh Chroma, both under the guard.
    index = NewsIndex.open(settings, embedder=Embedder.from_settings(settings))
    corpus = tmp_path / "seed.txt"
    corpus.write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    report = Ingestor(settings, index).run([str(corpus)])
    passages = index.search("Qui remplace Pete Hegseth à la réunion du groupe de contact ?", k=3)
    assert report.added == 1 and any("Whitaker" in p.text for p in passages)
    assert network_attempts == []
