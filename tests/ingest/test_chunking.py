"""Chunks follow sentences, fit the model's window and quote the article exactly."""

from __future__ import annotations

import json
from itertools import pairwise

from index.embedding import Embedder
from ingest.chunking import ChunkBudget, chunk_text, sentence_spans
from tests.conftest import SAMPLE_CORPUS, SEED


def _counter(embedder: Embedder):  # type: ignore[no-untyped-def]
    def count(texts: list[str]) -> list[int]:
        return [embedder.count_tokens(t) for t in texts]

    return count


def test_french_sentences_respect_abbreviations() -> None:
    text = "M. Dupont est arrivé à 8 h. Il a rencontré Mme Martin. Le PIB a crû de 3.5 % en 2017."
    sentences = [text[a:b] for a, b in sentence_spans(text, "fr")]
    assert sentences == [
        "M. Dupont est arrivé à 8 h.",
        "Il a rencontré Mme Martin.",
        "Le PIB a crû de 3.5 % en 2017.",
    ]


def test_chunks_quote_exactly_fit_budget_and_end_on_sentences(embedder: Embedder) -> None:
    records = [json.loads(line) for line in SAMPLE_CORPUS.read_text().splitlines()[:60]]
    budget = ChunkBudget(tokens=96, overlap=24)
    count = _counter(embedder)
    for record in records:
        text = record["text"]
        chunks = chunk_text(text, "fr", record["id"], count, budget)
        ends = {b for _, b in sentence_spans(text, "fr")}
        for chunk in chunks:
            assert text[chunk.start : chunk.end] == chunk.text
            assert embedder.count_tokens(chunk.text) <= budget.tokens
            # A chunk ends where a sentence ends, unless one sentence alone is over budget.
            assert chunk.end in ends or embedder.count_tokens(chunk.text) > budget.tokens * 0.5
        assert [c.index for c in chunks] == list(range(len(chunks)))
        covered = " ".join(text[c.start : c.end] for c in chunks)
        assert set(text.split()) <= set(covered.split())  # nothing of the article is lost


def test_overlap_repeats_the_previous_sentence(embedder: Embedder) -> None:
    text = SEED.read_text(encoding="utf-8")
    chunks = chunk_text(text, "fr", "seed", _counter(embedder), ChunkBudget(80, 40))
    assert len(chunks) >= 3
    assert any(later.start < earlier.end for earlier, later in pairwise(chunks))
    assert all(later.start > earlier.start for earlier, later in pairwise(chunks))


def test_a_sentence_longer_than_a_chunk_is_cut_between_words(embedder: Embedder) -> None:
    text = "Une phrase " + "très " * 300 + "longue."
    chunks = chunk_text(text, "fr", "long", _counter(embedder), ChunkBudget(64, 8))
    assert len(chunks) > 4
    assert all(embedder.count_tokens(c.text) <= 64 for c in chunks)
    assert all(text[c.start : c.end] == c.text for c in chunks)
