"""Questions typed without accents or capitals are re-spelt from the passages and French usage."""

from __future__ import annotations

from index.answer.respelling import respell

TEXTS = [
    "Eurovision : l'Ukraine gagne\nL'Ukraine a remporté l'Eurovision 2016 à Stockholm. "
    "Le président de la République a félicité la chanteuse Jamala.",
    "Président du jury, le Portugal préside. Les Pays-Bas et le Royaume-Uni ont voté.",
]


def test_a_question_typed_in_lower_case_takes_the_passages_spelling() -> None:
    assert respell("qui a remporte l'eurovision a stockholm ?", TEXTS) == (
        "qui a remporté l'Eurovision a Stockholm ?"
    )
    # A capital that only opens a sentence says nothing: "président" stays in lower case.
    assert respell("qui est le president de la republique", TEXTS) == (
        "qui est le président de la République"
    )


def test_a_user_who_capitalized_keeps_his_capitals_and_gets_accents_only() -> None:
    assert respell("Qui est le president de la republique d'Ukraine ?", TEXTS) == (
        "Qui est le président de la république d'Ukraine ?"
    )
    typed = "Qui a remporté l'Eurovision en 2016 ?"
    assert respell(typed, TEXTS) == typed


def test_a_question_in_capitals_is_put_in_lower_case_but_for_names() -> None:
    assert respell("QUI A VOTÉ AU ROYAUME-UNI ET AUX PAYS-BAS ?", TEXTS) == (
        "Qui a voté au Royaume-Uni et aux Pays-Bas ?"
    )


def test_function_words_are_kept_and_the_word_list_only_adds_accents() -> None:
    # "ou" and "où" fold alike: the user's choice stands.
    assert respell("ou a eu lieu l'eurovision", TEXTS).startswith("ou a eu lieu")
    # Words the passages do not hold take French's usual accents...
    assert respell("quel celebre ouvrage a ete brode", TEXTS) == "quel célèbre ouvrage a été brodé"
    # ...but not when the user typed accents elsewhere: "gagne" was meant.
    assert respell("qui gagne l'élection", TEXTS) == "qui gagne l'élection"


def test_a_question_in_another_language_is_only_put_out_of_capitals() -> None:
    assert respell("WHO WON EUROVISION IN STOCKHOLM?", TEXTS, "en") == (
        "Who won eurovision in stockholm?"
    )
    typed = "who won eurovision in stockholm?"
    assert respell(typed, TEXTS, "en") == typed
