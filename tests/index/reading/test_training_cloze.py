"""Cloze questions for the reader's first training pass: each asks for words that stand, at the
answer's offsets, in the paragraph it comes with, and none comes from a held-back article."""

from __future__ import annotations

import re

from index.training.examples import Article, load_paragraphs
from index.training.synthetic import make
from tests.conftest import ROOT

PIAF = ROOT / "data" / "piaf-dev"
SENTENCE = (
    "Le 3 octobre 2016, Yoshinori Ohsumi reçoit à Stockholm un prix de 8 millions de couronnes."
)


def test_a_sentence_gives_questions_about_its_names_places_dates_and_numbers() -> None:
    articles = {"a": Article("Nobel", SENTENCE, [(0, len(SENTENCE))])}
    asked = {
        e.context[e.answer[0] : e.answer[1]]: e.question
        for seed in range(40)
        for e in make(articles, ["a"], 10, seed, titles=False)
        if e.answer is not None
    }
    assert asked["Yoshinori Ohsumi"] == (
        "Le 3 octobre 2016, qui reçoit à Stockholm un prix de 8 millions de couronnes ?"
    )
    assert asked["Stockholm"].startswith("Le 3 octobre 2016, Yoshinori Ohsumi reçoit où un prix")
    assert "quand" in asked["3 octobre 2016"]
    assert asked["8 millions de couronnes"].endswith("à Stockholm un prix de combien ?")


def test_cloze_answers_sit_at_their_offsets_and_held_back_articles_stay_unread() -> None:
    articles = load_paragraphs(PIAF / "corpus.jsonl")
    held_back = set(sorted(articles)[::5])
    keep = [key for key in articles if key not in held_back]
    made = make(articles, keep, 500, seed=13, titles=True)
    assert len(made) == 500 and made == make(articles, keep, 500, seed=13, titles=True)
    unread = {
        article.paragraph(span, titles=True)
        for key in held_back
        for article in [articles[key]]
        for span in article.paragraphs
    }
    for example in made:
        assert example.answer is not None and example.context not in unread
        words = example.context[example.answer[0] : example.answer[1]]
        assert words == example.answers[0] and words == words.strip() and words
        # The asked words are gone from the question (they may stand elsewhere in the sentence).
        assert example.question.endswith(" ?")
        assert example.question.count(words) < example.context.count(words)
        assert re.search(r"\b(qui|où|quand|en quelle année|combien)\b", example.question.lower())
