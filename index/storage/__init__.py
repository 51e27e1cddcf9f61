"""Where chunks live: the Chroma collection (vectors, texts, metadata) and its BM25 twin."""

from index.storage.chroma import ArticleWrite, ChunkStore
from index.storage.client import open_client, write_lock
from index.storage.ids import article_key, chunk_id
from index.storage.lexical import LexicalHit, LexicalIndex, lexical_folder
from index.storage.metadata import published_range, reserved_key, timestamp

__all__ = [
    "ArticleWrite",
    "ChunkStore",
    "LexicalHit",
    "LexicalIndex",
    "article_key",
    "chunk_id",
    "lexical_folder",
    "open_client",
    "published_range",
    "reserved_key",
    "timestamp",
    "write_lock",
]
