"""Sentence scoring and the extractive answer, over synthetic passages and the fake encoder."""

from __future__ import annotations

import pytest

from index.answer.extractive import (
    KEEP_WITHIN,
    MAX_EMBEDDED,
    Sentence,
    extractive_answer,
    rank_sentences,
)
from index.records import Passage
from index.retrieval import Retrieval
from tests.conftest import make_passage
from tests.fakes.encoder import BagOfWordsEncoder, fake_embedder

COUNCIL = (
    "Le conseil de sécurité s'est réuni mardi à New York. "
    "Les diplomates ont longuement discuté de la crise humanitaire. "
    "La réunion du conseil a duré cinq heures selon les participants. "
    "Oui."
)
STRIKE = (
    "La grève des cheminots a perturbé le trafic ferroviaire jeudi. "
    "Un train sur deux circulait sur les grandes lignes."
)


def retrieval(question: str, *passages: Passage) -> Retrieval:
    return Retrieval(question, "fr", list(passages))


def test_the_sentence_that_answers_ranks_first() -> None:
    question = "Combien de temps a duré la réunion du conseil ?"
    council, strike = make_passage(COUNCIL, "council"), make_passage(STRIKE, "strike")
    ranked = rank_sentences(
        question, retrieval(question, council, strike), question, fake_embedder()
    )
    assert ranked[0].text == "La réunion du conseil a duré cinq heures selon les participants."
    assert ranked[0].passage == council
    assert [s.score for s in ranked] == sorted((s.score for s in ranked), reverse=True)
    assert "Oui." not in [s.text for s in ranked]  # too short to answer anything


def test_the_question_the_user_typed_says_what_is_asked() -> None:
    # After a follow-up is rewritten, the words the user typed tell which sentence answers.
    passage = make_passage(
        "La réunion du conseil a duré cinq heures. La réunion du conseil a réuni quinze pays.",
        "council",
    )
    standalone = "Combien pour la réunion du conseil ?"
    found = retrieval(standalone, passage)
    hours = rank_sentences(standalone, found, "Et combien d'heures ?", fake_embedder())
    countries = rank_sentences(standalone, found, "Et combien de pays ?", fake_embedder())
    assert hours[0].text == "La réunion du conseil a duré cinq heures."
    assert countries[0].text == "La réunion du conseil a réuni quinze pays."


def test_only_the_most_promising_sentences_are_embedded() -> None:
    sentences = " ".join(f"Le rapport numéro {n} décrit la situation locale." for n in range(40))
    passage = make_passage(sentences, "report")
    embedder = fake_embedder()
    ranked = rank_sentences("Que décrit le rapport ?", retrieval("q", passage), "q", embedder)
    assert isinstance(embedder.encoder, BagOfWordsEncoder)
    assert len(ranked) == MAX_EMBEDDED
    assert len(embedder.encoder.encoded) == MAX_EMBEDDED + 1  # and the question


def scored(passage: Passage, sentence: str, score: float, rank: int = 0) -> Sentence:
    start = passage.text.index(sentence)
    return Sentence(rank, passage, start, start + len(sentence), score)


def test_the_answer_quotes_the_best_sentences_in_reading_order() -> None:
    council = make_passage(COUNCIL, "council", start=200)
    strike = make_passage(STRIKE, "strike", start=0)
    best = scored(council, "La réunion du conseil a duré cinq heures selon les participants.", 1.2)
    close = scored(council, "Le conseil de sécurité s'est réuni mardi à New York.", 1.19)
    other = scored(strike, "Un train sur deux circulait sur les grandes lignes.", 1.18, rank=1)
    far = scored(council, "Les diplomates ont longuement discuté de la crise humanitaire.", 1.0)
    answer = extractive_answer("q", "fr", [best, close, other, far], max_sentences=3)

    # Passage rank first, then position in the article: not the order of the scores. Two
    # sentences of one article share its number.
    assert answer.text == (
        "Le conseil de sécurité s'est réuni mardi à New York. [1] "
        "La réunion du conseil a duré cinq heures selon les participants. [1] "
        "Un train sur deux circulait sur les grandes lignes. [2]"
    )
    assert [c.n for c in answer.citations] == [1, 1, 2]
    assert not answer.refused and answer.evidence == pytest.approx(1.2)
    articles = {"council": " " * 200 + COUNCIL, "strike": STRIKE}  # offsets in the article
    for citation in answer.citations:
        text = articles[citation.passage.article_id]
        assert text[citation.start : citation.end] == citation.quote


def test_sentences_well_below_the_best_are_left_out() -> None:
    council = make_passage(COUNCIL, "council")
    best = scored(council, "La réunion du conseil a duré cinq heures selon les participants.", 1.0)
    weaker = scored(council, "Le conseil de sécurité s'est réuni mardi à New York.", 1.0 - 0.05)
    assert KEEP_WITHIN < 0.05
    answer = extractive_answer("q", "fr", [best, weaker], max_sentences=3)
    assert len(answer.citations) == 1 and answer.text.endswith("participants. [1]")
    capped = extractive_answer("q", "fr", [best, best, best], max_sentences=1)
    assert len(capped.citations) == 1


def test_the_same_sentence_through_two_chunks_or_two_outlets_is_quoted_once() -> None:
    sentence = "La réunion du conseil a duré cinq heures selon les participants."
    chunk0 = make_passage("Début. " + sentence, "council", start=0)
    chunk1 = make_passage(sentence + " Suite.", "council", start=7, chunk_index=1)
    outlet = make_passage(sentence.replace("selon", "d'après"), "afp")
    ranked = [scored(chunk0, sentence, 1.0), scored(chunk1, sentence, 0.99, rank=1)]
    ranked.append(scored(outlet, sentence.replace("selon", "d'après"), 0.98, rank=2))
    answer = extractive_answer("q", "fr", ranked, max_sentences=3)
    assert [c.quote for c in answer.citations] == [sentence]
