"""Chunks and their vectors in Chroma, written as llama-index nodes (its `ChromaVectorStore` reads
the collection as it is)."""

from __future__ import annotations

import logging
import uuid
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np

from index.errors import IndexMismatch, StoreUnavailable
from index.records import Article, Chunk, CorpusStats, Passage, StoredArticle
from index.settings import Settings
from index.storage.client import RefuseToEmbed, open_client, search_breadth
from index.storage.ids import article_key, chunk_id
from index.storage.inventory import archive_stats, find_articles
from index.storage.lexical import LexicalChange, LexicalSource
from index.storage.metadata import (
    ALSO_SEPARATOR,
    article_metadata,
    check_metadata,
    int_field,
    join_unique,
    passage_from_metadata,
)
from index.storage.preload import QUICK_LOAD_S, IndexLoad
from index.storage.writelog import LoggedWrite, WriteLog, WriteState

if TYPE_CHECKING:
    from chromadb.api import ClientAPI
    from chromadb.api.models.Collection import Collection
    from llama_index.vector_stores.chroma import ChromaVectorStore

    from index.storage.lexical import LexicalIndex

log = logging.getLogger(__name__)
FETCH_BATCH = 2000  # ids per Chroma read when paging through the collection
STATE_COLLECTION = "newsqa-state"
# Chroma's search among a few given ids walks much of the graph (60 ms for 25 ids of 100k);
# reading that many vectors and scoring them here is exact and faster (1 ms for 25, 23 for 1,000).
EXACT_UP_TO = 1000
TAIL_PROBE = 8  # chunk ids read at a time past an article's last chunk


@dataclass(frozen=True)
class ArticleWrite:
    """One article to (re)write: its chunks, their vectors and what identifies its version."""

    article: Article
    chunks: list[Chunk]
    vectors: np.ndarray
    content_hash: str  # article content and chunking settings: unchanged means skip
    text_hash: str  # the text alone: the same text under another id is a duplicate
    also: tuple[Article, ...] = ()  # other articles with this text, seen in the same run


@dataclass
class WriteResult:
    chunks: int = 0  # chunks written
    failed: list[tuple[Article, str]] = field(default_factory=list)  # left as they were, and why


@dataclass(frozen=True)
class _Rows:
    """An article's chunks as Chroma rows (llama-index's node layout, so its queries read them)."""

    ids: list[str]
    embeddings: np.ndarray
    metadatas: list[dict[str, Any]]
    documents: list[str]

    @staticmethod
    def join(batches: Sequence[_Rows]) -> _Rows:
        if not batches:
            return _Rows([], np.zeros((0, 1), np.float32), [], [])
        return _Rows(
            [i for b in batches for i in b.ids],
            np.concatenate([b.embeddings for b in batches]),
            [m for b in batches for m in b.metadatas],
            [d for b in batches for d in b.documents],
        )


def _rows(write: ArticleWrite) -> _Rows:
    from llama_index.core.schema import MetadataMode, NodeRelationship, RelatedNodeInfo, TextNode
    from llama_index.core.vector_stores.utils import node_to_metadata_dict

    article = write.article
    base = article_metadata(article) | {
        "content_hash": write.content_hash,
        "text_hash": write.text_hash,
        "also_ids": ALSO_SEPARATOR.join(a.id for a in write.also),
        "also_sources": ALSO_SEPARATOR.join(a.source or a.url for a in write.also),
        "n_chunks": len(write.chunks),
    }
    ids, metadatas, documents = [], [], []
    for chunk in write.chunks:
        node = TextNode(
            id_=chunk_id(article.id, chunk.index),
            text=chunk.text,
            metadata=base | {"chunk_index": chunk.index, "start": chunk.start, "end": chunk.end},
            start_char_idx=chunk.start,
            end_char_idx=chunk.end,
        )
        node.relationships[NodeRelationship.SOURCE] = RelatedNodeInfo(node_id=article.id)
        meta = node_to_metadata_dict(node, remove_text=True, flat_metadata=True)
        ids.append(node.node_id)
        metadatas.append({k: "" if v is None else v for k, v in meta.items()})
        documents.append(node.get_content(metadata_mode=MetadataMode.NONE))
    return _Rows(ids, np.asarray(write.vectors, np.float32), metadatas, documents)


class ChunkStore:
    """The index: one Chroma collection of chunks, each with its article's metadata."""

    def __init__(self, collection: Collection, state: Collection | None = None) -> None:
        self.collection = collection
        self.log = WriteLog(state, collection.name) if state is not None else None
        self.own_writes = ""  # the last write token this process wrote
        # Told of every write, so that the BM25 side follows without reading the store.
        self.journal: LexicalIndex | None = None
        self._load: IndexLoad | None = None

    @cached_property
    def vector_store(self) -> ChromaVectorStore:
        """The collection as a llama-index vector store, for llama-index code built on it.
        Made on first use: importing it costs a start 0.4 s that newsqa's own reads skip."""
        from llama_index.vector_stores.chroma import ChromaVectorStore

        return ChromaVectorStore(chroma_collection=self.collection)

    def still_loading(self, after_s: float = QUICK_LOAD_S) -> bool:
        """Whether Chroma is still loading the vector index this store started loading as it
        opened, after waiting up to `after_s`: a large index, worth loading the models meanwhile."""
        return self._load is not None and self._load.running(after_s)

    def writes(self) -> str:
        """A token that changes whenever any process writes to the collection ('' if none)."""
        return self.log.token() if self.log is not None else ""

    def write_state(self) -> WriteState:
        return self.log.current() if self.log is not None else WriteState()

    def writes_since(self, at_ms: int) -> list[LoggedWrite]:
        """Every process's writes logged at `at_ms` or later, oldest first."""
        return self.log.since(at_ms) if self.log is not None else []

    def _wrote(self, change: LexicalChange | None = None, writer: str = "") -> None:
        """A write is done: it is logged, the BM25 side takes it in, then the token changes (a
        reader of this data folder that sees the new token finds the BM25 side holding it; if
        logging fails, the BM25 side's note of the write stays and the next start reads it
        back and logs it)."""
        token = uuid.uuid4().hex
        change = change or LexicalChange()
        if self.log is not None:
            self.log.entry(token, change.articles)
        if self.journal is not None:
            self.journal.apply(change, token, writer)
        if self.log is not None:
            self.own_writes = token
            self.log.commit(token)

    def relog(self, articles: Sequence[str]) -> str:
        """Log a write found after its process died, so other data folders hear of it; its
        token."""
        token = uuid.uuid4().hex
        if self.log is not None:
            self.log.record(token, articles)
            self.own_writes = token
        return token

    def last_write(self) -> datetime | None:
        """When any process last wrote to the collection (None: never, or before newsqa
        recorded it)."""
        return self.log.last_write() if self.log is not None else None

    @classmethod
    def open(
        cls,
        settings: Settings,
        model_name: str,
        client: ClientAPI | None = None,
        collection: str | None = None,
        fresh: bool = False,
    ) -> ChunkStore:
        """Open (or create) the collection, refusing one built with another model or precision.

        `fresh`: with a new embedded client, to see what other processes wrote since."""
        precision = settings.embed_precision
        client = client or open_client(settings, fresh=fresh)
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
            # Write tokens of every collection, one record each (see `writes`).
            state = client.get_or_create_collection(
                STATE_COLLECTION, embedding_function=RefuseToEmbed()
            )
            replaced = search_breadth(coll, settings.dense_search_ef)
            if replaced is not None and settings.uses_chroma_server and coll.count() > 0:
                log.warning(
                    "collection '%s' now searches %d nodes (NEWSQA_DENSE_SEARCH_EF) instead "
                    "of %d: restart the Chroma server at %s:%s for it to apply, if it has "
                    "served this collection since it started",
                    name,
                    settings.dense_search_ef,
                    replaced,
                    settings.chroma_host,
                    settings.chroma_port,
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
        store = cls(coll, state)
        store._load = IndexLoad(coll, daemon=settings.uses_chroma_server)
        return store

    @property
    def name(self) -> str:
        return self.collection.name

    def count(self) -> int:
        return int(self.collection.count())

    def stored_articles(self) -> dict[str, StoredArticle]:
        """One entry per article, from its first chunk; `complete` when every chunk of its
        version is there and nothing else (an interrupted write leaves it incomplete)."""
        versions: dict[str, Counter[str]] = {}
        firsts: dict[str, dict[str, Any]] = {}
        for _, meta in self._all_metadata():
            key = str(meta.get("article_id") or "")
            versions.setdefault(key, Counter())[str(meta.get("content_hash") or "")] += 1
            if meta.get("chunk_index") == 0:
                firsts[key] = meta
        return {key: _stored(meta, versions[key]) for key, meta in firsts.items()}

    def _all_metadata(self) -> Iterator[tuple[str, dict[str, Any]]]:
        """(chunk id, metadata) of every chunk, read a page at a time."""
        offset = 0
        while True:
            page = self.collection.get(include=["metadatas"], limit=FETCH_BATCH, offset=offset)
            yield from zip(page["ids"], (dict(m) for m in page["metadatas"] or []), strict=True)
            if len(page["ids"]) < FETCH_BATCH:
                return
            offset += FETCH_BATCH

    def stats(self) -> CorpusStats:
        """Counts, dates and languages of what is stored, in all and per source."""
        return archive_stats(self.collection, self.last_write())

    def find_articles(
        self, ids: Sequence[str] = (), urls: Sequence[str] = (), sources: Sequence[str] = ()
    ) -> dict[str, tuple[str, int]]:
        """Stored articles with one of these ids, URLs or sources: id -> (title, chunks)."""
        return find_articles(self.collection, ids, urls, sources)

    def replace(self, writes: Sequence[ArticleWrite]) -> WriteResult:
        """Write each article's new version, then drop what is left of its old one.

        An article whose metadata Chroma would refuse is not written and keeps its old version;
        the others are written in one call, or one by one if that call fails."""
        result = WriteResult()
        ready: list[tuple[ArticleWrite, _Rows]] = []
        for write in writes:
            rows = _rows(write)
            problem = next((p for meta in rows.metadatas if (p := check_metadata(meta))), None)
            if problem:
                result.failed.append((write.article, problem))
            else:
                ready.append((write, rows))
        writer = self._begin([write.article.id for write, _ in ready])
        try:
            self._upsert([rows for _, rows in ready])
            written = ready
        except Exception:  # Chroma refused the batch: find the article it refused
            log.warning("a batch of %d articles was refused: writing them one by one", len(ready))
            written = []
            for write, rows in ready:
                try:
                    self._upsert([rows])
                    written.append((write, rows))
                except Exception as exc:
                    result.failed.append((write.article, f"not stored: {exc}"))
        self._drop_old_chunks({write.article.id: len(rows.ids) for write, rows in written})
        result.chunks += sum(len(rows.ids) for _, rows in written)
        change = LexicalChange(
            articles=tuple(write.article.id for write, _ in written),
            chunks=tuple(
                _lexical_source(cid, doc, meta)
                for _, rows in written
                for cid, doc, meta in zip(rows.ids, rows.documents, rows.metadatas, strict=True)
            ),
        )
        if written or writer:
            self._wrote(change, writer)
        return result

    def _begin(self, article_ids: Sequence[str]) -> str:
        if self.journal is None or not article_ids:
            return ""
        self.journal.ready(self)
        return self.journal.begin(article_ids)

    def _upsert(self, batches: Sequence[_Rows]) -> None:
        rows = _Rows.join(batches)
        for start in range(0, len(rows.ids), FETCH_BATCH):
            cut = slice(start, start + FETCH_BATCH)
            self.collection.upsert(
                ids=rows.ids[cut],
                embeddings=rows.embeddings[cut],
                metadatas=rows.metadatas[cut],  # type: ignore[arg-type]
                documents=rows.documents[cut],
            )

    def _drop_old_chunks(self, keep: dict[str, int]) -> None:
        """Drop chunks of earlier, longer versions: those past each article's new chunk count
        (the others were overwritten, having the same ids)."""
        old = self._chunks_from(keep)
        if old:
            self.collection.delete(ids=old)

    def _chunks_from(self, first: dict[str, int]) -> list[str]:
        """Ids of the stored chunks of each article numbered `first[article]` and on.

        Chunk ids are numbered, so they are read by id, a few at a time; a where-clause on the
        article cost 41 ms an article in a 100k-passage collection, and grew with it."""
        stored: list[str] = []
        start = dict(first)
        while start:
            ids = [chunk_id(a, i) for a, at in start.items() for i in range(at, at + TAIL_PROBE)]
            found = set(self.collection.get(ids=ids, include=[])["ids"])
            stored += [cid for cid in ids if cid in found]
            # A version is written whole, so its chunks are consecutive: read on only past a
            # probe that was full.
            start = {
                a: at + TAIL_PROBE
                for a, at in start.items()
                if chunk_id(a, at + TAIL_PROBE - 1) in found
            }
        return stored

    def delete_article(self, article_id: str) -> None:
        writer = self._begin([article_id])
        self._drop_old_chunks({article_id: 0})
        self._wrote(LexicalChange(articles=(article_id,)), writer)

    def record_duplicate(self, article_id: str, other: Article) -> None:
        """Note on the stored article that `other` carries the same text."""
        ids = self._chunks_from({article_id: 0})
        if not ids:
            return
        found = self.collection.get(ids=ids, include=["metadatas"])
        if self.journal is not None:
            self.journal.ready(self)
        updated = []
        for meta in found["metadatas"] or []:
            meta = dict(meta)
            meta["also_ids"] = join_unique(meta.get("also_ids"), other.id)
            meta["also_sources"] = join_unique(meta.get("also_sources"), other.source or other.url)
            updated.append(meta)
        self.collection.update(ids=found["ids"], metadatas=updated)  # type: ignore[arg-type]
        self._wrote()

    def nearest(self, vector: np.ndarray, k: int, among: Sequence[str] | None = None) -> list[str]:
        """Ids of the `k` chunks nearest to `vector` by cosine, best first; with `among`, only
        those chunks. Ids alone: texts are fetched later for the few fused winners."""
        if k <= 0 or (among is not None and not among):
            return []
        if among is not None and len(among) <= EXACT_UP_TO:
            got = self.collection.get(ids=list(among), include=["embeddings"])
            if not got["ids"]:
                return []
            cosines = np.asarray(got["embeddings"], dtype=np.float32) @ vector.astype(np.float32)
            best = np.argsort(-cosines, kind="stable")[:k]
            return [got["ids"][i] for i in best]
        found = self.collection.query(
            query_embeddings=[vector.astype(np.float32).tolist()],
            n_results=k,
            ids=list(among) if among is not None else None,
            include=["distances"],
        )
        return list(found["ids"][0]) if found["ids"] else []

    def passages(self, ids: Sequence[str], vector: np.ndarray) -> list[Passage]:
        """The chunks with these ids, in that order, scored by cosine to `vector` (one read)."""
        if not ids:
            return []
        got = self.collection.get(ids=list(ids), include=["documents", "metadatas", "embeddings"])
        embeddings = np.asarray(got["embeddings"], dtype=np.float32)
        cosines = embeddings @ vector.astype(np.float32)
        by_id: dict[str, Passage] = {}
        for i, cid in enumerate(got["ids"]):
            meta: Any = (got["metadatas"] or [])[i]
            if not meta or "article_id" not in meta:
                continue  # deleted meanwhile
            text = str((got["documents"] or [])[i] or "")
            by_id[cid] = passage_from_metadata(cid, text, meta, float(cosines[i]))
        return [by_id[cid] for cid in ids if cid in by_id]

    def content_hashes(self) -> dict[str, str]:
        """Every chunk id with the content hash of its article version, paged through."""
        return {cid: str(meta.get("content_hash") or "") for cid, meta in self._all_metadata()}

    def lexical_sources(self, ids: Sequence[str]) -> Iterator[LexicalSource]:
        """Text and filter fields of these chunks, for the BM25 side, read in pages."""
        for start in range(0, len(ids), FETCH_BATCH):
            page = self.collection.get(
                ids=list(ids[start : start + FETCH_BATCH]), include=["documents", "metadatas"]
            )
            docs, metas = page["documents"] or [], page["metadatas"] or []
            for cid, doc, meta in zip(page["ids"], docs, metas, strict=True):
                yield _lexical_source(cid, doc, dict(meta))

    def lexical_sources_of(self, article_ids: Sequence[str]) -> Iterator[LexicalSource]:
        """Text and filter fields of every chunk these articles have in the store now."""
        return self.lexical_sources(self._chunks_from({a: 0 for a in article_ids}))

    def articles(self, article_ids: Sequence[str]) -> dict[str, StoredArticle]:
        """The stored versions of these articles (those the store holds), read by chunk id:
        their first chunks, then every chunk they should have and the one after."""
        firsts = self._get_metadata([chunk_id(a, 0) for a in article_ids])
        wanted: list[str] = []
        for meta in firsts.values():
            n = int_field(meta.get("n_chunks"), 0)
            wanted += [chunk_id(str(meta["article_id"]), i) for i in range(1, n + 1)]
        versions: dict[str, Counter[str]] = {}  # article key -> its chunks by content hash
        for cid, meta in (firsts | self._get_metadata(wanted)).items():
            versions.setdefault(article_key(cid), Counter())[
                str(meta.get("content_hash") or "")
            ] += 1
        return {
            str(meta["article_id"]): _stored(meta, versions[article_key(cid)])
            for cid, meta in firsts.items()
        }

    def text_owners(self, text_hashes: Sequence[str]) -> dict[str, StoredArticle]:
        """Stored articles with one of these texts, by text hash (one article per text)."""
        owners: dict[str, StoredArticle] = {}
        for start in range(0, len(text_hashes), FETCH_BATCH // 10):
            wanted = list(text_hashes[start : start + FETCH_BATCH // 10])
            where: Any = {"$and": [{"text_hash": {"$in": wanted}}, {"chunk_index": 0}]}
            page = self.collection.get(where=where, include=["metadatas"])
            for meta in page["metadatas"] or []:
                known = _stored(dict(meta), None)
                owners.setdefault(known.text_hash, known)
        return owners

    def _get_metadata(self, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        found: dict[str, dict[str, Any]] = {}
        for start in range(0, len(ids), FETCH_BATCH):
            page = self.collection.get(
                ids=list(ids[start : start + FETCH_BATCH]), include=["metadatas"]
            )
            found |= {
                cid: dict(m) for cid, m in zip(page["ids"], page["metadatas"] or [], strict=True)
            }
        return found


def _lexical_source(cid: str, doc: str | None, meta: dict[str, Any]) -> LexicalSource:
    return LexicalSource(
        chunk_id=cid,
        content_hash=str(meta.get("content_hash") or ""),
        text=doc or "",
        title=str(meta.get("title") or ""),
        lang=str(meta.get("lang") or "fr"),
        source=str(meta.get("source") or ""),
        published_ts=int_field(meta.get("published_ts"), -1),
    )


def _stored(first: dict[str, Any], versions: Counter[str] | None) -> StoredArticle:
    """An article as its first chunk describes it; `versions` counts its chunks by content
    hash (None: not read, the article counts as complete)."""
    n_chunks = int_field(first.get("n_chunks"), 0)
    content_hash = str(first.get("content_hash") or "")
    also = str(first.get("also_ids") or "")
    return StoredArticle(
        id=str(first.get("article_id") or ""),
        content_hash=content_hash,
        text_hash=str(first.get("text_hash") or ""),
        n_chunks=n_chunks,
        origin=str(first.get("origin") or ""),
        also_ids=tuple(x for x in also.split(ALSO_SEPARATOR) if x),
        complete=versions is None or versions == Counter({content_hash: n_chunks}),
    )
