"""Follow-up questions made standalone without a model: the previous question's key terms."""

from __future__ import annotations

import pytest

from index.answer.followups import is_follow_up, recent_turns, standalone_question
from index.records import Turn

UDCG = Turn("Combien les pays membres de l'UDCG ont-ils fourni à l'Ukraine ?", "126 milliards [1].")


@pytest.mark.parametrize(
    "question",
    ["Et ensuite ?", "what about Germany?", "Qu'a-t-il dit ?", "Pourquoi ?", "And then?"],
)
def test_leaning_questions_are_follow_ups(question: str) -> None:
    assert is_follow_up(question)


@pytest.mark.parametrize(
    "question",
    [
        "Qui a reçu le prix Nobel de la paix en 2016 ?",
        "Quel est le bilan de l'attentat de Nice en juillet 2016 ?",
        "Who won the 2016 Nobel Peace Prize in Oslo?",
    ],
)
def test_questions_that_stand_alone_are_left_as_they_are(question: str) -> None:
    assert not is_follow_up(question)
    assert standalone_question(question, [UDCG]) == question


def test_a_follow_up_carries_the_previous_question_key_terms() -> None:
    standalone = standalone_question("Et qui l'a créé ?", [UDCG])
    assert standalone == "Et qui l'a créé pays membres UDCG fourni Ukraine ?"
    assert standalone_question("Et qui l'a créé ?", []) == "Et qui l'a créé ?"


def test_only_the_last_exchange_is_carried() -> None:
    history = [Turn("Que sait-on du volcan Etna en Sicile ?", "…"), UDCG]
    standalone = standalone_question("Et ensuite ?", history)
    assert "UDCG" in standalone and "Etna" not in standalone


def test_a_new_name_replaces_the_previous_subject() -> None:
    previous = Turn("Qu'a dit Emmanuel Macron sur la réforme des retraites ?", "…")
    standalone = standalone_question("Et Angela Merkel ?", [previous])
    assert standalone.startswith("Et Angela Merkel ")
    assert "réforme retraites" in standalone and "Macron" not in standalone
    english = Turn("How many refugees did France accept in 2016?", "…")
    assert "France" not in standalone_question("What about Germany?", [english])
    assert "refugees" in standalone_question("What about Germany?", [english])


def test_a_new_year_replaces_the_previous_years() -> None:
    previous = Turn("Qui a reçu le prix Nobel de la paix en 2016 ?", "…")
    standalone = standalone_question("Et en 2017 ?", [previous])
    assert "2017" in standalone and "2016" not in standalone and "Nobel" in standalone
    # No year in the follow-up: the previous one is carried; nor is a distance or a sum a year.
    assert "2016" in standalone_question("Et celui de littérature ?", [previous])
    race = Turn("Qui a gagné le 800 mètres aux Jeux olympiques de 2016 ?", "…")
    assert "2016" in standalone_question("Et le 1500 mètres ?", [race])


def test_recent_turns_keeps_the_last_ones() -> None:
    history = [Turn(f"q{n}", f"a{n}") for n in range(5)]
    assert [t.question for t in recent_turns(history, 2)] == ["q3", "q4"]
    assert recent_turns(history, 0) == []
    assert len(recent_turns(history, 10)) == 5


def test_a_new_question_about_the_answer_carries_the_answer() -> None:
    died = Turn("Qui est mort le 14 janvier 2016 ?", "Alan Rickman [1]")
    standalone = standalone_question("Et quand ?", [died])
    assert "Alan Rickman" in standalone and "mort" in standalone
    assert "Alan Rickman" in standalone_question("Où est-il né ?", [died])
    assert "Alan Rickman" in standalone_question("Where was he born?", [died])
    sartre = Turn("Qui a refusé le prix Nobel de littérature en 1964 ?", "J.-P. Sartre [1]")
    assert "Sartre" in standalone_question("Où est-il né ?", [sartre])
    # The same question again, of another year or another subject: the answer stays behind.
    assert "Alan Rickman" not in standalone_question("Et en 2017 ?", [died])
    assert "Alan Rickman" not in standalone_question("Et David Bowie ?", [died])
    assert "Alan Rickman" not in standalone_question("Et qui d'autre ?", [died])
    # A sum, a sentence or a refusal is no subject.
    for answer in (
        "126 milliards [1]",
        "Le film est sorti en 2016 après un long tournage. [1]",
        "Je ne sais pas : les articles de l'archive ne répondent pas à cette question.",
    ):
        assert standalone_question("Et quand ?", [Turn(died.question, answer)]) == (
            "Et quand mort 14 janvier 2016 ?"
        )
