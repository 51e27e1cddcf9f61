"""The reader at run time: the shipped layers put on e5-small, exported to ONNX once into the
cache (offline), then run by ONNX Runtime without torch.

Two precisions, both with the word-embedding table in int8 (no measurable loss; 470 MB of
fp32 graph become 120-180 MB). `int8` (the default) quantizes every layer but each one's
feed-forward output projection: its input, past the GELU, has outlier channels that one int8
scale per batch crushes, and quantizing it too took 0.027 of F1 on PIAF paragraphs for 6 % of
the time (README, "The reader on piaf-dev"). `fp32` leaves every layer unquantized."""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

import numpy as np

from index.embedding.e5_bundle import ensure_derived
from index.embedding.onnx_int8 import (
    build_int8,
    build_once,
    cpu_session,
    export_fp32,
    fp32_file,
    padded,
    shrinking_run_options,
    token_capped_batches,
)
from index.embedding.vocabulary import shared_tokenizer
from index.reading.network import WEIGHTS, load_full
from index.reading.spans import Span, best_span, title_head
from index.reading.windows import Specials, Window, windows

log = logging.getLogger(__name__)

Precision = Literal["fp32", "int8"]

MODEL_FILE = "reader.onnx"
META_FILE = "newsqa_reader.json"
RECIPE = 2  # bump when the export changes, so caches are rebuilt
# The nodes (named by torch's export) each precision leaves in fp32.
KEEP_FP32: dict[Precision, tuple[str, ...]] = {
    "int8": (r"/layer\.\d+/output/dense/MatMul$",),
    "fp32": (r"MatMul",),
}


def reader_dir(cache_dir: Path, weights: Path, precision: Precision) -> Path:
    """Where the runtime form of these weights is cached: keyed by their content."""
    digest = hashlib.sha256(weights.read_bytes()).hexdigest()[:16]
    return cache_dir / "reader" / f"{digest}-r{RECIPE}-{precision}"


def ensure_reader(cache_dir: Path, weights: Path = WEIGHTS, precision: Precision = "int8") -> Path:
    """Build the reader's runtime form once (about a minute); later calls return the folder."""
    folder = reader_dir(cache_dir, weights, precision)
    if not (folder / META_FILE).is_file():
        log.info("preparing the answer reader (once, about a minute)")
    return build_once(
        folder,
        META_FILE,
        lambda work: build_int8(
            _export,
            (cache_dir, weights, precision, work),
            work / MODEL_FILE,
            KEEP_FP32[precision],
        ),
    )


def _export(cache_dir: Path, weights: Path, precision: Precision, out: Path) -> None:
    """The reader's fp32 graph, tokenizer and metadata into `out` (run in a child process)."""
    import torch

    model_dir = ensure_derived(cache_dir)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # transformers' load notes
        reader = load_full(model_dir, weights)
    sample_ids = torch.tensor([[0, 1500, 2, 2, 3000, 4000, 2], [0, 1500, 2, 2, 3000, 2, 1]])
    sample_mask = (sample_ids != 1).long()
    export_fp32(
        reader,
        (sample_ids, sample_mask),
        ("logits", {0: "batch", 1: "tokens"}),
        fp32_file(out / MODEL_FILE),
    )
    shutil.copy(model_dir / "tokenizer.json", out / "tokenizer.json")
    meta = {"weights": str(weights), "recipe": RECIPE, "precision": precision}
    (out / META_FILE).write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")


class Reader:
    """Reads passages for a question: the best span of each, or None where it finds none."""

    def __init__(self, folder: Path, threads: int, window_tokens: int) -> None:
        self.window_tokens = window_tokens
        # The same vocabulary as the embedder's: parsed once for both (index.embedding.vocabulary).
        self.tokenizer = shared_tokenizer(folder / "tokenizer.json")
        self.pad = Specials.of(self.tokenizer).pad
        self.session = cpu_session(folder / MODEL_FILE, threads)
        self._run_options = shrinking_run_options()

    def read(
        self, question: str, passages: Sequence[str], titles: Sequence[str] = ()
    ) -> list[Span | None]:
        """Each passage's best span. A passage's title, when given, is read before it: news
        titles often hold the answer ("Turquie : tentative de coup d'État")."""
        heads = [title_head(t) for t in titles] if titles else [""] * len(passages)
        texts = [head + text for head, text in zip(heads, passages, strict=True)]
        cut = [windows(self.tokenizer, question, text, self.window_tokens) for text in texts]
        logits = self._logits([w for own in cut for w in own])
        found: list[Span | None] = []
        at = 0
        for text, head, own in zip(texts, heads, cut, strict=True):
            rows = logits[at : at + len(own)]
            at += len(own)
            span = best_span(text, own, rows[:, :, 0], rows[:, :, 1])
            found.append(span.without_head(len(head)) if span is not None else None)
        return found

    def _logits(self, batch: list[Window]) -> np.ndarray:
        """Logits of each window [window, token, start/end], padded with very low scores."""
        width = max((len(w.ids) for w in batch), default=0)
        out = np.full((len(batch), width, 2), -1e4, dtype=np.float32)
        ids = [w.ids for w in batch]
        for rows in token_capped_batches([len(row) for row in ids], batch_size=len(batch)):
            tokens, mask = padded([ids[i] for i in rows], self.pad)
            (logits,) = self.session.run(
                None, {"input_ids": tokens, "attention_mask": mask}, self._run_options
            )
            out[rows, : tokens.shape[1]] = logits
        return out
