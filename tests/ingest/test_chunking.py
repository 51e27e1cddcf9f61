"""Chunks follow sentences, fit the model's window and quote the article exactly."""

from __future__ import annotations

import json
import re
from itertools import pairwise
from pathlib import Path

from index.embedding import Embedder
from index.text import sentence_spans
from ingest.chunking import ChunkBudget, TokenCounter, chunk_text
from tests.conftest import SAMPLE_CORPUS, SEED, make_settings


def _counter(embedder: Embedder) -> TokenCounter:
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


def boundaries(text: str, count: TokenCounter, limit: int) -> tuple[set[int], set[int]]:
    """Where chunks may start and end: at sentences, or between the words of a sentence too
    long for one chunk."""
    starts, ends = set(), set()
    spans = sentence_spans(text, "fr")
    for (a, b), n in zip(spans, count([text[a:b] for a, b in spans]), strict=True):
        if n <= limit:
            starts.add(a)
            ends.add(b)
        else:
            starts |= {a + m.start() for m in re.finditer(r"\S+", text[a:b])}
            ends |= {a + m.end() for m in re.finditer(r"\S+", text[a:b])}
    return starts, ends


def test_chunks_quote_exactly_fit_budget_and_end_on_sentences(embedder: Embedder) -> None:
    records = [json.loads(line) for line in SAMPLE_CORPUS.read_text().splitlines()[:60]]
    budget = ChunkBudget(tokens=96, overlap=24)
    count = _counter(embedder)
    for record in records:
        text = record["text"]
        chunks = chunk_text(text, "fr", record["id"], count, budget)
        starts, ends = boundaries(text, count, budget.tokens)
        assert chunks, record["id"]
        for chunk in chunks:
            assert text[chunk.start : chunk.end] == chunk.text
            assert embedder.count_tokens(chunk.text) <= budget.tokens
            assert chunk.start in starts and chunk.end in ends, (record["id"], chunk.index)
        assert [c.index for c in chunks] == list(range(len(chunks)))
        # Nothing of the article is lost: between chunks, and around them, only blanks.
        assert not text[: chunks[0].start].strip() and not text[chunks[-1].end :].strip()
        for earlier, later in pairwise(chunks):
            assert later.start > earlier.start
            assert not text[earlier.end : later.start].strip()  # "" when they overlap


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
    # Cut between words: no chunk starts or ends inside one.
    assert all(c.start == 0 or text[c.start - 1] == " " for c in chunks)
    assert all(c.end == len(text) or text[c.end] == " " for c in chunks)
    assert chunks[0].start == 0 and chunks[-1].end == len(text)


def test_the_token_counts_known_from_chunking_are_those_of_the_embedded_texts(
    embedder: Embedder, tmp_path: Path
) -> None:
    """The ingest batches its embeddings by the counts chunking found, without tokenizing the
    texts again: they must be what the tokenizer says of the texts themselves."""
    from index.engine import NewsIndex
    from index.records import Article
    from ingest.pipeline import Ingestor

    settings = make_settings(tmp_path / "data")
    ingestor = Ingestor(settings, NewsIndex.open(settings, embedder=embedder))
    records = [json.loads(line) for line in SAMPLE_CORPUS.read_text().splitlines()[:40]]
    articles = [
        Article(id=str(r["id"]), title=str(r["title"]), text=str(r["text"]), lang="fr")
        for r in records
    ] + [Article(id="untitled", title="", text=SEED.read_text(encoding="utf-8"), lang="fr")]
    for article in articles:
        chunked = ingestor.chunk(article)
        assert chunked.texts and chunked.tokens == embedder.token_counts(chunked.texts)
