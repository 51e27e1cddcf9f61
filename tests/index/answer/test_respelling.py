"""Questions typed without accents or capitals are re-spelt from the passages and French usage."""

from __future__ import annotations

from index.answer.respelling import respell

TEXTS = [
    "Eurovision : l'Ukraine gagne\nL'Ukraine a remporté l'Eurovision 2016 à Stockholm. "
    "Le président de la République a félicité la chanteuse Jamala, candidate de The Voice.",
    "Président du jury, le Portugal préside. Les Pays-Bas et le Royaume-Uni ont voté. Le Premier "
    "ministre attend le premier tour. L'État veille sur l'état de santé du pape.",
]


def test_a_question_typed_in_lower_case_takes_the_passages_spelling() -> None:
    assert respell("qui a remporte l'eurovision a stockholm ?", TEXTS) == (
        "qui a remporté l'Eurovision a Stockholm ?"
    )
    # A capital that only opens a sentence says nothing: "président" stays in lower case.
    assert respell("qui est le president de la republique", TEXTS) == (
        "qui est le président de la République"
    )
    # Nor does one the passages also write in lower case ("le premier tour", "l'état de santé").
    assert respell("qui attend le premier tour", TEXTS) == "qui attend le premier tour"
    assert respell("quel est l'etat de sante du pape", TEXTS) == "quel est l'état de santé du pape"


def test_a_user_who_capitalized_keeps_his_capitals_and_gets_accents_only() -> None:
    assert respell("Qui est le president de la republique d'Ukraine ?", TEXTS) == (
        "Qui est le président de la république d'Ukraine ?"
    )
    typed = "Qui a remporté l'Eurovision en 2016 ?"
    assert respell(typed, TEXTS) == typed


def test_a_question_in_capitals_is_put_in_lower_case_but_for_names_and_acronyms() -> None:
    assert respell("QUI A VOTÉ AU ROYAUME-UNI ET AUX PAYS-BAS ?", TEXTS) == (
        "Qui a voté au Royaume-Uni et aux Pays-Bas ?"
    )
    assert respell("QUEL EST LE RÔLE DU FMI ?", TEXTS) == "Quel est le rôle du FMI ?"


def test_a_word_typed_as_a_french_word_keeps_its_meaning() -> None:
    # "dirige", "gagne" are words as typed: who leads, not who led.
    assert respell("Qui dirige la BCE ?", TEXTS) == "Qui dirige la BCE ?"
    assert respell("qui gagne le plus au loto", []) == "qui gagne le plus au loto"
    # After an auxiliary the participle is meant, however it is spelt.
    assert respell("qui a ete arrete", []) == "qui a été arrêté"
    # "ou" and "où" fold alike: the user's choice stands; "the" is no "thé".
    assert respell("ou a eu lieu l'eurovision", TEXTS).startswith("ou a eu lieu")
    assert respell("qui a gagne the voice", TEXTS) == "qui a gagné The Voice"


def test_the_word_list_adds_accents_only_to_a_question_typed_without_any() -> None:
    assert respell("quel celebre ouvrage a ete brode", TEXTS) == "quel célèbre ouvrage a été brodé"
    assert respell("quel celebre ouvrage a été brodé", []) == "quel celebre ouvrage a été brodé"


def test_a_question_in_another_language_is_only_put_out_of_capitals() -> None:
    assert respell("WHO WON EUROVISION IN STOCKHOLM?", TEXTS, "en") == (
        "Who won eurovision in stockholm?"
    )
    typed = "who won eurovision in stockholm?"
    assert respell(typed, TEXTS, "en") == typed
