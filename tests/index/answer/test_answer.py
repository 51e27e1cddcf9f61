"""The offline extractive answerer: cited sentences, refusals, languages, follow-ups."""

from __future__ import annotations

import re

import pytest

from index.answer import Answerer, dont_know
from index.engine import NewsIndex
from index.records import Answer, Turn
from tests.conftest import corpus_texts
from tests.fakes.chat import ChatEndpoint, Reply

SEED_TITLE = "Il s'agit de la première fois"


@pytest.fixture(scope="module")
def answerer(indexed: NewsIndex) -> Answerer:
    # The sentence backend's answers over the seed (the reader's are in tests/index/reading).
    settings = indexed.settings.model_copy(update={"answer_backend": "extractive"})
    return Answerer.from_settings(settings, indexed)


def _assert_well_cited(answer: Answer) -> None:
    """Markers are 1..n in order of first appearance, one number per article, each quote
    exact in its article."""
    markers = [int(m) for m in re.findall(r"\[(\d+)\]", answer.text)]
    numbers = {c.n for c in answer.citations}
    assert markers and sorted(set(markers)) == sorted(numbers) == list(range(1, len(numbers) + 1))
    articles = {c.n: c.passage.article_id for c in answer.citations}
    assert len(set(articles.values())) == len(articles)  # one number per article
    first_seen = list(dict.fromkeys(markers))
    assert first_seen == sorted(first_seen)
    texts = corpus_texts()
    for c in answer.citations:
        assert texts[c.passage.title][c.start : c.end] == c.quote
        assert c.quote in c.passage.text


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Qui remplace Pete Hegseth à la réunion du groupe de contact ?", "Matthew Whitaker"),
        ("Combien les pays membres de l'UDCG ont-ils fourni à l'Ukraine ?", "126 milliards"),
    ],
)
def test_answers_the_seed_questions_citing_the_seed(
    answerer: Answerer, question: str, expected: str
) -> None:
    answer = answerer.answer(question)
    assert not answer.refused and answer.language == "fr"
    assert expected in answer.text
    assert answer.citations[0].passage.title.startswith(SEED_TITLE)
    assert any(expected in c.quote for c in answer.citations)
    _assert_well_cited(answer)


def test_english_question_about_a_french_article(answerer: Answerer) -> None:
    answer = answerer.answer("Who will replace Pete Hegseth at the Ukraine contact group meeting?")
    assert answer.language == "en" and not answer.refused
    assert "Whitaker" in answer.text
    _assert_well_cited(answer)


@pytest.mark.parametrize(
    ("question", "language"),
    [
        ("Quelle est la recette de la tarte tatin de ma grand-mère ?", "fr"),
        ("What is the boiling point of liquid nitrogen on Neptune?", "en"),
    ],
)
def test_refuses_in_the_question_language(answerer: Answerer, question: str, language: str) -> None:
    answer = answerer.answer(question)
    assert answer.refused and answer.language == language
    assert answer.text == dont_know(language)
    assert not answer.citations and answer.closest  # nearest articles, offered as such


def test_follow_up_uses_the_previous_question(answerer: Answerer) -> None:
    first = answerer.answer("Combien les pays membres de l'UDCG ont-ils fourni à l'Ukraine ?")
    follow = answerer.answer("Et qui l'a créé ?", [Turn(first.question, first.text)])
    assert "UDCG" in follow.question and "Lloyd Austin" in follow.text
    assert answerer.answer("Et qui l'a créé ?").question == "Et qui l'a créé ?"


def _llm_answerer(indexed: NewsIndex, chat_endpoint: ChatEndpoint) -> Answerer:
    settings = indexed.settings.model_copy(
        update={
            "answer_backend": "openai",
            "llm_base_url": chat_endpoint.base_url,
            "llm_model": "test-model",
            "llm_timeout_s": 1.0,
            "llm_max_retries": 0,
        }
    )
    return Answerer.from_settings(settings, indexed)


def test_llm_answer_markers_are_repaired_and_quoted(
    indexed: NewsIndex, chat_endpoint: ChatEndpoint
) -> None:
    chat_endpoint.replies = [Reply("Matthew Whitaker le remplacera [3][1] [9].")]
    answer = _llm_answerer(indexed, chat_endpoint).answer(
        "Qui remplace Pete Hegseth à la réunion du groupe de contact ?"
    )
    assert answer.backend == "openai" and not answer.refused
    assert answer.text.startswith("Matthew Whitaker le remplacera [1][2]")
    assert "[9]" not in answer.text and "[3]" not in answer.text
    _assert_well_cited(answer)


def test_llm_failure_falls_back_to_the_extractive_answer(
    indexed: NewsIndex, chat_endpoint: ChatEndpoint, caplog: pytest.LogCaptureFixture
) -> None:
    chat_endpoint.replies = [Reply("late", delay_s=3.0)]
    answer = _llm_answerer(indexed, chat_endpoint).answer(
        "Qui remplace Pete Hegseth à la réunion du groupe de contact ?"
    )
    assert answer.backend == "extractive" and "Matthew Whitaker" in answer.text
    assert "falling back to the extractive answer" in caplog.text
