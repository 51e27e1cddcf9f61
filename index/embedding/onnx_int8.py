"""The int8 embedding path: the model exported once to ONNX, quantized, run by ONNX Runtime.

Dynamic quantization (int8 weights, activations quantized per batch at run time) needs no
calibration data. The export wraps the whole sentence-transformers pipeline (transformer and
pooling), so the ONNX graph returns the same sentence vectors the fp32 model does.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import shutil
import tempfile
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from index.embedding.vocabulary import shared_tokenizer

log = logging.getLogger(__name__)

MODEL_FILE = "model_int8.onnx"
META_FILE = "newsqa_onnx.json"
# Bump when the export or quantization recipe changes, so caches are rebuilt.
RECIPE = 1
# ONNX Runtime materializes attention scores (rows x heads x tokens^2 floats) where torch's
# fused attention does not, so batches are capped in padded tokens as well as in rows.
BATCH_TOKENS = 4096


def int8_dir(cache_dir: Path, location: str) -> Path:
    """Where the quantized export of the model at `location` is cached."""
    key = hashlib.sha256(f"{location}|{RECIPE}".encode()).hexdigest()[:16]
    return cache_dir / "int8" / key


def ensure_int8(location: str, cache_dir: Path) -> Path:
    """Export and quantize the model once; later calls return the cached folder."""
    folder = int8_dir(cache_dir, location)
    if not (folder / META_FILE).is_file():
        log.info("preparing the int8 embedding model (once, about a minute)")
    return build_once(
        folder, META_FILE, lambda work: build_int8(_export, (location, work), work / MODEL_FILE)
    )


def build_once(folder: Path, marker: str, build: Callable[[Path], None]) -> Path:
    """`folder`, built by `build` unless it already holds `marker` (written last).

    Built in a sibling temporary folder and renamed: a killed build leaves no half model, and
    when two processes race, the first rename wins and the other keeps that copy.
    """
    if (folder / marker).is_file():
        return folder
    folder.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".build-", dir=folder.parent))
    try:
        build(work)
        try:
            work.rename(folder)
        except OSError:
            if not (folder / marker).is_file():
                raise
            shutil.rmtree(work)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return folder


def build_int8(
    export: Callable[..., None],
    args: tuple[Any, ...],
    out_file: Path,
    keep_fp32: tuple[str, ...] = (),
) -> None:
    """Run `export(*args)`, which writes `fp32_file(out_file)`, then quantize that graph into
    `out_file` (the nodes named by the `keep_fp32` patterns left as they are): each step in a
    process of its own.

    Together in one process they peaked at 3.9 GB (torch's model and trace, then the quantizer's
    copies of a 470 MB graph, never all handed back); apart, each step peaks near 2.6 GB and
    frees it all when its process ends."""
    in_child(export, *args)
    in_child(quantize_int8, fp32_file(out_file), out_file, keep_fp32)
    fp32_file(out_file).unlink()


def fp32_file(out_file: Path) -> Path:
    return out_file.with_suffix(".fp32.onnx")


def in_child(target: Callable[..., None], *args: Any) -> None:
    """`target(*args)` in a fresh Python process (spawned: nothing of this one is copied)."""
    import multiprocessing

    child = multiprocessing.get_context("spawn").Process(target=target, args=args)
    child.start()
    child.join()
    if child.exitcode != 0:
        raise RuntimeError(
            f"preparing the int8 model failed in a child process (exit {child.exitcode}): "
            "see the lines above; the cache folder is left as it was"
        )


def export_fp32(
    module: Any, sample: tuple[Any, Any], output: tuple[str, dict[int, str]], out_file: Path
) -> None:
    """A torch module taking (input_ids, attention_mask) exported to ONNX (fp32) at `out_file`;
    batch and token axes stay dynamic."""
    import torch

    name, axes = output
    with warnings.catch_warnings(), torch.inference_mode():
        # The TorchScript exporter is deprecated in favour of torch.export, which needs
        # onnxscript and does not yet trace transformers' masking code; the torch pin keeps it.
        warnings.simplefilter("ignore")
        torch.onnx.export(
            module,
            sample,
            str(out_file),
            input_names=["input_ids", "attention_mask"],
            output_names=[name],
            dynamic_axes={
                "input_ids": {0: "batch", 1: "tokens"},
                "attention_mask": {0: "batch", 1: "tokens"},
                name: axes,
            },
            opset_version=17,
            dynamo=False,
        )


def quantize_int8(fp32_file: Path, out_file: Path, keep_fp32: tuple[str, ...] = ()) -> None:
    """Dynamic int8 quantization of an exported graph (the recipe both models use), except the
    nodes whose names match a `keep_fp32` pattern."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    graph = onnx.load(str(fp32_file)).graph if keep_fp32 else None
    names = [node.name for node in graph.node] if graph is not None else []
    kept = []
    for pattern in keep_fp32:
        matched = [name for name in names if re.search(pattern, name)]
        if not matched:  # the exporter renamed its nodes: fail rather than quantize them
            raise ValueError(f"no node of {fp32_file.name} matches {pattern!r}")
        kept += matched

    # Per-channel scales keep the error low; 7-bit weights avoid the int16 saturation of
    # AVX2's u8*s8 multiply-add on CPUs without VNNI (cosine to fp32 0.9967 vs 0.9964 here).
    # The quantizer reports each tensor at INFO level on the root logger (hundreds of lines)
    # and advises a pre-processing step at WARNING level that does not apply to this graph.
    logging.disable(logging.WARNING)
    try:
        quantize_dynamic(
            fp32_file,
            out_file,
            nodes_to_exclude=kept,
            weight_type=QuantType.QInt8,
            per_channel=True,
            reduce_range=True,
        )
    finally:
        logging.disable(logging.NOTSET)


def cpu_session(model_file: Path, threads: int) -> Any:
    """An ONNX Runtime session for inputs whose shapes change from call to call."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    # Buffers planned for one input shape would be kept for the next; shapes vary here.
    options.enable_mem_pattern = False
    return ort.InferenceSession(str(model_file), options, providers=["CPUExecutionProvider"])


def shrinking_run_options() -> Any:
    """Run options that hand the arena's batch-sized buffers back after each run."""
    import onnxruntime as ort

    options = ort.RunOptions()
    options.add_run_config_entry("memory.enable_memory_arena_shrinkage", "cpu:0")
    return options


def _export(location: str, out: Path) -> None:
    """The fp32 graph, tokenizer and metadata into `out` (run in a child process)."""
    import torch
    from sentence_transformers import SentenceTransformer

    # Eager attention traces to plain ops that every ONNX Runtime build runs.
    model = SentenceTransformer(
        location, device="cpu", model_kwargs={"attn_implementation": "eager"}
    ).eval()

    class SentenceVectors(torch.nn.Module):
        """The model taking tensors instead of a feature dict, as the exporter needs."""

        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
            features = {"input_ids": input_ids, "attention_mask": attention_mask}
            embedding: torch.Tensor = self.model(features)["sentence_embedding"]
            return embedding

    sample = model.tokenizer(
        ["passage: une phrase d'exemple un peu plus longue", "query: court"],
        padding=True,
        return_tensors="pt",
    )
    export_fp32(
        SentenceVectors(),
        (sample["input_ids"], sample["attention_mask"]),
        ("sentence_embedding", {0: "batch"}),
        fp32_file(out / MODEL_FILE),
    )
    model.tokenizer.save_pretrained(str(out))
    meta = {
        "source": location,
        "prompts": dict(model.prompts or {}),
        "max_seq_length": int(model.max_seq_length or 512),
        "dimension": int(model.get_embedding_dimension() or 0),
    }
    (out / META_FILE).write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")


class OnnxEncoder:
    """Runs the quantized model; same tokenizer, prompts and truncation as the original.

    The tokenizer is read with the `tokenizers` library itself: transformers' wrapper would
    import transformers and torch, about 4 s and 180 MB this path does not need.
    """

    def __init__(self, folder: Path, threads: int) -> None:
        meta = json.loads((folder / META_FILE).read_text(encoding="utf-8"))
        self.prompts: dict[str, str] = meta["prompts"]
        self.max_seq_length: int = meta["max_seq_length"]
        self.dimension: int = meta["dimension"]
        self.tokenizer = shared_tokenizer(folder / "tokenizer.json")
        config = json.loads((folder / "tokenizer_config.json").read_text(encoding="utf-8"))
        pad = self.tokenizer.token_to_id(str(config.get("pad_token")))
        self.pad_id = pad if pad is not None else 0
        self.session = cpu_session(folder / MODEL_FILE, threads)
        # Hand the arena's batch-sized buffers back after each batch, as the torch path does.
        self._run_options = shrinking_run_options()

    def token_counts(self, texts: Sequence[str]) -> list[int]:
        encoded = self.tokenizer.encode_batch(list(texts), add_special_tokens=False)
        return [len(e.ids) for e in encoded]

    def batches(self, lengths: Sequence[int], batch_size: int) -> list[list[int]]:
        return token_capped_batches(lengths, batch_size)

    def encode(self, texts: Sequence[str], prompt_name: str | None, batch_size: int) -> np.ndarray:
        prefix = self.prompts.get(prompt_name, "") if prompt_name else ""
        # Cut to the window keeping the closing special token, as the original tokenizer does.
        ids = [
            _truncate(e.ids, self.max_seq_length)
            for e in self.tokenizer.encode_batch([prefix + t for t in texts])
        ]
        vectors = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for batch in token_capped_batches([len(row) for row in ids], batch_size):
            tokens, mask = padded([ids[i] for i in batch], self.pad_id)
            feeds = {"input_ids": tokens, "attention_mask": mask}
            (out,) = self.session.run(None, feeds, self._run_options)
            vectors[batch] = out
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return np.asarray(vectors / np.maximum(norms, 1e-12), dtype=np.float32)


def _truncate(ids: list[int], limit: int) -> list[int]:
    return ids if len(ids) <= limit else [*ids[: limit - 1], ids[-1]]


def padded(rows: Sequence[Sequence[int]], pad: int) -> tuple[np.ndarray, np.ndarray]:
    """Token ids padded to the longest row, and the attention mask that goes with them."""
    width = max((len(r) for r in rows), default=0)
    tokens = np.full((len(rows), width), pad, dtype=np.int64)
    mask = np.zeros((len(rows), width), dtype=np.int64)
    for i, row in enumerate(rows):
        tokens[i, : len(row)] = row
        mask[i, : len(row)] = 1
    return tokens, mask


def token_capped_batches(lengths: Sequence[int], batch_size: int) -> list[list[int]]:
    """Rows of these token lengths, longest first, at most `batch_size` rows and BATCH_TOKENS
    padded tokens a batch."""
    order = sorted(range(len(lengths)), key=lengths.__getitem__, reverse=True)
    batches: list[list[int]] = []
    for i in order:
        if batches:
            current = batches[-1]
            rows = len(current) + 1
            if rows <= batch_size and rows * lengths[current[0]] <= BATCH_TOKENS:
                current.append(i)
                continue
        batches.append([i])
    return batches
