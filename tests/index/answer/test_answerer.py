"""The answerer over a real embedded Chroma filled by the ingest pipeline, with the fake encoder:
what it cites, when it refuses, in which language, and how follow-ups and filters reach it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

import pytest

from index.answer import Answerer, dont_know
from index.answer.reading import SpanReader
from index.engine import NewsIndex
from index.reading import Span
from index.records import Answer, Turn
from ingest.pipeline import Ingestor
from tests.conftest import make_settings, write_jsonl
from tests.fakes.encoder import fake_embedder
from tests.fakes.reader import Finder

ARTICLES: list[dict[str, object]] = [
    {
        "id": "lyon-budget",
        "title": "Lyon vote son budget",
        "source": "Le Progrès",
        "published_at": "2017-03-14",
        "lang": "fr",
        "text": (
            "Le conseil municipal de Lyon a voté mardi le budget de la ville pour 2017. "
            "Le budget atteint 780 millions d'euros, en hausse de deux pour cent. "
            "L'opposition a dénoncé une hausse des impôts locaux."
        ),
    },
    {
        "id": "sncf-greve",
        "title": "Grève à la SNCF",
        "source": "AFP",
        "published_at": "2017-03-09",
        "lang": "fr",
        "text": (
            "La grève des cheminots a perturbé le trafic ferroviaire jeudi dans toute la France. "
            "Un TGV sur deux circulait selon la direction de la SNCF. "
            "Les syndicats réclament des hausses de salaire."
        ),
    },
    {
        "id": "cannes-affiche",
        "title": "Cannes dévoile son affiche",
        "source": "AFP",
        "published_at": "2017-04-12",
        "lang": "fr",
        "text": (
            "Le festival de Cannes a dévoilé son affiche officielle mercredi. "
            "Le réalisateur espagnol Pedro Almodóvar présidera le jury cette année."
        ),
    },
    {
        "id": "wildfire",
        "title": "Wildfire near Valencia",
        "source": "Reuters",
        "published_at": "2017-04-02",
        "lang": "en",
        "text": (
            "Firefighters contained a wildfire near Valencia on Sunday after three days. "
            "More than two thousand residents were evacuated from nearby villages."
        ),
    },
]


@pytest.fixture()
def index(tmp_path: Path) -> NewsIndex:
    # The fake's cosines are lower than e5's: its refusal threshold is its own.
    settings = make_settings(tmp_path / "data", refusal_threshold=0.5, answer_backend="extractive")
    index = NewsIndex.open(settings, embedder=fake_embedder())
    report = Ingestor(settings, index).run([str(write_jsonl(tmp_path / "c.jsonl", ARTICLES))])
    assert (report.added, report.failed) == (4, 0)
    return index


@pytest.fixture()
def answerer(index: NewsIndex) -> Answerer:
    return Answerer(index.settings, index)


def article_text(article_id: str) -> str:
    return next(str(a["text"]) for a in ARTICLES if a["id"] == article_id)


def assert_quotes_exact(answer: Answer) -> None:
    for citation in answer.citations:
        text = article_text(citation.passage.article_id)
        assert text[citation.start : citation.end] == citation.quote
        assert f"{citation.quote} [{citation.n}]" in answer.text


def test_the_answer_cites_the_sentence_that_answers(answerer: Answerer) -> None:
    answer = answerer.answer("À combien d'euros atteint le budget ?")
    assert not answer.refused and answer.language == "fr" and answer.backend == "extractive"
    assert answer.citations[0].passage.article_id == "lyon-budget"
    assert "780 millions d'euros" in answer.text
    assert_quotes_exact(answer)


def test_a_question_the_archive_cannot_answer_is_refused(answerer: Answerer) -> None:
    answer = answerer.answer("Quelle est la recette de la tarte tatin ?")
    assert answer.refused and answer.text == dont_know("fr")
    assert not answer.citations and answer.closest  # the nearest articles, offered as such
    assert answer.evidence < answerer.settings.refusal_threshold


def test_an_english_question_gets_an_english_answer_or_refusal(answerer: Answerer) -> None:
    answer = answerer.answer("How many residents were evacuated because of the wildfire?")
    assert answer.language == "en" and not answer.refused
    assert "two thousand residents were evacuated" in answer.text
    assert_quotes_exact(answer)
    refused = answerer.answer("What is the boiling point of liquid nitrogen?")
    assert refused.refused and refused.text == dont_know("en")


def test_a_follow_up_is_searched_with_the_previous_question(answerer: Answerer) -> None:
    first = answerer.answer("Pourquoi les cheminots de la SNCF font-ils grève ?")
    follow = answerer.answer("Et combien de TGV circulaient ?", [Turn(first.question, first.text)])
    assert follow.question.startswith("Et combien de TGV circulaient cheminots")
    assert "grève" in follow.question
    assert "Un TGV sur deux circulait" in follow.text
    alone = answerer.answer("Et combien de TGV circulaient ?")
    assert alone.question == "Et combien de TGV circulaient ?"


def test_a_source_filter_keeps_other_sources_out_of_the_answer(answerer: Answerer) -> None:
    question = "Qui présidera le jury du festival de Cannes ?"
    assert "Pedro Almodóvar" in answerer.answer(question).text
    filtered = answerer.answer(question, sources=["Le Progrès"])
    assert all(c.passage.source == "Le Progrès" for c in filtered.citations)
    assert all(p.source == "Le Progrès" for p in filtered.closest)
    assert "Almodóvar" not in filtered.text


def test_answer_timed_reports_the_retrieval_behind_the_answer(answerer: Answerer) -> None:
    timed = answerer.answer_timed("À combien d'euros atteint le budget ?")
    assert timed.retrieval.passages[0].article_id == "lyon-budget"
    assert timed.answer.citations[0].passage in timed.retrieval.passages
    assert timed.retrieval_ms > 0 and timed.answer_ms > 0


class StringReader:
    """Finds `answer` by string search in any passage holding it, sure of it by `margin`, and
    notes the questions it is asked."""

    def __init__(self, answer: str, margin: float) -> None:
        self.answer, self.margin = answer, margin
        self.asked: list[str] = []

    def read(
        self, question: str, passages: Sequence[str], titles: Sequence[str] = ()
    ) -> list[Span | None]:
        self.asked.append(question)
        return [
            Span(t.index(self.answer), t.index(self.answer) + len(self.answer), self.margin, 0.0)
            if self.answer in t
            else None
            for t in passages
        ]


def with_reader(index: NewsIndex, reader: SpanReader) -> Answerer:
    # The string reader's margins are its own: no cosine weight, refusal below zero.
    settings = index.settings.model_copy(
        update={
            "answer_backend": "reader",
            "reader_retrieval_weight": 0.0,
            "reader_refusal_threshold": 0.0,
        }
    )
    return Answerer(settings, index, reader=reader)


def test_the_reader_answers_facts_with_its_span(index: NewsIndex) -> None:
    answerer = with_reader(index, StringReader("780 millions d'euros", 9.0))
    answer = answerer.answer("Combien atteint le budget de Lyon ?")
    assert answer.text == "780 millions d'euros [1]" and answer.span == "780 millions d'euros"
    assert answer.citations[0].quote == (
        "Le budget atteint 780 millions d'euros, en hausse de deux pour cent."
    )


def test_why_questions_get_sentences_once_the_reader_finds_an_answer(index: NewsIndex) -> None:
    answer = with_reader(index, StringReader("hausses de salaire", 9.0)).answer(
        "Pourquoi les cheminots font-ils grève ?"
    )
    assert not answer.refused and answer.span == "" and answer.backend == "reader"
    assert "Les syndicats réclament des hausses de salaire. [1]" in answer.text
    refused = with_reader(index, StringReader("hausses de salaire", -5.0)).answer(
        "Pourquoi les cheminots font-ils grève ?"
    )
    assert refused.refused and refused.citations == ()


QUAKE = [
    {"id": f"seisme-{day}", "title": "Séisme en Italie", "published_at": f"2016-08-{day}",
     "lang": "fr", "text": f"Le séisme en Italie a fait {dead} morts selon {who}."}
    for day, dead, who in ((26, 241, "la protection civile"), (29, 281, "un nouveau bilan"))
]  # fmt: skip


def test_a_count_asked_as_it_stands_takes_the_latest_figure_from_further_behind(
    tmp_path: Path,
) -> None:
    # The reader is surer (8 against 2) of the first count: 6 behind is beyond the state
    # slack (4), within the slack and the period relief (9), which a count news revises gets.
    settings = make_settings(tmp_path / "data", answer_backend="reader",
                             reader_retrieval_weight=0.0, reader_refusal_threshold=0.0)  # fmt: skip
    index = NewsIndex.open(settings, embedder=fake_embedder())
    Ingestor(settings, index).run([str(write_jsonl(tmp_path / "q.jsonl", QUAKE))])
    august_30 = date(2016, 8, 30)
    answerer = Answerer(settings, index, reader=Finder({"241 morts": 8.0, "281 morts": 2.0}))
    for count in (QUAKE_COUNT,
                  "How many people has the earthquake in Italy killed so far?"):  # fmt: skip
        assert answerer.answer(count, as_of=august_30).span == "281 morts", count
    # A count that is no toll, made a question of how things stand by "jusqu'ici".
    people = "Combien de personnes le séisme en Italie a-t-il touchées jusqu'ici ?"
    assert answerer.answer(people, as_of=august_30).span == "281 morts"
    # Not a count: the state slack alone, and the surer span stays first.
    state = "Qu'en est-il du séisme en Italie en ce moment ?"
    assert answerer.answer(state, as_of=august_30).span == "241 morts"
    # Far surer (10 behind), the reader keeps the first count even so.
    surer = Answerer(settings, index, reader=Finder({"241 morts": 12.0, "281 morts": 2.0}))
    assert surer.answer(QUAKE_COUNT, as_of=august_30).span == "241 morts"
    # Before the second article, the first count is the latest there is.
    assert answerer.answer(QUAKE_COUNT, as_of=date(2016, 8, 27)).span == "241 morts"


QUAKE_COUNT = "Le séisme en Italie a fait combien de morts jusqu'ici ?"


STRIKE = [
    {"id": "greve-22", "title": "Grève des cheminots : la mobilisation des cheminots continue",
     "published_at": "2018-12-08", "lang": "fr",
     "text": "La grève des cheminots en est à son 22e jour de mobilisation, selon les syndicats "
             "de cheminots en grève, qui comptent les jours."},
    {"id": "greve-29", "title": "SNCF", "published_at": "2018-12-15", "lang": "fr",
     "text": "Le trafic reste perturbé samedi : 29e jour."},
]  # fmt: skip


def test_how_things_stand_also_reads_the_latest_articles_found(tmp_path: Path) -> None:
    # Only the first passage is read as such: the latest article, which says less of the
    # question's words, comes second and is read because it is the latest.
    settings = make_settings(tmp_path / "data", answer_backend="reader", reader_passages=1,
                             reader_retrieval_weight=0.0, reader_refusal_threshold=0.0)  # fmt: skip
    index = NewsIndex.open(settings, embedder=fake_embedder())
    Ingestor(settings, index).run([str(write_jsonl(tmp_path / "g.jsonl", STRIKE))])
    reader = Finder({"22e jour": 6.0, "29e jour": 5.0})
    question = "On en est à combien de jours de grève des cheminots ?"
    december_16 = date(2018, 12, 16)
    timed = Answerer(settings, index, reader=reader).answer_timed(question, as_of=december_16)
    assert timed.retrieval.passages[0].article_id == "greve-22"
    assert timed.answer.span == "29e jour"
    alone = settings.model_copy(update={"reader_state_latest": 0})
    assert Answerer(alone, index, reader=reader).answer(question, as_of=december_16).span == (
        "22e jour"
    )
    # A question about a past day is no question of how things stand: the top passage alone.
    past = "Combien de jours de grève des cheminots le 8 décembre 2018 ?"
    assert Answerer(settings, index, reader=reader).answer(past, as_of=december_16).span == (
        "22e jour"
    )


def test_a_question_typed_without_accents_or_capitals_is_read_as_the_archive_spells_it(
    index: NewsIndex,
) -> None:
    reader = StringReader("Pedro Almodóvar", 9.0)
    answer = with_reader(index, reader).answer("qui presidera le jury du festival de cannes")
    assert reader.asked == ["qui présidera le jury du festival de Cannes"]
    assert answer.span == "Pedro Almodóvar"
    reader.asked.clear()
    # Typed on a phone, with a typographic apostrophe: read with a plain one.
    with_reader(index, reader).answer("Qui présidera le jury de l’édition de Cannes ?")
    assert reader.asked == ["Qui présidera le jury de l'édition de Cannes ?"]


def test_a_span_from_the_short_period_asked_needs_less_evidence(index: NewsIndex) -> None:
    # Below the refusal threshold (0) by less than the period relief (5): answered when the
    # span's article was published in the month or less asked about, refused otherwise.
    answerer = with_reader(index, StringReader("two thousand", -2.0))
    question = "How many residents were evacuated near Valencia {}?"
    may_10 = date(2017, 5, 10)  # "last month" is April
    answered = answerer.answer(question.format("last month"), as_of=may_10)
    assert not answered.refused and answered.span == "two thousand"
    for period in ("in 2017", "in March 2017"):  # a year; a month without the article
        assert answerer.answer(question.format(period), as_of=may_10).refused
    assert answerer.answer(question.format(""), as_of=may_10).refused
    strict = Answerer(
        answerer.settings.model_copy(update={"reader_period_relief": 0.0}),
        index,
        reader=StringReader("two thousand", -2.0),
    )
    assert strict.answer(question.format("last month"), as_of=may_10).refused


def test_a_short_period_asked_reaches_further_for_its_news(index: NewsIndex) -> None:
    # The reader is surer (7 against 1) of the budget, read in an article of 14 March: 6 is
    # beyond the slack (4), within the slack and the period relief (9).
    answerer = with_reader(index, Finder({"780 millions": 7.0, "Un TGV sur deux": 1.0}))
    march_15 = date(2017, 3, 15)
    week = answerer.answer("Qu'a-t-on appris la semaine dernière ?", as_of=march_15)
    assert week.span == "Un TGV sur deux"  # the strike, on 9 March, is last week's news
    # A period of five weeks keeps the slack: the surer span stays first.
    longer = "Qu'a-t-on appris entre le 1er février et le 10 mars 2017 ?"
    assert answerer.answer(longer, as_of=march_15).span == "780 millions"
    # Far surer of another day's news (10 behind), the reader keeps it.
    surer = with_reader(index, Finder({"780 millions": 11.0, "Un TGV sur deux": 1.0}))
    assert surer.answer("Qu'a-t-on appris la semaine dernière ?", as_of=march_15).span == (
        "780 millions"
    )
