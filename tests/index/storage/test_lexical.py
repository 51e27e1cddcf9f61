"""The BM25 side: kept in step with the Chroma collection, rebuilt when its parameters change.

BM25 reads words, not vectors, so these run over the fake encoder.
"""

from __future__ import annotations

import json
from pathlib import Path

import bm25s
import pytest

from index.engine import NewsIndex
from index.storage import article_key, chunk_id
from index.storage.lexical import BM25_B, BM25_K1, LexicalHit, LexicalIndex
from index.text import tokenize
from ingest.pipeline import Ingestor
from tests.conftest import sample_records, write_jsonl

VALENCE, EBOLA, DELPECH = (str(r["id"]) for r in sample_records(3))


def articles_of(hits: list[LexicalHit]) -> list[str]:
    """The article each hit belongs to, by the digest its chunk id shares with the article's."""
    by_key = {article_key(chunk_id(a, 0)): a for a in (VALENCE, EBOLA, DELPECH)}
    return [by_key[article_key(hit.chunk_id)] for hit in hits]


def test_lexical_side_follows_ingest_incrementally(fake_index: NewsIndex, tmp_path: Path) -> None:
    records = sample_records(3)
    corpus = write_jsonl(tmp_path / "c.jsonl", records)
    Ingestor(fake_index.settings, fake_index).run([str(corpus)])
    total = fake_index.store.count()
    assert fake_index.sync_lexical() == 0  # first use synced everything already
    assert fake_index.lexical.count() == total
    assert fake_index.sync_lexical() == 0  # nothing changed, nothing re-tokenized
    assert articles_of(fake_index.lexical.search("Delpech", "fr", 3)) == [DELPECH]

    records[0] = records[0] | {"text": str(records[0]["text"]) + " Un paragraphe ajouté."}
    write_jsonl(corpus, records[:2])  # Valence changed, Delpech gone
    Ingestor(fake_index.settings, fake_index).run([str(corpus)], prune=True)
    assert fake_index.sync_lexical() >= 2
    assert fake_index.lexical.count() == fake_index.store.count()
    assert articles_of(fake_index.lexical.search("paragraphe ajouté", "fr", 3)) == [VALENCE]
    assert fake_index.lexical.search("Delpech", "fr", 3) == []


def test_bm25_saved_with_other_parameters_is_rebuilt(fake_index: NewsIndex, tmp_path: Path) -> None:
    # An index saved by an older newsqa (bm25s defaults k1=1.5, b=0.75) must not keep ranking
    # with them: its scores must become those of the current parameters.
    corpus = write_jsonl(tmp_path / "c.jsonl", sample_records(3))
    Ingestor(fake_index.settings, fake_index).run([str(corpus)])
    query = "Ebola épidémie OMS Afrique"
    current = fake_index.lexical.search(query, "fr", 5)
    assert articles_of(current)[0] == EBOLA

    saved = fake_index.lexical.folder / "bm25"
    meta = json.loads((saved / "newsqa.json").read_text())
    assert (meta["k1"], meta["b"]) == (BM25_K1, BM25_B)
    rows = fake_index.lexical.db.execute("SELECT id, tokens FROM chunks ORDER BY id").fetchall()
    old = bm25s.BM25(k1=1.5, b=0.75)
    old.index([tokens.split() for _, tokens in rows], show_progress=False)
    old.save(str(saved), show_progress=False)
    (saved / "newsqa.json").write_text(json.dumps(meta | {"k1": 1.5, "b": 0.75}))
    # Kept as saved, the old matrix would score the best chunk otherwise.
    old_scores = old.get_scores(tokenize(query))
    best = [cid for cid, _ in rows].index(current[0].chunk_id)
    assert float(old_scores[best]) != pytest.approx(current[0].score)

    reopened = LexicalIndex(fake_index.lexical.folder)
    rebuilt = reopened.search(query, "fr", 5)
    assert [h.chunk_id for h in rebuilt] == [h.chunk_id for h in current]
    assert [h.score for h in rebuilt] == pytest.approx([h.score for h in current])
    assert json.loads((saved / "newsqa.json").read_text()) == meta  # saved again, current
    reopened.close()
