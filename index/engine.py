"""The loaded index: model, store and retrieval, opened once per process."""

from __future__ import annotations

from index.embedding import Embedder, model_label
from index.models import Passage
from index.settings import Settings
from index.store import ChunkStore


class NewsIndex:
    """The store plus the embedding model, which loads on first use only."""

    def __init__(
        self, settings: Settings, store: ChunkStore, embedder: Embedder | None = None
    ) -> None:
        self.settings = settings
        self.store = store
        self.model_name = model_label(settings)
        self._embedder = embedder

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

    def search(self, question: str, k: int | None = None) -> list[Passage]:
        """The passages closest to the question, best first."""
        if not question.strip():
            return []
        vector = self.embedder.embed_query(question)
        return self.store.search(vector, k or self.settings.search_k)
