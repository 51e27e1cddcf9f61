"""Hybrid retrieval: BM25 kept in sync with Chroma, fusion, dates, sources, diversity."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from index.engine import NewsIndex
from index.retrieval.hybrid import Filters, by_article_support, weighted_rrf
from index.storage.lexical import BM25_B, BM25_K1, LexicalIndex
from index.text import tokenize
from ingest.pipeline import Ingestor
from tests.conftest import SEED, sample_records, write_jsonl

SEED_QUESTION = "Qui remplace Pete Hegseth à la réunion du groupe de contact ?"
SEED_TITLE = "Il s'agit de la première fois"


def test_lexical_matching_ignores_accents_case_and_stop_words() -> None:
    assert tokenize("L'ÉLYSÉE a réagi") == tokenize("l'elysee a reagi")
    assert tokenize("Les pommes de terre sur Mars") == tokenize("pomme terre mars")
    assert tokenize("the of and le la les") == []


def test_weighted_fusion_orders_by_weight_over_rank() -> None:
    dense, lexical = ["a", "b", "c"], ["c", "d"]

    def ids(fused: list[tuple[str, float]]) -> list[str]:
        return [item for item, _ in fused]

    assert ids(weighted_rrf([(1.0, dense), (1.0, lexical)], 60))[0] == "c"  # found by both
    assert weighted_rrf([(1.0, dense), (1.0, lexical)], 60)[0][1] == 1 / 63 + 1 / 61
    assert ids(weighted_rrf([(1.0, dense), (3.0, lexical)], 60))[:2] == ["c", "d"]
    assert "d" not in ids(weighted_rrf([(1.0, dense), (0.0, lexical)], 60))  # a side off


def test_article_support_lifts_chunks_of_a_well_covered_article() -> None:
    # Article "aa" has three decent chunks; "bb" one slightly better chunk.
    fused = [("bb-0000", 0.10), ("aa-0000", 0.09), ("aa-0001", 0.05), ("aa-0002", 0.04)]
    assert by_article_support(fused, 0.0)[0] == "bb-0000"
    assert by_article_support(fused, 0.3)[:2] == ["aa-0000", "bb-0000"]  # 0.09 + 0.3 x 0.09


def test_hybrid_finds_the_seed_article_in_french_and_english(indexed: NewsIndex) -> None:
    for question in (SEED_QUESTION, "Who replaces Pete Hegseth at the Ukraine contact group?"):
        top = indexed.search(question, k=3)
        assert top[0].title.startswith(SEED_TITLE), question


def test_a_rare_exact_word_is_found_by_the_lexical_side(indexed: NewsIndex) -> None:
    # "Turcotte" appears in one article only; BM25 puts it first whatever the embedding says.
    hits = indexed.lexical.search("Turcotte", "fr", 3)
    article = indexed.store.collection.get(ids=[hits[0].chunk_id], include=["metadatas"])
    assert article["metadatas"][0]["article_id"] == "frwikinews-2016-01-06-001"
    assert indexed.search("Turcotte", k=1)[0].article_id == "frwikinews-2016-01-06-001"


def test_lexical_side_follows_ingest_incrementally(fresh_index: NewsIndex, tmp_path: Path) -> None:
    records = sample_records(3)
    corpus = write_jsonl(tmp_path / "c.jsonl", records)
    Ingestor(fresh_index.settings, fresh_index).run([str(corpus)])
    total = fresh_index.store.count()
    assert fresh_index.sync_lexical() == 0  # first use synced everything already
    assert fresh_index.lexical.count() == total
    assert fresh_index.sync_lexical() == 0  # nothing changed, nothing re-tokenized

    records[0] = records[0] | {"text": str(records[0]["text"]) + " Un paragraphe ajouté."}
    write_jsonl(corpus, records[:1] + records[2:])  # one changed, one gone
    Ingestor(fresh_index.settings, fresh_index).run([str(corpus)], prune=True)
    changed = fresh_index.sync_lexical()
    assert changed >= 2 and fresh_index.lexical.count() == fresh_index.store.count()
    assert fresh_index.lexical.search("paragraphe ajouté", "fr", 1)


def test_dates_boost_the_asked_period(indexed: NewsIndex) -> None:
    question = "Quel acteur est mort la semaine dernière ?"
    # Week of 4-10 January 2016: Michel Galabru (4 Jan); week of 11-17: Alan Rickman (14 Jan).
    first = indexed.retrieve(question, 3, Filters(as_of=date(2016, 1, 13)))
    assert first.date_range is not None
    assert first.date_range.start == date(2016, 1, 4) and first.date_range.end == date(2016, 1, 10)
    assert first.passages[0].article_id == "frwikinews-2016-01-04-001"
    later = indexed.search(question, 3, Filters(as_of=date(2016, 1, 20)))
    assert later[0].article_id == "frwikinews-2016-01-14-002"


def test_source_filter_keeps_only_that_source(indexed: NewsIndex) -> None:
    only_wikinews = indexed.search(SEED_QUESTION, 5, Filters(sources=("Wikinews (fr)",)))
    assert only_wikinews and all(p.source == "Wikinews (fr)" for p in only_wikinews)
    assert not any(p.title.startswith(SEED_TITLE) for p in only_wikinews)


def test_near_identical_passages_do_not_crowd_the_results(
    fresh_index: NewsIndex, tmp_path: Path
) -> None:
    seed = SEED.read_text(encoding="utf-8")
    story = {"id": "afp-1", "title": "Hegseth absent", "text": seed, "source": "AFP"}
    echo = {
        "id": "reuters-1",
        "title": "Hegseth absent",
        "text": seed.replace("mercredi", "ce mercredi"),
        "source": "Reuters",
    }
    others = sample_records(4)
    corpus = write_jsonl(tmp_path / "c.jsonl", [story, echo, *others])
    Ingestor(fresh_index.settings, fresh_index).run([str(corpus)])
    passages = fresh_index.search(SEED_QUESTION, k=4)
    same_story = [p for p in passages if p.article_id in ("afp-1", "reuters-1")]
    assert len(same_story) == 2  # one story, capped at max_passages_per_article
    assert len({(p.start, p.end) for p in same_story}) == 2  # and not the same passage twice
    assert len(passages) == 4


def test_bm25_saved_with_other_parameters_is_rebuilt(
    fresh_index: NewsIndex, tmp_path: Path
) -> None:
    # An index saved by an older newsqa (other k1/b) must not keep ranking with them.
    corpus = write_jsonl(tmp_path / "c.jsonl", sample_records(2))
    Ingestor(fresh_index.settings, fresh_index).run([str(corpus)])
    assert fresh_index.search("Ebola", k=1)
    meta_file = fresh_index.lexical.folder / "bm25" / "newsqa.json"
    saved = json.loads(meta_file.read_text())
    assert (saved["k1"], saved["b"]) == (BM25_K1, BM25_B)
    meta_file.write_text(json.dumps(saved | {"k1": 1.5, "b": 0.75}))

    reopened = LexicalIndex(fresh_index.lexical.folder)
    assert reopened.search("Ebola", "fr", 1)
    assert json.loads(meta_file.read_text()) == saved
    assert reopened._bm25 is not None and reopened._bm25.k1 == BM25_K1
