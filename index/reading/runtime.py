"""The reader at run time: the shipped layers put on e5-small, exported to ONNX and quantized
to int8 once into the cache (offline), then run by ONNX Runtime without torch."""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
import warnings
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from index.embedding.e5_bundle import ensure_derived
from index.embedding.onnx_int8 import (
    build_once,
    cpu_session,
    quantize_int8,
    shrinking_run_options,
)
from index.reading.network import WEIGHTS, load_full
from index.reading.spans import Span, best_span
from index.reading.windows import Specials, Window, batch_arrays, windows

log = logging.getLogger(__name__)

MODEL_FILE = "reader_int8.onnx"
META_FILE = "newsqa_reader.json"
RECIPE = 1  # bump when the export changes, so caches are rebuilt
BATCH_TOKENS = 4096  # padded tokens per run: ONNX Runtime keeps full attention matrices


def reader_dir(cache_dir: Path, weights: Path) -> Path:
    """Where the int8 form of these weights is cached: keyed by their content."""
    digest = hashlib.sha256(weights.read_bytes()).hexdigest()[:16]
    return cache_dir / "reader" / f"{digest}-r{RECIPE}"


def ensure_reader(cache_dir: Path, weights: Path = WEIGHTS) -> Path:
    """Build the int8 reader once (about a minute); later calls return the cached folder."""
    folder = reader_dir(cache_dir, weights)
    if not (folder / META_FILE).is_file():
        log.info("preparing the answer reader (once, about a minute)")
    return build_once(folder, META_FILE, lambda work: _export(cache_dir, weights, work))


def _export(cache_dir: Path, weights: Path, out: Path) -> None:
    import torch

    model_dir = ensure_derived(cache_dir)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # transformers' load notes and exporter deprecations
        reader = load_full(model_dir, weights)
        sample_ids = torch.tensor([[0, 1500, 2, 2, 3000, 4000, 2], [0, 1500, 2, 2, 3000, 2, 1]])
        sample_mask = (sample_ids != 1).long()
        fp32_file = out / "reader_fp32.onnx"
        with torch.inference_mode():
            torch.onnx.export(
                reader,
                (sample_ids, sample_mask),
                str(fp32_file),
                input_names=["input_ids", "attention_mask"],
                output_names=["logits"],
                dynamic_axes={
                    "input_ids": {0: "batch", 1: "tokens"},
                    "attention_mask": {0: "batch", 1: "tokens"},
                    "logits": {0: "batch", 1: "tokens"},
                },
                opset_version=17,
                dynamo=False,
            )
    quantize_int8(fp32_file, out / MODEL_FILE)
    fp32_file.unlink()
    shutil.copy(model_dir / "tokenizer.json", out / "tokenizer.json")
    meta = {"weights": str(weights), "recipe": RECIPE}
    (out / META_FILE).write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")


class Reader:
    """Reads passages for a question: the best span of each, or None where it finds none."""

    def __init__(self, folder: Path, threads: int) -> None:
        from tokenizers import Tokenizer

        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.no_padding()
        self.tokenizer.no_truncation()
        self.pad = Specials.of(self.tokenizer).pad
        self.session = cpu_session(folder / MODEL_FILE, threads)
        self._run_options = shrinking_run_options()

    def read(self, question: str, passages: Sequence[str]) -> list[Span | None]:
        cut = [windows(self.tokenizer, question, text) for text in passages]
        flat = [(p, w) for p, own in enumerate(cut) for w in own]
        logits = self._logits([w for _, w in flat])
        found: list[Span | None] = []
        for p, text in enumerate(passages):
            rows = [i for i, (owner, _) in enumerate(flat) if owner == p]
            own = [flat[i][1] for i in rows]
            found.append(
                best_span(
                    text,
                    own,
                    np.stack([logits[i][:, 0] for i in rows]) if rows else np.zeros((0, 0)),
                    np.stack([logits[i][:, 1] for i in rows]) if rows else np.zeros((0, 0)),
                )
                if rows
                else None
            )
        return found

    def _logits(self, batch: list[Window]) -> list[np.ndarray]:
        """Logits per window, each cut to the window's own length padded to the longest."""
        width = max((len(w.ids) for w in batch), default=0)
        out: list[np.ndarray] = [np.zeros((width, 2), dtype=np.float32)] * len(batch)
        order = sorted(range(len(batch)), key=lambda i: -len(batch[i].ids))
        at = 0
        while at < len(order):
            longest = len(batch[order[at]].ids)
            rows = order[at : at + max(1, BATCH_TOKENS // longest)]
            ids, mask = batch_arrays([batch[i] for i in rows], self.pad)
            (logits,) = self.session.run(
                None, {"input_ids": ids, "attention_mask": mask}, self._run_options
            )
            for row, i in enumerate(rows):
                padded = np.full((width, 2), -1e4, dtype=np.float32)
                padded[: ids.shape[1]] = logits[row]
                out[i] = padded
            at += len(rows)
        return out
