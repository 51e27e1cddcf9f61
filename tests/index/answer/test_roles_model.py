"""Who holds an office on a date, with the real embedder, reader and an embedded Chroma: the
obituary of a former prime minister is what the question is closest to, yet the answer is the
holder that the latest article before the question's date names in passing."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from index.answer import Answerer
from index.engine import NewsIndex
from index.reading.runtime import Reader
from ingest.pipeline import Ingestor
from tests.conftest import write_jsonl

ARTICLES = [
    {
        "id": "rocard",
        "published_at": "2016-07-03",
        "title": "France : mort de l'ancien Premier ministre Michel Rocard",
        "text": "3 juillet 2016. – L'ancien Premier ministre Michel Rocard est mort samedi à "
        "Paris à 85 ans. Premier ministre de François Mitterrand de 1988 à 1991, il avait créé "
        "le revenu minimum d'insertion.",
    },
    {
        "id": "nice",
        "published_at": "2016-07-14",
        "title": "France : un camion fonce sur la foule à Nice",
        "text": "14 juillet 2016. – Un camion a foncé sur la foule venue voir le feu d'artifice "
        "sur la promenade des Anglais. Le Premier ministre, Manuel Valls, a réuni la cellule "
        "interministérielle de crise.",
    },
    {
        "id": "lille",
        "published_at": "2017-02-16",
        "title": "France : la menace terroriste reste élevée",
        "text": "16 février 2017. – Un projet d'attentat a été déjoué à Montpellier. « La menace "
        "reste extrêmement élevée », a déclaré le Premier ministre Bernard Cazeneuve, en "
        "déplacement à Lille.",
    },
]


def test_the_holder_named_last_before_the_date_is_the_answer(
    fresh_index: NewsIndex, reader: Reader, tmp_path: Path
) -> None:
    corpus = write_jsonl(tmp_path / "pm.jsonl", ARTICLES)
    assert Ingestor(fresh_index.settings, fresh_index).run([str(corpus)]).added == 3
    fresh_index.sync_lexical()
    answerer = Answerer(fresh_index.settings, fresh_index, reader=reader)
    question = "Qui est le Premier ministre français ?"
    later = answerer.answer(question, as_of=date(2017, 3, 1))
    assert later.span == "Bernard Cazeneuve" and later.citations[0].passage.article_id == "lille"
    assert answerer.answer(question, as_of=date(2016, 8, 1)).span == "Manuel Valls"
    asked = answerer.answer("Qui était Premier ministre en juillet 2016 ?", as_of=date(2018, 1, 1))
    assert asked.span == "Manuel Valls"
    # Asked in English, the office is looked for under its French names.
    english = answerer.answer("Who is the French prime minister?", as_of=date(2017, 3, 1))
    assert english.span == "Bernard Cazeneuve"
