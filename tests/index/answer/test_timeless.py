"""The question as the reader reads it: relative periods written as dates, "now" words out."""

from __future__ import annotations

from datetime import date

import pytest

from index.answer.timeless import timeless
from index.retrieval import find_date_range

TODAY = date(2017, 10, 28)


def read(question: str, language: str = "fr") -> str:
    return timeless(question, find_date_range(question, TODAY), TODAY, language)


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
        # Left as they are: dates named, a week, today, no period at all.
        ("Qui a gagné en mars 2017 ?", "fr", "Qui a gagné en mars 2017 ?"),
        ("Qui a démissionné le 20/10/2017 ?", "fr", "Qui a démissionné le 20/10/2017 ?"),
        ("What happened last week in Turkey?", "en", "What happened last week in Turkey?"),
        ("Qui est le président aujourd'hui ?", "fr", "Qui est le président aujourd'hui ?"),
        ("Qui a reçu le prix Nobel de médecine ?", "fr", "Qui a reçu le prix Nobel de médecine ?"),
    ],
)
def test_the_reader_reads_dates_not_relative_words(
    question: str, language: str, reader_reads: str
) -> None:
    assert read(question, language) == reader_reads
