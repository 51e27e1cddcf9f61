"""The offline extractive answerer: cited sentences, refusals, languages, follow-ups."""

from __future__ import annotations

import re

import pytest

from index.answer import REFUSALS, Answerer
from index.engine import NewsIndex
from index.models import Answer, Turn
from tests.conftest import SEED, sample_records

SEED_TITLE = "Il s'agit de la première fois"


@pytest.fixture(scope="module")
def answerer(indexed: NewsIndex) -> Answerer:
    return Answerer.from_settings(indexed.settings, indexed)


def _article_texts() -> dict[str, str]:
    return {str(r["id"]): str(r["text"]) for r in sample_records(24)}


def _seed_body() -> str:
    """The seed as ingested from its .txt file: the first line is the title."""
    text = SEED.read_text(encoding="utf-8")
    return text[text.index("\n") :].strip()


def _assert_well_cited(answer: Answer) -> None:
    """Markers are 1..n in order of first appearance, each quote exact in its article."""
    markers = [int(m) for m in re.findall(r"\[(\d+)\]", answer.text)]
    assert markers and sorted(set(markers)) == list(range(1, len(answer.citations) + 1))
    first_seen = list(dict.fromkeys(markers))
    assert first_seen == sorted(first_seen)
    texts = _article_texts()
    seed = _seed_body()
    for c in answer.citations:
        source = texts.get(c.passage.article_id, seed)
        assert source[c.start : c.end] == c.quote
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
    assert answer.text == REFUSALS[language]
    assert not answer.citations and answer.closest  # nearest articles, offered as such


def test_follow_up_uses_the_previous_question(answerer: Answerer) -> None:
    first = answerer.answer("Qui remplace Pete Hegseth à la réunion du groupe de contact ?")
    alone = answerer.answer("Et combien ont-ils fourni ?")
    follow = answerer.answer("Et combien ont-ils fourni ?", [Turn(first.question, first.text)])
    assert "126 milliards" in follow.text and "Hegseth" in follow.question
    assert "126 milliards" not in alone.text
