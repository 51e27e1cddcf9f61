"""Hybrid retrieval over the real model: both sides, dates, sources, diversity."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from index.embedding import Embedder
from index.engine import NewsIndex
from index.retrieval.hybrid import Filters
from index.settings import Settings
from ingest.pipeline import Ingestor
from tests.conftest import SEED, make_settings, sample_records, write_jsonl

SEED_QUESTION = "Qui remplace Pete Hegseth à la réunion du groupe de contact ?"
SEED_TITLE = "Il s'agit de la première fois"
EBOLA_QUESTION = "Qu'a annoncé l'OMS au sujet d'Ebola ?"


def test_hybrid_finds_the_seed_article_in_french_and_english(indexed: NewsIndex) -> None:
    for question in (SEED_QUESTION, "Who replaces Pete Hegseth at the Ukraine contact group?"):
        top = indexed.search(question, k=3)
        assert top[0].title.startswith(SEED_TITLE), question


def test_a_rare_exact_word_is_found_by_the_lexical_side(indexed: NewsIndex) -> None:
    # "Turcotte" appears in one article only; BM25 puts it first whatever the embedding says.
    hits = indexed.lexical.search("Turcotte", "fr", 3)
    article = indexed.store.collection.get(ids=[hits[0].chunk_id], include=["metadatas"])
    assert article["metadatas"] is not None
    assert article["metadatas"][0]["article_id"] == "frwikinews-2016-01-06-001"
    assert indexed.search("Turcotte", k=1)[0].article_id == "frwikinews-2016-01-06-001"


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
    assert len(only_wikinews) == 5 and {p.source for p in only_wikinews} == {"Wikinews (fr)"}
    assert not any(p.title.startswith(SEED_TITLE) for p in only_wikinews)
    ebola = indexed.search(EBOLA_QUESTION, 3, Filters(sources=("Wikinews (fr)",)))
    assert ebola[0].article_id == "frwikinews-2016-01-01-002"
    assert indexed.search(EBOLA_QUESTION, 3, Filters(sources=("Le Monde",))) == []


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


def test_english_questions_keep_names_but_not_false_friends_from_french_text(
    embedder: Embedder, tmp_path: Path
) -> None:
    # Four stories of the 2016 US election night, and Adobe buying Magento for "1,68 milliards
    # de dollars US": to BM25, "US" in the English question is a rare word of the Adobe story.
    corpus = write_jsonl(tmp_path / "c.jsonl", [*sample_records(4, 468), *sample_records(1, 1080)])
    adobe = "frwikinews-2018-05-26-001"
    top: dict[float, list[str]] = {}
    for share in (1.0, Settings().lexical_other_language_share):
        settings = make_settings(tmp_path / f"data-{share}", lexical_other_language_share=share)
        index = NewsIndex.open(settings, embedder=embedder)
        Ingestor(settings, index).run([str(corpus)])
        top[share] = [
            p.article_id for p in index.search("Who won the US presidential election?", 3)
        ]
        assert index.search("Which company did Adobe buy?", 1)[0].article_id == adobe  # a name
    assert adobe in top[1.0]  # BM25 at full weight across languages
    assert adobe not in top[Settings().lexical_other_language_share]
