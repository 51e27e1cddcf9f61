"""The bundled model's word embeddings kept 4-bit in memory, for the fp32 torch path."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import torch

from index.embedding.e5_bundle import PACKED_WORD_EMBEDDINGS

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer


class PackedWordEmbeddings(torch.nn.Module):
    """Word embeddings kept as Q4_0 blocks and expanded for the looked-up rows only.

    The float32 table is 384 MB and a memory-mapped one ends up resident (the page cache hands
    it over in large folios); this is 54 MB. Each row comes out as the same floats
    `_dequantize` writes into the checkpoint.
    """

    qs: torch.Tensor
    d: torch.Tensor

    def __init__(self, qs: torch.Tensor, d: torch.Tensor) -> None:
        super().__init__()
        self.register_buffer("qs", qs)  # (vocab, hidden / 32, 16) uint8, two weights a byte
        self.register_buffer("d", d)  # (vocab, hidden / 32) float16, one scale a block

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        qs = self.qs[ids]
        codes = torch.cat((qs & 0x0F, qs >> 4), dim=-1).to(torch.float32) - 8
        return (codes * self.d[ids].to(torch.float32).unsqueeze(-1)).flatten(-2)


def use_packed_word_embeddings(model: SentenceTransformer, folder: Path) -> None:
    """Swap the loaded model's float32 word-embedding table for the packed one in `folder`."""
    from safetensors.torch import load_file
    from sentence_transformers.sentence_transformer.modules import Transformer

    transformer = model[0]
    if not isinstance(transformer, Transformer):
        raise TypeError(f"{folder} does not start with a Transformer module")
    codes = load_file(str(folder / PACKED_WORD_EMBEDDINGS))
    transformer.auto_model.set_input_embeddings(PackedWordEmbeddings(codes["qs"], codes["d"]))
