"""The loaded index: model, stores and retrieval, opened once per process."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import chromadb.errors

from index.embedding import Embedder, model_label
from index.records import CorpusStats, Passage
from index.retrieval import Filters, HybridRetriever, NameSearch, Retrieval
from index.settings import Settings
from index.storage import ChunkStore, LexicalIndex, lexical_folder, write_lock
from index.text import repaired

if TYPE_CHECKING:
    import numpy as np

log = logging.getLogger(__name__)
RETRY_PAUSES_S = (0.0, 0.5, 2.0)  # before each new try of a search that met a write
T = TypeVar("T")


class NewsIndex:
    """The Chroma store, its BM25 twin and the embedding model, which loads on first use only."""

    def __init__(
        self, settings: Settings, store: ChunkStore, embedder: Embedder | None = None
    ) -> None:
        self.settings = settings
        self.store = store
        self.model_name = model_label(settings)
        self._embedder = embedder
        folder = lexical_folder(settings.data_dir, store.name, self._server())
        self._lexical = LexicalIndex(folder)
        store.journal = self._lexical  # every write through this index reaches the BM25 side
        self._retriever: HybridRetriever | None = None
        self._lock = threading.RLock()
        self._seen_writes: str | None = None  # the store's write token when last caught up

    @classmethod
    def open(
        cls, settings: Settings, collection: str | None = None, embedder: Embedder | None = None
    ) -> NewsIndex:
        # A wrong model or an unreachable server fails here, before any model loads.
        store = ChunkStore.open(settings, model_label(settings), collection=collection)
        return cls(settings, store, embedder)

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            self._embedder = Embedder.from_settings(self.settings)
        return self._embedder

    @property
    def lexical(self) -> LexicalIndex:
        """The BM25 side, checked against the collection when first used."""
        self._lexical.ready(self.store)
        return self._lexical

    def sync_lexical(self) -> int:
        """Take in writes the BM25 side did not hear of (another machine's, an older
        newsqa's, a process that died mid-write). Returns the chunks that changed."""
        with self._lock:
            return self._resync()

    def _catch_up(self) -> None:
        """Notice another process's writes (any newsqa write changes the store's token):
        reopen the embedded store, resync BM25."""
        writes = self.store.writes()
        if writes == self._seen_writes:
            return
        if self._seen_writes is not None and writes != self.store.own_writes:
            log.debug("the index changed in another process: reloading it")
            self._reopen()
        self._resync()

    def _resync(self) -> int:
        """Take the store's current write token as seen and bring BM25 in line with it."""
        self._seen_writes = self.store.writes()
        return self._lexical.catch_up(self.store)

    def _reopen(self) -> None:
        if not self.settings.uses_chroma_server:
            # The embedded client's indexes do not see other processes' writes. (A load the
            # old client still runs finishes, briefly a second copy, and goes with it.)
            self.store = ChunkStore.open(
                self.settings, self.model_name, collection=self.store.name, fresh=True
            )
            self.store.journal = self._lexical
            self._retriever = None

    @property
    def retriever(self) -> HybridRetriever:
        if self._retriever is None:
            self._retriever = HybridRetriever(
                self.settings, self.store, self.lexical, lambda: self.embedder
            )
        return self._retriever

    def retrieve(
        self,
        question: str,
        k: int | None = None,
        filters: Filters | None = None,
        vector: np.ndarray | None = None,
    ) -> Retrieval:
        """The `k` best passages (`search_k` by default); `vector`, when given, is the
        question's embedding from an earlier retrieval of it."""
        k = k or self.settings.search_k
        question = repaired(question)  # a byte that was not UTF-8 reaches no tokenizer
        return self._searching(lambda: self.retriever.retrieve(question, k, filters, vector))

    def naming(self, search: NameSearch, filters: Filters, vector: np.ndarray) -> list[Passage]:
        """The passages that hold the search's words, scored by cosine to `vector`
        (HybridRetriever.naming)."""
        return self._searching(lambda: self.retriever.naming(search, filters, vector))

    def _searching(self, search: Callable[[], T]) -> T:
        """`search`, tried again on a fresh read of the index when another process was
        writing meanwhile."""
        # One search at a time: a reload swaps the store under the bot's threads.
        with self._lock:
            self._catch_up()
            for pause in RETRY_PAUSES_S:
                try:
                    return search()
                except (chromadb.errors.ChromaError, KeyError):
                    # Another process is writing right now: wait a little, read the index again.
                    log.debug("the index changed during a search: reloading it", exc_info=True)
                    time.sleep(pause)
                    self._reopen()
                    self._resync()
            return search()

    def search(
        self, question: str, k: int | None = None, filters: Filters | None = None
    ) -> list[Passage]:
        """The passages that best match the question, best first."""
        return self.retrieve(question, k, filters).passages

    def stats(self) -> CorpusStats:
        """What the archive holds, with this process's disk use, model and precision."""
        found = self.store.stats()  # a read of its own: questions are not held up
        places = [lexical_folder(self.settings.data_dir, self.store.name, self._server())]
        if not self.settings.uses_chroma_server:
            places.append(self.settings.chroma_dir)  # shared by the collections it holds
        return replace(
            found,
            disk_bytes=sum(_size(p) for p in places),
            model=self.model_name,
            precision=self.settings.embed_precision,
        )

    def forget(
        self, ids: Sequence[str] = (), urls: Sequence[str] = (), sources: Sequence[str] = ()
    ) -> dict[str, tuple[str, int]]:
        """Remove the articles with these ids, URLs or sources; returns what was removed
        (id -> title, passages). The BM25 side follows at once."""
        with write_lock(self.settings), self._lock:
            found = self.store.find_articles(ids, urls, sources)
            for article_id in found:
                self.store.delete_article(article_id)
        self.sync_lexical()
        return found

    def _server(self) -> str | None:
        s = self.settings
        return f"{s.chroma_host}:{s.chroma_port}" if s.uses_chroma_server else None


def _size(path: Path) -> int:
    """Bytes of the files under `path` (0 when it is not there)."""
    total = 0
    for f in [path, *path.rglob("*")] if path.is_dir() else [path]:
        try:
            total += f.stat().st_size if f.is_file() else 0
        except OSError:  # a journal or temporary file a writer just removed
            continue
    return total
