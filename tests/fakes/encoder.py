"""An `Encoder` that needs no model: hashed bags of words, so tests of the logic around the
embedding run in milliseconds.

Texts sharing words get a high cosine, texts sharing none get 0, which is all the retrieval and
answer logic needs to be exercised. Words are folded and cut to their first six letters here,
not with `index.text`, so that the fake does not lean on the code it helps to test.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Sequence

import numpy as np

from index.embedding import Embedder
from index.embedding.encoder import row_batches

DIMENSION = 256
MAX_TOKENS = 512
PROMPTS = {"query": "query: ", "passage": "passage: "}
FAKE_MODEL = "fake bag of words"
_WORD = re.compile(r"\w+")
_TOKEN = re.compile(r"\w+|[^\w\s]")


def _folded(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _bucket(word: str) -> int:
    digest = hashlib.blake2b(word.encode("utf-8"), digest_size=4).digest()
    return int.from_bytes(digest, "little") % DIMENSION


class BagOfWordsEncoder:
    """Implements `index.embedding.Encoder`: one token per word or punctuation mark."""

    def __init__(self) -> None:
        self.prompts = dict(PROMPTS)
        self.max_seq_length = MAX_TOKENS
        self.dimension = DIMENSION
        self.encoded: list[str] = []  # every text embedded, prompt excluded, for assertions

    def token_counts(self, texts: Sequence[str]) -> list[int]:
        return [len(_TOKEN.findall(text)) for text in texts]

    def batches(self, lengths: Sequence[int], batch_size: int) -> list[list[int]]:
        return row_batches(lengths, batch_size)

    def encode(self, texts: Sequence[str], prompt_name: str | None, batch_size: int) -> np.ndarray:
        self.encoded.extend(texts)
        vectors = np.zeros((len(texts), DIMENSION), dtype=np.float32)
        for row, text in enumerate(texts):
            words = [w[:6] for w in _WORD.findall(_folded(text)) if len(w) > 2]
            for word in words or ["<empty>"]:  # a zero vector has no cosine
                vectors[row, _bucket(word)] += 1.0
        normalised: np.ndarray = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
        return normalised


def fake_embedder(batch_size: int = 8) -> Embedder:
    """An Embedder over the bag-of-words encoder, as `NewsIndex(..., embedder=...)` takes it."""
    return Embedder(BagOfWordsEncoder(), FAKE_MODEL, "int8", batch_size)
