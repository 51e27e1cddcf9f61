"""The kind of answer a question wants, and whether a sentence brings one the question lacks."""

from __future__ import annotations

import pytest

from index.answer.kinds import answer_kind, gives_a_number, offers


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("Qui a gagné l'élection ?", "person"),
        ("Who won the election?", "person"),
        ("Combien de morts ?", "number"),
        ("Quel est le montant de l'amende ?", "number"),
        ("How many people died?", "number"),
        ("Quand a-t-il démissionné ?", "date"),
        ("En quelle année ?", "date"),
        ("Depuis quand ?", "date"),
        ("When did he resign?", "date"),
        ("Où se trouve le siège ?", "place"),  # "où", accent folded
        ("Dans quel pays ?", "place"),
        ("Where is it?", "place"),
        ("Which former French president was taken into custody?", "person"),
        ("Quelle chanteuse française est morte hier ?", "person"),
        ("Quel ancien chancelier allemand est mort ?", "person"),
        ("Which Japanese city was hit by an earthquake?", "place"),
        ("Quelle grande ville française ?", "place"),
        ("Quel parti le président a-t-il fondé ?", None),  # "parti" is no person
        ("What does the minister want?", None),
        ("Quel club a gagné ?", None),
        ("Quels ministres ont démissionné ?", "person"),
        ("Which former US president was charged?", "person"),
        ("Which country singer died?", None),  # a singer, not a country
        ("What coach company went bankrupt?", None),
        ("Pourquoi a-t-il démissionné ?", None),
        ("Explain the reform.", None),
    ],
)
def test_the_question_word_says_the_kind_wanted(question: str, kind: str | None) -> None:
    assert answer_kind(question) == kind


def test_a_number_the_question_lacks_is_an_answer() -> None:
    asked = "Combien de morts en 2016 ?"
    assert offers("Le bilan est de 84 morts.", "number", asked)
    assert offers("Le bilan est de trois morts.", "number", asked)  # in words too
    assert offers("Le bilan est de quinze morts.", "number", asked)
    assert offers("Près de quarante blessés.", "number", "Combien de blessés ?")
    assert offers(
        "Les pompiers ont secouru la cinquantaine de blessés.", "number", "Combien de blessés ?"
    )
    assert offers("Fourteen people died.", "number", "How many people died?")
    assert offers("Twenty-one people died.", "number", "How many people died?")
    assert not offers("En 2016, des morts.", "number", asked)  # only what was asked
    assert not offers("Les morts sont nombreux.", "number", asked)


def test_a_date_the_question_lacks_is_an_answer() -> None:
    assert offers("Il a démissionné le 3 mars.", "date", "Quand a-t-il démissionné ?")
    assert offers("He resigned on Monday.", "date", "When did he resign?")
    assert not offers("Il a démissionné en mars.", "date", "Quand a-t-il démissionné en mars ?")


def test_a_new_name_is_a_person_and_the_asked_one_is_not() -> None:
    asked = "Qui remplace Pete Hegseth à la réunion ?"
    assert offers("L'ambassadeur Matthew Whitaker le remplacera.", "person", asked)
    assert not offers("Le ministre Pete Hegseth sera absent.", "person", asked)
    assert not offers("Le ministre sera absent.", "person", asked)


def test_a_new_capitalised_word_is_a_place() -> None:
    asked = "Où aura lieu le sommet ?"
    assert offers("Le sommet aura lieu à Bruxelles.", "place", asked)
    assert not offers("Le sommet aura lieu ici. Rien de plus.", "place", asked)
    # A sentence's first word is capitalised anyway: it says nothing of a place.
    assert not offers("Demain, le sommet aura lieu.", "place", asked)


def test_no_kind_means_no_bonus() -> None:
    assert not offers("Le sommet aura lieu à Bruxelles le 3 mars.", None, "Pourquoi ?")


def test_a_figure_is_digits_or_a_number_word() -> None:
    for text in ("12 personnes", "seize", "une trentaine", "three hundred", "3,5 %", "une année"):
        assert gives_a_number(text), text
    for text in ("plusieurs", "de nombreuses victimes", "la Syrie", "nouveau bilan"):
        assert not gives_a_number(text), text
