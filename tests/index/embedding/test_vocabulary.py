"""The embedder and the reader share one parsed tokenizer when their files hold one vocabulary."""

from __future__ import annotations

from pathlib import Path

from tokenizers import Tokenizer, models, pre_tokenizers

from index.embedding.vocabulary import shared_tokenizer


def _write(path: Path, vocab: dict[str, int], padded: bool) -> Path:
    tokenizer = Tokenizer(models.WordLevel(vocab, unk_token="<unk>"))
    tokenizer.pre_tokenizer = pre_tokenizers.Whitespace()
    if padded:  # what transformers' save_pretrained writes for the embedder
        tokenizer.enable_padding(pad_id=1, pad_token="<pad>")
        tokenizer.enable_truncation(max_length=8)
    path.parent.mkdir(parents=True, exist_ok=True)
    tokenizer.save(str(path))
    return path


def test_files_differing_only_in_padding_share_one_tokenizer(tmp_path: Path) -> None:
    vocab = {"<unk>": 0, "<pad>": 1, "bonjour": 2, "monde": 3}
    embedder = _write(tmp_path / "int8" / "tokenizer.json", vocab, padded=True)
    reader = _write(tmp_path / "reader" / "tokenizer.json", vocab, padded=False)
    assert embedder.read_bytes() != reader.read_bytes()

    one, two = shared_tokenizer(embedder), shared_tokenizer(reader)
    assert one is two
    # Padding and truncation are off whichever file was read first: callers pad themselves.
    assert one.encode("bonjour monde " * 6).ids == [2, 3] * 6


def test_another_vocabulary_gets_its_own_tokenizer(tmp_path: Path) -> None:
    first = _write(tmp_path / "a.json", {"<unk>": 0, "<pad>": 1, "oui": 2}, padded=False)
    second = _write(tmp_path / "b.json", {"<unk>": 0, "<pad>": 1, "non": 2}, padded=False)
    assert shared_tokenizer(first) is not shared_tokenizer(second)
    assert shared_tokenizer(second).encode("non oui").ids == [2, 0]
