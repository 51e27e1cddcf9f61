"""Chunk ids: derived from the article id, so an article's chunks are found without a search."""

from __future__ import annotations

import hashlib


def chunk_id(article_id: str, index: int) -> str:
    digest = hashlib.sha1(article_id.encode("utf-8")).hexdigest()[:16]
    return f"{digest}-{index:04d}"


def article_key(chunk_id_: str) -> str:
    """What the chunks of one article share in their ids (a digest of the article id)."""
    return chunk_id_.rsplit("-", 1)[0]
