"""Chunks and their vectors in Chroma, through llama-index's `ChromaVectorStore`."""

from __future__ import annotations

import hashlib
import logging
import math
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, time
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from chromadb.api.types import EmbeddingFunction
from chromadb.utils.embedding_functions import register_embedding_function

from index.errors import IndexMismatch, StoreUnavailable
from index.models import Article, Chunk, CorpusStats, Passage, StoredArticle
from index.settings import Settings

if TYPE_CHECKING:
    from chromadb.api import ClientAPI
    from chromadb.api.models.Collection import Collection

log = logging.getLogger(__name__)

# Metadata keys we own; anything else on a chunk came from the article's own fields.
CORE_KEYS = {
    "article_id",
    "chunk_index",
    "n_chunks",
    "start",
    "end",
    "title",
    "source",
    "url",
    "published_at",
    "published_ts",
    "lang",
    "origin",
    "content_hash",
    "text_hash",
    "also_ids",
    "also_sources",
}
ALSO_SEPARATOR = "\n"


@register_embedding_function
class RefuseToEmbed(EmbeddingFunction):
    """Attached to every collection so Chroma never falls back to its downloading default."""

    def __init__(self) -> None:
        pass

    def __call__(self, input: Sequence[str]) -> list[np.ndarray]:
        raise RuntimeError("newsqa passes its own vectors; Chroma must not embed texts itself")

    @staticmethod
    def name() -> str:
        return "newsqa-refuse"

    def default_space(self) -> Literal["cosine"]:
        return "cosine"  # otherwise Chroma silently builds an l2 index

    def get_config(self) -> dict[str, Any]:
        return {}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> RefuseToEmbed:
        return RefuseToEmbed()


def chunk_id(article_id: str, index: int) -> str:
    digest = hashlib.sha1(article_id.encode("utf-8")).hexdigest()[:16]
    return f"{digest}-{index:04d}"


def article_key(chunk_id_: str) -> str:
    """What the chunks of one article share in their ids (a digest of the article id)."""
    return chunk_id_.rsplit("-", 1)[0]


def open_client(settings: Settings) -> ClientAPI:
    """An embedded client under the data directory, or an HTTP client when a host is set."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if settings.chroma_host:
        port = settings.chroma_port or 8000
        try:
            return chromadb.HttpClient(
                host=settings.chroma_host, port=port, settings=chroma_settings
            )
        except Exception as exc:
            raise StoreUnavailable(
                f"cannot reach the Chroma server at {settings.chroma_host}:{port} ({exc}); "
                "start it with `chroma run --path DIR --host HOST --port PORT` "
                "or unset NEWSQA_CHROMA_HOST to use the embedded store"
            ) from exc
    settings.chroma_dir.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(settings.chroma_dir), settings=chroma_settings)


class ChunkStore:
    """The index: one Chroma collection of chunks, each with its article's metadata."""

    def __init__(self, collection: Collection) -> None:
        from llama_index.vector_stores.chroma import ChromaVectorStore

        self.collection = collection
        self.vector_store = ChromaVectorStore(chroma_collection=collection)

    @classmethod
    def open(
        cls,
        settings: Settings,
        model_name: str,
        client: ClientAPI | None = None,
        collection: str | None = None,
    ) -> ChunkStore:
        """Open (or create) the collection, refusing one built with another model or precision."""
        precision = settings.embed_precision
        client = client or open_client(settings)
        name = collection or settings.collection
        try:
            coll = client.get_or_create_collection(
                name,
                metadata={
                    "hnsw:space": "cosine",
                    "embed_model": model_name,
                    "embed_precision": precision,
                },
                embedding_function=RefuseToEmbed(),
            )
        except Exception as exc:
            if isinstance(exc, IndexMismatch):
                raise
            raise StoreUnavailable(f"cannot open the Chroma collection '{name}': {exc}") from exc
        built_with = (coll.metadata or {}).get("embed_model")
        if built_with and built_with != model_name:
            raise IndexMismatch(
                f"collection '{name}' was built with '{built_with}' but NEWSQA_EMBED_MODEL gives "
                f"'{model_name}': use that model, or pick another NEWSQA_COLLECTION and re-ingest"
            )
        # Collections from before the setting existed hold fp32 vectors.
        built_at = (coll.metadata or {}).get("embed_precision", "fp32")
        if built_at != precision:
            raise IndexMismatch(
                f"collection '{name}' holds {built_at} vectors but NEWSQA_EMBED_PRECISION is "
                f"{precision}: set NEWSQA_EMBED_PRECISION={built_at}, or pick another "
                "NEWSQA_COLLECTION and re-ingest to re-embed"
            )
        return cls(coll)

    def count(self) -> int:
        return int(self.collection.count())

    def stored_articles(self) -> dict[str, StoredArticle]:
        """One entry per article, read from its first chunk."""
        found = self.collection.get(where={"chunk_index": 0}, include=["metadatas"])
        articles = {}
        for meta in found["metadatas"] or []:
            also = str(meta.get("also_ids") or "")
            stored = StoredArticle(
                id=str(meta["article_id"]),
                content_hash=str(meta["content_hash"]),
                text_hash=str(meta["text_hash"]),
                n_chunks=int(meta["n_chunks"]),  # type: ignore[arg-type]
                origin=str(meta.get("origin") or ""),
                also_ids=tuple(x for x in also.split(ALSO_SEPARATOR) if x),
            )
            articles[stored.id] = stored
        return articles

    def stats(self) -> CorpusStats:
        """Article and chunk counts, date range and sources of what is stored."""
        found = self.collection.get(where={"chunk_index": 0}, include=["metadatas"])
        metas = found["metadatas"] or []
        days = sorted(str(m.get("published_at") or "") for m in metas)
        days = [d for d in days if d]
        sources = sorted({str(m.get("source") or "") for m in metas} - {""})
        return CorpusStats(
            articles=len(metas),
            chunks=self.count(),
            first_date=date.fromisoformat(days[0]) if days else None,
            last_date=date.fromisoformat(days[-1]) if days else None,
            sources=tuple(sources),
        )

    def chunk_count(self, article_id: str) -> int:
        found = self.collection.get(where={"article_id": article_id}, include=[])
        return len(found["ids"])

    def chunk_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        found = self.collection.get(include=["metadatas"])
        for meta in found["metadatas"] or []:
            key = str(meta["article_id"])
            counts[key] = counts.get(key, 0) + 1
        return counts

    def replace(
        self, items: Iterable[tuple[Article, list[Chunk], np.ndarray, dict[str, Any]]]
    ) -> int:
        """Write each article's chunks, removing whatever it had before. Returns chunks written."""
        from llama_index.core.schema import BaseNode, NodeRelationship, RelatedNodeInfo, TextNode

        nodes: list[BaseNode] = []
        for article, chunks, vectors, extra_meta in items:
            self.delete_article(article.id)
            base = article_metadata(article) | extra_meta | {"n_chunks": len(chunks)}
            for chunk, vector in zip(chunks, vectors, strict=True):
                node = TextNode(
                    id_=chunk_id(article.id, chunk.index),
                    text=chunk.text,
                    embedding=vector.tolist(),
                    metadata=base
                    | {"chunk_index": chunk.index, "start": chunk.start, "end": chunk.end},
                    start_char_idx=chunk.start,
                    end_char_idx=chunk.end,
                )
                node.relationships[NodeRelationship.SOURCE] = RelatedNodeInfo(node_id=article.id)
                nodes.append(node)
        if nodes:
            self.vector_store.add(nodes)
        return len(nodes)

    def delete_article(self, article_id: str) -> None:
        self.collection.delete(where={"article_id": article_id})

    def record_duplicate(self, article_id: str, other: Article) -> None:
        """Note on the stored article that `other` carries the same text."""
        found = self.collection.get(where={"article_id": article_id}, include=["metadatas"])
        if not found["ids"]:
            return
        updated = []
        for meta in found["metadatas"] or []:
            meta = dict(meta)
            meta["also_ids"] = _join_unique(meta.get("also_ids"), other.id)
            meta["also_sources"] = _join_unique(meta.get("also_sources"), other.source or other.url)
            updated.append(meta)
        self.collection.update(ids=found["ids"], metadatas=updated)  # type: ignore[arg-type]

    def search(
        self, vector: np.ndarray, k: int, where: dict[str, Any] | None = None
    ) -> list[Passage]:
        """Nearest chunks by cosine similarity."""
        from llama_index.core.vector_stores.types import VectorStoreQuery

        if self.count() == 0:
            return []
        query = VectorStoreQuery(query_embedding=vector.tolist(), similarity_top_k=k)
        result = (
            self.vector_store.query(query, where=where) if where else self.vector_store.query(query)
        )
        passages = []
        for node, similarity in zip(result.nodes or [], result.similarities or [], strict=True):
            meta = node.metadata
            # ChromaVectorStore reports exp(-distance); with cosine distance that inverts exactly.
            cosine = 1.0 + math.log(similarity) if similarity > 0 else -1.0
            passages.append(passage_from_metadata(node.node_id, node.get_content(), meta, cosine))
        return passages


def article_metadata(article: Article) -> dict[str, Any]:
    """Flat, typed metadata: Chroma accepts no None and no lists."""
    meta: dict[str, Any] = {k: v for k, v in article.extra.items() if k not in CORE_KEYS}
    meta.update(
        {
            "article_id": article.id,
            "title": article.title,
            "source": article.source,
            "url": article.url,
            "lang": article.lang,
            "origin": article.origin,
            "published_at": article.published_at.isoformat() if article.published_at else "",
            "published_ts": _timestamp(article.published_at),
        }
    )
    return meta


def passage_from_metadata(chunk_id_: str, text: str, meta: dict[str, Any], score: float) -> Passage:
    published = str(meta.get("published_at") or "")
    return Passage(
        chunk_id=chunk_id_,
        article_id=str(meta["article_id"]),
        chunk_index=int(meta["chunk_index"]),
        title=str(meta.get("title") or ""),
        source=str(meta.get("source") or ""),
        url=str(meta.get("url") or ""),
        published_at=date.fromisoformat(published) if published else None,
        lang=str(meta.get("lang") or ""),
        text=text,
        start=int(meta["start"]),
        end=int(meta["end"]),
        score=score,
    )


def _timestamp(day: date | None) -> int:
    # -1 marks "no date" so that range filters on published_ts skip undated articles.
    if day is None:
        return -1
    return int(datetime.combine(day, time(), tzinfo=UTC).timestamp())


def _join_unique(current: object, value: str) -> str:
    items = [x for x in str(current or "").split(ALSO_SEPARATOR) if x]
    if value and value not in items:
        items.append(value)
    return ALSO_SEPARATOR.join(items)
