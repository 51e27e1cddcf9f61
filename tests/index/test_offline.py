"""Ingest and search never open a network connection."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from index.embedding import Embedder
from index.engine import NewsIndex
from ingest.pipeline import Ingestor
from tests.conftest import SEED, make_settings


class NetworkAttempt(AssertionError):
    pass


@pytest.mark.parametrize("precision", ["int8", "fp32"])
def test_ingest_and_search_make_no_connection(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, precision: str
) -> None:
    attempts: list[object] = []

    def refuse(self: socket.socket, address: object) -> None:
        if self.family == socket.AF_UNIX:
            return real_connect(self, address)
        attempts.append(address)
        raise NetworkAttempt(f"connection attempted to {address}")

    def refuse_lookup(*args: object, **kwargs: object) -> list[object]:
        attempts.append(args[0])
        raise NetworkAttempt(f"name lookup for {args[0]}")

    real_connect = socket.socket.connect
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse_lookup)

    settings = make_settings(tmp_path / "data", embed_precision=precision)
    # A fresh model load and a fresh Chroma, both under the guard.
    index = NewsIndex.open(settings, embedder=Embedder.from_settings(settings))
    corpus = tmp_path / "seed.txt"
    corpus.write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    report = Ingestor(settings, index).run([str(corpus)])
    passages = index.search("Qui remplace Pete Hegseth à la réunion du groupe de contact ?", k=3)
    assert report.added == 1 and any("Whitaker" in p.text for p in passages)
    assert attempts == []
