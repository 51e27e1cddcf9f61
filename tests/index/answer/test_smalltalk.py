"""Greetings and small talk get a reply saying what the bot does, never retrieved sentences;
questions that want a reason or a summary go to the sentence answerer."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.answer import Answerer
from index.answer.kinds import wants_explanation
from index.answer.smalltalk import is_small_talk
from index.engine import NewsIndex
from ingest.pipeline import Ingestor
from tests.conftest import make_settings, write_jsonl
from tests.fakes.encoder import fake_embedder


@pytest.mark.parametrize(
    "message",
    ["Bonjour", "bonjour !", "Salut le bot", "Merci beaucoup !", "Quoi de neuf ?", "Ça va ?",
     "Hello", "thanks a lot!", "ok merci", "Who are you?"],
)  # fmt: skip
def test_small_talk_is_recognised(message: str) -> None:
    assert is_small_talk(message)


@pytest.mark.parametrize(
    "message",
    ["Bonjour, qui a gagné le prix Nobel ?", "Qui remplace Pete Hegseth ?", "Merci de me dire "
     "qui a gagné", "Quoi de neuf en Syrie ?", "", "Who won the Nobel Prize?"],
)  # fmt: skip
def test_questions_are_not_small_talk(message: str) -> None:
    assert not is_small_talk(message)


def test_a_greeting_gets_no_citation_and_no_search(tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "data")
    index = NewsIndex.open(settings, embedder=fake_embedder())
    article = {"id": "a", "title": "Bonjour Paris", "text": "Bonjour à tous : le salon ouvre."}
    Ingestor(settings, index).run([str(write_jsonl(tmp_path / "c.jsonl", [article]))])
    timed = Answerer(settings, index).answer_timed("Bonjour !")
    assert timed.answer.citations == () and not timed.answer.refused
    assert "questions" in timed.answer.text and "salon" not in timed.answer.text
    assert timed.retrieval.passages == []


@pytest.mark.parametrize(
    ("question", "explains"),
    [("Pourquoi les cheminots font-ils grève ?", True), ("Comment le feu a-t-il été maîtrisé ?",
     True), ("Résume l'affaire Fillon", True), ("Why did the talks fail?", True),
     ("Comment s'appelle le président ?", False), ("How many people died?", False),
     ("Comment s'appelait la tempête ?", False), ("Comment se nomme le chien ?", False),
     ("Comment était appelé le navire ?", False), ("Comment s’appelait-il ?", False),
     ("Qu’est-il arrivé à Nice ?", True),
     ("Qui remplace Pete Hegseth ?", False), ("Combien coûte le projet ?", False)],
)  # fmt: skip
def test_why_how_and_summaries_want_sentences(question: str, explains: bool) -> None:
    assert wants_explanation(question) is explains
