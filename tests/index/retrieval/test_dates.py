"""Time expressions in questions, French and English, against dates worked out by hand."""

from __future__ import annotations

import unicodedata
from datetime import date

import pytest

from index.retrieval import DateRange, find_date_range, period_names

TODAY = date(2017, 3, 15)  # a Wednesday; Monday of its week is 13 March


def d(text: str) -> date:
    return date.fromisoformat(text)


# (question, expected start, expected end, expected text); None = open end.
FRENCH = [
    ("Qu'a dit Macron aujourd'hui ?", "2017-03-15", "2017-03-15", "aujourd'hui"),
    ("Que s'est-il passé hier ?", "2017-03-14", "2017-03-14", "hier"),
    ("Et avant-hier ?", "2017-03-13", "2017-03-13", "avant-hier"),
    ("Et avant hier ?", "2017-03-13", "2017-03-13", "avant hier"),
    ("Quoi de neuf cette semaine ?", "2017-03-13", "2017-03-15", "cette semaine"),
    ("Qui a parlé la semaine dernière ?", "2017-03-06", "2017-03-12", "la semaine dernière"),
    ("Qui a parlé la semaine passée ?", "2017-03-06", "2017-03-12", "la semaine passée"),
    ("Les chiffres de ce mois-ci", "2017-03-01", "2017-03-15", "ce mois-ci"),
    ("Le chômage le mois dernier", "2017-02-01", "2017-02-28", "le mois dernier"),
    ("Combien d'attentats cette année ?", "2017-01-01", "2017-03-15", "cette année"),
    ("Qui a gagné l'année dernière ?", "2016-01-01", "2016-12-31", "l'année dernière"),
    ("Qui a gagné l’an dernier ?", "2016-01-01", "2016-12-31", "l’an dernier"),
    ("Qui a gagné l'an passé ?", "2016-01-01", "2016-12-31", "l'an passé"),
    ("Que s'est-il passé en mars 2017 ?", "2017-03-01", "2017-03-31", "en mars 2017"),
    ("Que s'est-il passé en mars ?", "2017-03-01", "2017-03-31", "en mars"),
    ("Que s'est-il passé en avril ?", "2016-04-01", "2016-04-30", "en avril"),
    ("Que s'est-il passé en février dernier ?", "2017-02-01", "2017-02-28", "en février dernier"),
    ("Qui a été élu en 2016 ?", "2016-01-01", "2016-12-31", "en 2016"),
    ("Combien de morts depuis 2016 ?", "2016-01-01", "2017-03-15", "depuis 2016"),
    ("Combien de morts depuis mars 2017 ?", "2017-03-01", "2017-03-15", "depuis mars 2017"),
    ("Qui est mort le 20/01/2017 ?", "2017-01-20", "2017-01-20", "le 20/01/2017"),
    ("Que s'est-il passé le 5.3.2017 ?", "2017-03-05", "2017-03-05", "le 5.3.2017"),
    ("Qui est mort avant le 20/01/2017 ?", None, "2017-01-19", "avant le 20/01/2017"),
    ("Qui gouvernait avant 2017 ?", None, "2016-12-31", "avant 2017"),
    ("Qui gouverne après 2016 ?", "2017-01-01", None, "après 2016"),
    ("Les élections entre 2016 et 2017", "2016-01-01", "2017-12-31", "entre 2016 et 2017"),
    ("Que s'est-il passé le 12 mars 2017 ?", "2017-03-12", "2017-03-12", "le 12 mars 2017"),
    ("Que s'est-il passé il y a 3 jours ?", "2017-03-12", "2017-03-12", "il y a 3 jours"),
    ("Que s'est-il passé il y a 3 semaines ?", "2017-02-20", "2017-02-26", "il y a 3 semaines"),
    ("Que s'est-il passé il y a 3 mois ?", "2016-12-01", "2016-12-31", "il y a 3 mois"),
    ("Que s'est-il passé il y a 3 ans ?", "2014-01-01", "2014-12-31", "il y a 3 ans"),
    ("Que s'est-il passé il y a une semaine ?", "2017-03-06", "2017-03-12", "il y a une semaine"),
    ("Les faits de ces 7 derniers jours", "2017-03-08", "2017-03-15", "ces 7 derniers jours"),
    ("Les faits des 10 derniers jours", "2017-03-05", "2017-03-15", "des 10 derniers jours"),
    ("Qu'a dit Merkel lundi dernier ?", "2017-03-13", "2017-03-13", "lundi dernier"),
    ("Qu'a-t-il dit mercredi dernier ?", "2017-03-08", "2017-03-08", "mercredi dernier"),
    # beyond the minimum: ranges of days, open ends, "mois de", ISO dates, no year given
    ("du 1er au 15 mars 2017", "2017-03-01", "2017-03-15", "du 1er au 15 mars 2017"),
    ("de novembre à février", "2016-11-01", "2017-02-28", "de novembre à février"),
    ("entre mars et mai 2016", "2016-03-01", "2016-05-31", "entre mars et mai 2016"),
    ("Les faits depuis 3 jours", "2017-03-12", "2017-03-15", "depuis 3 jours"),
    ("sur les 12 derniers mois", "2016-03-15", "2017-03-15", "sur les 12 derniers mois"),
    ("Quoi depuis l'an dernier ?", "2016-01-01", "2017-03-15", "depuis l'an dernier"),
    ("Qui régnait jusqu'en 2016 ?", None, "2016-12-31", "jusqu'en 2016"),
    ("à partir d'avril 2016", "2016-04-01", "2017-03-15", "à partir d'avril 2016"),
    ("Qui a gagné au mois de mai ?", "2016-05-01", "2016-05-31", "au mois de mai"),
    ("le lundi 13 mars 2017", "2017-03-13", "2017-03-13", "le lundi 13 mars 2017"),
    ("le 20 mars", "2016-03-20", "2016-03-20", "le 20 mars"),
    ("le 15 mars dernier", "2016-03-15", "2016-03-15", "le 15 mars dernier"),
    ("les élections de mai 2017", "2017-05-01", "2017-05-31", "mai 2017"),
    ("Et le 2017-03-02 ?", "2017-03-02", "2017-03-02", "2017-03-02"),
    ("QU'EST-CE QUI S'EST PASSÉ L'ANNÉE DERNIÈRE", "2016-01-01", "2016-12-31", "L'ANNÉE DERNIÈRE"),
]

ENGLISH = [
    ("What happened today?", "2017-03-15", "2017-03-15", "today"),
    ("What happened yesterday?", "2017-03-14", "2017-03-14", "yesterday"),
    ("And the day before yesterday?", "2017-03-13", "2017-03-13", "the day before yesterday"),
    ("Any news this week?", "2017-03-13", "2017-03-15", "this week"),
    ("Who spoke last week?", "2017-03-06", "2017-03-12", "last week"),
    ("Sales this month", "2017-03-01", "2017-03-15", "this month"),
    ("Sales last month", "2017-02-01", "2017-02-28", "last month"),
    ("Attacks this year", "2017-01-01", "2017-03-15", "this year"),
    ("Who won last year?", "2016-01-01", "2016-12-31", "last year"),
    ("What happened in March 2017?", "2017-03-01", "2017-03-31", "in March 2017"),
    ("What happened in February?", "2017-02-01", "2017-02-28", "in February"),
    ("What happened in March?", "2017-03-01", "2017-03-31", "in March"),
    ("What happened last February?", "2017-02-01", "2017-02-28", "last February"),
    ("What happened last March?", "2016-03-01", "2016-03-31", "last March"),
    ("Who was elected in 2016?", "2016-01-01", "2016-12-31", "in 2016"),
    ("Deaths since 2016", "2016-01-01", "2017-03-15", "since 2016"),
    ("Deaths since March 2017", "2017-03-01", "2017-03-15", "since March 2017"),
    ("Who ruled before 2017?", None, "2016-12-31", "before 2017"),
    ("Who rules after 2016?", "2017-01-01", None, "after 2016"),
    ("Elections between 2016 and 2017", "2016-01-01", "2017-12-31", "between 2016 and 2017"),
    ("What happened on 12 March 2017?", "2017-03-12", "2017-03-12", "on 12 March 2017"),
    ("What happened on March 12, 2017?", "2017-03-12", "2017-03-12", "on March 12, 2017"),
    ("What happened 3 days ago?", "2017-03-12", "2017-03-12", "3 days ago"),
    ("What happened a week ago?", "2017-03-06", "2017-03-12", "a week ago"),
    ("News in the last 7 days", "2017-03-08", "2017-03-15", "in the last 7 days"),
    ("News in the past 7 days", "2017-03-08", "2017-03-15", "in the past 7 days"),
    ("What did she say last Monday?", "2017-03-13", "2017-03-13", "last Monday"),
    ("News over the past week", "2017-03-08", "2017-03-15", "over the past week"),
    ("Who died on 01/20/2017?", "2017-01-20", "2017-01-20", "on 01/20/2017"),  # month first
    ("Monday, March 13, 2017", "2017-03-13", "2017-03-13", "Monday, March 13, 2017"),
    ("on the 12th of March", "2017-03-12", "2017-03-12", "on the 12th of March"),
    ("since last year", "2016-01-01", "2017-03-15", "since last year"),
    (
        "between the 1st and the 15th of March 2017",
        "2017-03-01",
        "2017-03-15",
        "between the 1st and the 15th of March 2017",
    ),
]


@pytest.mark.parametrize(("question", "start", "end", "text"), FRENCH + ENGLISH)
def test_expression(question: str, start: str | None, end: str | None, text: str) -> None:
    found = find_date_range(question, TODAY)
    assert found == DateRange(d(start) if start else None, d(end) if end else None, text)
    assert text in question  # callers cut it out of the question


@pytest.mark.parametrize(
    "question",
    [
        "Combien coûtent les 126 milliards de dollars ?",
        "Que pensent les 27 pays ?",
        "Combien de cas de COVID-19 ?",
        "Pourquoi 3 000 personnes ont-elles manifesté ?",
        "Le conseil se réunit à 20 h",
        "Que dit la loi 2016-1087 ?",
        "Qui a reçu le prix Nobel de la paix 2016 ?",
        "Who won the 2016 Nobel Peace Prize?",
        "La sonde a-t-elle atterri sur Mars ?",
        "Is there life on Mars?",
        "Le Premier ministre a-t-il 27 ans ?",
        "Il y a 3 000 ans, que s'est-il passé ?",
        "Deux semaines passées en mer",
        "What changed in past years?",
        "The last days of Pompeii",
        "Le concert de 20 h à 22 h",
        "Et en 2016-1087 ?",
        "Que s'est-il passé le 31 février 2017 ?",
        "Quelle est la capitale de la France ?",
        "Que s'est-il passé le 31/02/2017 ?",
        "Le score final : 12/10/20172",
        "Version 3.20.01.2018",
    ],
)
def test_numbers_and_names_that_are_not_dates(question: str) -> None:
    assert find_date_range(question, TODAY) is None


@pytest.mark.parametrize(
    ("question", "unit"),
    [("Que s'est-il passé hier ?", "day"), ("Qui a gagné dimanche dernier ?", "day"),
     ("Qui est mort il y a 3 jours ?", "day"), ("Qui a parlé la semaine dernière ?", "week"),
     ("Le chômage le mois dernier", "month"), ("Combien d'attentats cette année ?", "year"),
     ("What happened last year?", "year"),
     # a period with a preposition, a named date, a run of days: no calendar unit of its own
     ("Quoi depuis hier ?", None), ("Qui a gagné après le mois dernier ?", None),
     ("Que s'est-il passé en mars 2017 ?", None), ("sur les 12 derniers mois", None)],
)  # fmt: skip
def test_a_relative_calendar_unit_is_told_with_where_it_was_said(
    question: str, unit: str | None
) -> None:
    found = find_date_range(question, TODAY)
    assert found is not None and found.unit == unit
    assert question[found.at : found.at + len(found.text)] == found.text


def test_first_expression_wins() -> None:
    found = find_date_range("la semaine dernière, et en mars 2016 ?", TODAY)
    assert found is not None and found.text == "la semaine dernière"
    found = find_date_range("Qui a gagné le prix Nobel en 2016 et en 2017 ?", TODAY)
    assert found == DateRange(d("2016-01-01"), d("2016-12-31"), "en 2016")


@pytest.mark.parametrize(
    ("question", "today", "start", "end"),
    [
        ("le mois dernier", "2017-01-10", "2016-12-01", "2016-12-31"),
        ("last month", "2017-01-10", "2016-12-01", "2016-12-31"),
        ("last week", "2017-01-03", "2016-12-26", "2017-01-01"),  # Tuesday after New Year
        ("this week", "2017-01-01", "2016-12-26", "2017-01-01"),  # a Sunday
        ("lundi dernier", "2017-03-13", "2017-03-06", "2017-03-06"),  # on a Monday: a week back
        ("il y a un mois", "2016-03-31", "2016-02-01", "2016-02-29"),  # 31 March - 1 month, leap
        ("il y a un mois", "2017-03-31", "2017-02-01", "2017-02-28"),
        ("en décembre", "2017-01-10", "2016-12-01", "2016-12-31"),
        ("en janvier dernier", "2017-01-10", "2016-01-01", "2016-01-31"),
        ("le 29 février", "2017-03-15", "2016-02-29", "2016-02-29"),  # latest leap year
        ("the past month", "2016-03-31", "2016-02-29", "2016-03-31"),
    ],
)
def test_month_and_year_boundaries(question: str, today: str, start: str, end: str) -> None:
    found = find_date_range(question, d(today))
    assert found is not None and (found.start, found.end) == (d(start), d(end))


def test_since_a_future_date_is_no_range() -> None:
    assert find_date_range("depuis 2018", TODAY) is None


def test_decomposed_accents_and_typographic_punctuation() -> None:
    nfd = unicodedata.normalize("NFD", "Qu'est-il arrivé la semaine passée ?")
    found = find_date_range(nfd, TODAY)
    assert found is not None and found.text == unicodedata.normalize("NFD", "la semaine passée")
    assert (found.start, found.end) == (d("2017-03-06"), d("2017-03-12"))
    found = find_date_range("Et avant‑hier ?", TODAY)  # U+2011 non-breaking hyphen
    assert found == DateRange(d("2017-03-13"), d("2017-03-13"), "avant‑hier")


def test_a_calendar_month_or_year_has_the_names_an_article_gives_it() -> None:
    def names(question: str) -> tuple[str, ...]:
        found = find_date_range(question, TODAY)
        assert found is not None
        return period_names(found)

    assert names("Combien de naissances en septembre 2016 ?") == (
        "septembre 2016",
        "september 2016",
    )
    assert names("Who won in February 2016?") == ("fevrier 2016", "february 2016")
    assert names("Qui présidait le Parlement européen en 2016 ?") == ("2016",)
    # A week, a day or a stretch of months is named no single way.
    assert names("Qui a gagné la semaine dernière ?") == ()
    assert names("Qu'est-il arrivé hier ?") == ()
    assert names("Qu'est-il arrivé entre mars et mai 2016 ?") == ()
