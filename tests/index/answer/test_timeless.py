"""The question as the reader reads it: relative periods written as dates, "now" words out."""

from __future__ import annotations

from datetime import date

import pytest

from index.answer.timeless import timeless
from index.retrieval import find_date_range

TODAY = date(2017, 10, 28)


def read(question: str, language: str = "fr", today: date = TODAY) -> str:
    return timeless(question, find_date_range(question, today), today, language)


@pytest.mark.parametrize(
    ("question", "language", "reader_reads"),
    [
        (
            "Quelle région a voté son indépendance hier ?",
            "fr",
            "Quelle région a voté son indépendance le 27 octobre 2017 ?",
        ),
        ("Qui est mort il y a 3 jours ?", "fr", "Qui est mort le 25 octobre 2017 ?"),
        ("Qui a gagné dimanche dernier ?", "fr", "Qui a gagné le 22 octobre 2017 ?"),
        (
            "Qu'est-il arrivé le mois dernier en Syrie ?",
            "fr",
            "Qu'est-il arrivé en septembre 2017 en Syrie ?",
        ),
        ("Qui a gagné cette année ?", "fr", "Qui a gagné en 2017 ?"),
        ("Who died yesterday?", "en", "Who died on October 27, 2017?"),
        ("Who won the race last year?", "en", "Who won the race in 2016?"),
        # "Now" words are left out: passages never hold them.
        ("Qui tient Kirkouk en ce moment ?", "fr", "Qui tient Kirkouk ?"),
        ("Qui est le champion du monde en titre ?", "fr", "Qui est le champion du monde ?"),
        ("Who is the current president of France?", "en", "Who is the president of France?"),
        ("Who controls al-Bab now?", "en", "Who controls al-Bab?"),
        (
            "Qui préside par intérim actuellement, en Corée ?",
            "fr",
            "Qui préside par intérim, en Corée ?",
        ),
        (
            "Qui est l'actuelle ministre de la Culture ?",
            "fr",
            "Qui est la ministre de la Culture ?",
        ),
        ("Combien de morts à ce jour ?", "fr", "Combien de morts ?"),
        ("Who won, right now?", "en", "Who won?"),
        # The period written out where it stands, not inside a name; at the start, capitalized.
        ("Qu'a dit Thierry Mariani hier ?", "fr", "Qu'a dit Thierry Mariani le 27 octobre 2017 ?"),
        ("Hier, qui a gagné ?", "fr", "Le 27 octobre 2017, qui a gagné ?"),
        # Left as they are: dates named, a week, a period with a preposition or naming what it
        # is about, today, titles and other meanings of the "now" words, no period at all.
        ("Qui a gagné en mars 2017 ?", "fr", "Qui a gagné en mars 2017 ?"),
        ("Qui a démissionné le 20/10/2017 ?", "fr", "Qui a démissionné le 20/10/2017 ?"),
        ("What happened last week in Turkey?", "en", "What happened last week in Turkey?"),
        ("Qui a gagné cette semaine ?", "fr", "Qui a gagné cette semaine ?"),
        ("Quoi de neuf depuis hier ?", "fr", "Quoi de neuf depuis hier ?"),
        ("Que s'est-il passé au sommet d'hier ?", "fr", "Que s'est-il passé au sommet d'hier ?"),
        ("Les élections du mois dernier ?", "fr", "Les élections du mois dernier ?"),
        ("What was last year's budget?", "en", "What was last year's budget?"),
        ("Qui est le président aujourd'hui ?", "fr", "Qui est le président aujourd'hui ?"),
        ("Who directed Apocalypse Now?", "en", "Who directed Apocalypse Now?"),
        ("Qui dirige le magazine Actuel ?", "fr", "Qui dirige le magazine Actuel ?"),
        ("What is the current account deficit?", "en", "What is the current account deficit?"),
        ("What happened until now?", "en", "What happened until now?"),
        ("Is the list up to date?", "en", "Is the list up to date?"),
        ("Quel mot figure en titre du journal ?", "fr", "Quel mot figure en titre du journal ?"),
        ("Actuellement ?", "fr", "Actuellement ?"),
        ("Qui a reçu le prix Nobel de médecine ?", "fr", "Qui a reçu le prix Nobel de médecine ?"),
    ],
)
def test_the_reader_reads_dates_not_relative_words(
    question: str, language: str, reader_reads: str
) -> None:
    assert read(question, language) == reader_reads


def test_this_year_is_the_year_even_in_january() -> None:
    assert read("Qui a gagné cette année ?", today=date(2018, 1, 10)) == "Qui a gagné en 2018 ?"
