"""Every question has a "today": nothing published after it is evidence, recent news comes first
when no period is named, an explicit period wins, undated articles are never filtered out.

Over the bag-of-words fake and a real embedded Chroma: these are rules of the ranking, not of
the model. The same four stories about one topic, published two months apart, and one undated.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from index.answer import Answerer
from index.answer.refusal import no_news_then
from index.engine import NewsIndex
from index.evaluation import load_qa
from index.evaluation.runner import evaluate_item
from index.retrieval import (
    Filters,
    asks_a_count,
    asks_a_toll,
    asks_current_state,
    before_the_period,
    find_date_range,
    outcome_after,
    past_of_what_is_to_come,
)
from index.written_dates import human_date
from ingest.pipeline import Ingestor
from tests.conftest import write_jsonl

TOPIC = "Le conseil municipal de Vernon élit son nouveau maire après un long débat public."
DAYS = ("2016-03-10", "2016-05-10", "2016-07-10", "2016-09-10")


@pytest.fixture()
def dated(fake_index: NewsIndex, tmp_path: Path) -> NewsIndex:
    records = [
        {
            "id": f"vernon-{day}",
            "title": f"Vernon : un nouveau maire ({n})",
            "text": f"{TOPIC} Le maire numéro {n} prend ses fonctions.",
            "published_at": day,
            "source": "Local",
        }
        for n, day in enumerate(DAYS, 1)
    ]
    corpus = write_jsonl(tmp_path / "dated.jsonl", records)
    undated = tmp_path / "undated.txt"
    undated.write_text(f"Vernon : archives du maire\n{TOPIC} Notes sans date.\n", "utf-8")
    Ingestor(fake_index.settings, fake_index).run([str(corpus), str(undated)])
    fake_index.sync_lexical()
    return fake_index


def published(index: NewsIndex, question: str, as_of: date) -> list[str]:
    passages = index.search(question, 5, Filters(as_of=as_of))
    return [p.published_at.isoformat() if p.published_at else "undated" for p in passages]


def test_articles_after_the_reference_date_are_never_evidence(dated: NewsIndex) -> None:
    days = published(dated, "Qui est le maire de Vernon ?", date(2016, 6, 1))
    assert days and all(d == "undated" or d <= "2016-06-01" for d in days)
    assert "undated" in days  # an undated article is never dropped by the date filter


def test_with_no_period_named_the_latest_before_today_comes_first(dated: NewsIndex) -> None:
    assert published(dated, "Qui est le maire de Vernon ?", date(2016, 9, 12))[0] == "2016-09-10"
    assert published(dated, "Qui est le maire de Vernon ?", date(2016, 5, 20))[0] == "2016-05-10"


def test_an_explicit_period_wins_over_recency(dated: NewsIndex) -> None:
    question = "Qui a été élu maire de Vernon en mars 2016 ?"
    assert published(dated, question, date(2016, 9, 12))[0] == "2016-03-10"


def test_a_question_naming_a_year_is_not_pushed_toward_recent_news(dated: NewsIndex) -> None:
    # A lone year is no period for the date parser, yet the question is not about "now": it is
    # ranked as with recency switched off, while the same words without the year are not.
    flat = NewsIndex(dated.settings.model_copy(update={"recency_weight": 0.0}), dated.store,
                     dated.embedder)  # fmt: skip
    today = Filters(as_of=date(2016, 9, 12))

    def order(index: NewsIndex, question: str) -> list[str]:
        return [p.chunk_id for p in index.search(question, 5, today)]

    assert order(dated, "Maire de Vernon 2016 ?") == order(flat, "Maire de Vernon 2016 ?")
    assert order(dated, "Maire de Vernon ?") != order(flat, "Maire de Vernon ?")
    assert not asks_current_state("Qui est le maire de Vernon en 2016 ?")  # a year: not now


def test_a_period_after_the_newest_article_gets_an_honest_refusal(dated: NewsIndex) -> None:
    settings = dated.settings.model_copy(
        update={"answer_backend": "extractive", "refusal_threshold": 0.0}
    )
    answerer = Answerer(settings, dated)
    later = date(2018, 1, 1)
    gone = answerer.answer("Qui a été élu maire de Vernon en mai 2017 ?", as_of=later)
    # The archive ends before the question's "today": the user is told where.
    ends = human_date(date.fromisoformat(DAYS[-1]), "fr")
    said = (
        f"Je ne sais pas : l'archive n'a aucun article de cette période ; elle s'arrête au {ends}."
    )
    assert gone.refused and gone.closest and gone.text == said
    english = answerer.answer("Who was elected mayor of Vernon in May 2017?", as_of=later)
    assert english.text.startswith("I don't know: the archive holds no article from that period;")
    # A period the archive covers is answered, and so is a question that looks ahead, which
    # an article written before the period may answer.
    assert not answerer.answer("Qui a été élu maire de Vernon en mars 2016 ?", as_of=later).refused
    ahead = answerer.answer("Qui sera élu maire de Vernon en mai 2017 ?", as_of=later)
    assert ahead.text != no_news_then("fr")
    # "Hier", as the archive stood then: the day after its newest article, and long after.
    yesterday = "Qui a été élu maire de Vernon hier ?"
    assert not answerer.answer(yesterday, as_of=date(2016, 9, 11)).refused
    assert answerer.answer(yesterday, as_of=date(2016, 12, 1)).text == gone.text
    # How things stand today is asked of the latest news, however old.
    now = answerer.answer("Qui est le maire de Vernon aujourd'hui ?", as_of=later)
    assert now.text != no_news_then("fr")
    # Who won an event of a year after the archive: no period for the date parser ("Vernon
    # 2017"), yet no article of the archive can tell; asked ahead, the archive may speak of it.
    won = answerer.answer("Qui a gagné le débat public de Vernon 2017 ?", as_of=later)
    assert won.refused and won.text == gone.text
    assert not answerer.answer("Qui a gagné le débat public de Vernon 2016 ?", as_of=later).refused
    ahead = answerer.answer("Qui va gagner le débat public de Vernon 2017 ?", as_of=later)
    assert ahead.text != no_news_then("fr")
    # A past tense about what is still to come: no article can tell it, however current (and
    # where the archive ends does not matter).
    tomorrow = answerer.answer("Qui a été élu maire de Vernon demain ?", as_of=date(2016, 9, 11))
    assert tomorrow.refused and tomorrow.text == no_news_then("fr")
    ahead = answerer.answer("Qui sera élu maire de Vernon demain ?", as_of=date(2016, 9, 11))
    assert ahead.text != no_news_then("fr")


@pytest.mark.parametrize(
    ("question", "refused"),
    [("Qui est mort demain ?", True), ("Who won the election next month?", True),
     ("Qui a été élu le mois prochain ?", True),
     # asked ahead, or the period is what a thing is for or of, or a name
     ("Qui jouera demain ?", False), ("Qu'est-ce qui est prévu la semaine prochaine ?", False),
     ("Qu'a annoncé Macron pour la semaine prochaine ?", False),
     ("Qu'a dit Macron sur l'école de demain ?", False), ("Qui a réalisé le film Demain ?",
     False), ("Who directed Tomorrow Never Dies?", False), ("What happened the next week?",
     False), ("What did Congress pass for next year's budget?", False),
     ("Demain nous appartient : qui a été choisi ?", False), ("À demain !", False)],
)  # fmt: skip
def test_a_past_tense_about_what_is_still_to_come(question: str, refused: bool) -> None:
    assert past_of_what_is_to_come(question) is refused


@pytest.mark.parametrize(
    ("question", "refused"),
    [("Who was elected president of Burundi in May 2020?", True),
     ("Qui a remporté la Ligue des champions en 2023 ?", True),
     ("Qu'a dit Macron aujourd'hui ?", True), ("Qu'est-il arrivé hier ?", True),
     ("Qui est mort cette année ?", True), ("Qui présidait la France en 2021 ?", True),
     # Looking ahead, a schedule in the present, how things stand now: older news may answer.
     ("Qui sera élu en mai 2020 ?", False), ("Où se déroulent les Jeux olympiques en 2024 ?",
     False), ("Qui pourrait gagner la présidentielle en 2022 ?", False),
     ("Who is running for president in 2020?", False),
     ("Qui est le président aujourd'hui ?", False), ("Et en 2028 ?", False),
     ("Qui est Premier ministre depuis 2020 ?", False)],
)  # fmt: skip
def test_only_a_past_question_about_a_period_after_the_archive_is_refused(
    question: str, refused: bool
) -> None:
    today = date(2026, 12, 6)
    period = find_date_range(question, today)
    assert before_the_period(date(2018, 12, 31), period, question, today) is refused


@pytest.mark.parametrize(
    ("question", "refused"),
    [("Qui a gagné l'Eurovision 2019 ?", True), ("Who won Eurovision 2019?", True),
     ("Who is the winner of Eurovision 2019?", True), ("Qui remporte la Coupe du monde 2022 ?",
     True),
     # an event the archive saw, a question asked ahead, another verb than winning
     ("Qui a gagné l'Eurovision 2018 ?", False), ("Qui va gagner l'Eurovision 2019 ?", False),
     ("Who will win Eurovision 2019?", False), ("Quelle ville a été élue pour les JO 2024 ?",
     False), ("Quel pays a obtenu la Coupe du monde 2026 ?", False),
     # a host, a bid, a contract or a budget is won before its year
     ("Quelle ville a remporté les JO 2024 ?", False), ("Qui a gagné le droit d'organiser "
     "l'Euro 2020 ?", False), ("Who won the contract to build the 2022 World Cup stadiums?",
     False), ("Quels sont les gagnants du budget 2019 ?", False)],
)  # fmt: skip
def test_who_won_an_event_after_the_archive_is_refused(question: str, refused: bool) -> None:
    assert outcome_after(date(2018, 12, 31), question) is refused
    assert not outcome_after(None, question)  # an archive with no dated article


def test_state_questions_are_told_apart() -> None:
    for question in ("Qui est le Premier ministre ?", "Who is the president?",
                     "Quel est le prix actuel du pétrole ?", "Qui préside la Corée du Sud ?",
                     "Quel pays est le tenant du titre ?", "Who leads the party?",
                     "Which team is the reigning champion?",
                     "Combien de morts dans l'attentat de Nice ?",  # a toll, revised later
                     "Quel est le bilan du séisme ?",
                     "How many people were killed in the attack?",
                     "Combien d'exoplanètes sont connues à ce jour ?",  # "so far": as it stands
                     "On en est à combien de jours de grève ?",
                     "How many interchanges are still closed?",
                     "Où en est la grève des cheminots ?", "Qu'en est-il de la grève ?",
                     "Combien de foyers sont toujours privés d'électricité ?",
                     "Combien de gardes à vue lors du dernier acte ?",  # the latest one
                     "Quel duo a remporté la dernière finale ?",
                     # the latest one, even of an event
                     "Quel cycliste est mort le plus récemment ?",
                     "Quelle est la plus récente victime du virus ?",
                     "Which film director died most recently?",
                     "Where was the latest earthquake?"):  # fmt: skip
        assert asks_current_state(question), question
    for question in ("Qui a gagné l'Eurovision 2016 ?", "Pourquoi le pont s'est-il effondré ?",
                     "Qui présidait la Corée du Sud ?", "Qui préside la Corée du Sud en 2016 ?",
                     "Quel pays a gagné l'Eurovision ?", "Quel jour est né Michel Rocard ?",
                     "Quel avion est tombé en Égypte ?", "Qui a battu le tenant du titre ?",
                     "Which president is buried at Colombey?", "Combien coûte un iPhone ?",
                     "Combien de morts en 2016 ?", "Combien de buts a marqué Messi ?",
                     "Que s'est-il passé à ce jour-là ?",
                     "Quel astronaute a été le dernier à marcher sur la Lune ?",
                     "Qui a gagné la semaine dernière ?",
                     "Qui est mort le plus récemment en 2016 ?"):  # fmt: skip
        assert not asks_current_state(question), question
    # A toll is counted again as news comes in; a government's record is no toll.
    assert asks_a_toll("Quel est le bilan du séisme ?")
    assert not asks_a_toll("Quel est le bilan du quinquennat ?")
    # Any count may be revised; a question that asks who or what is no count.
    assert asks_a_count("Combien de stations-service sont à sec ?")
    assert asks_a_count("How many people were killed in the attack?")
    assert asks_a_count("What is the number of cases so far?")
    assert asks_a_count("Quel est le bilan du séisme ?")
    assert not asks_a_count("Qui est le Premier ministre ?")
    assert not asks_a_count("Quel est le bilan du quinquennat ?")


def test_eval_lines_carry_their_own_today(dated: NewsIndex, tmp_path: Path) -> None:
    lines = [
        {"id": "early", "question": "Qui est le maire de Vernon ?", "as_of": "2016-04-01",
         "evidence_ids": ["vernon-2016-03-10"]},
        {"id": "late", "question": "Qui est le maire de Vernon ?", "as_of": "2016-09-11",
         "evidence_ids": ["vernon-2016-09-10"]},
        {"id": "bad", "question": "Qui ?", "as_of": "hier", "evidence_ids": ["x"]},
    ]  # fmt: skip
    qa = tmp_path / "qa.jsonl"
    qa.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    items, bad = load_qa(qa)
    assert [b.line for b in bad] == [3] and "ISO date" in bad[0].reason
    for item in items:
        result = evaluate_item(dated, item, 5)
        assert result.hit_rank == 1, item.id
        assert result.as_json()["as_of"] == item.as_of.isoformat()  # type: ignore[union-attr]
