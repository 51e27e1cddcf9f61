"""Citation markers from model text: renumbered, cleaned, and quoting exact article spans."""

from __future__ import annotations

import dataclasses
import unicodedata

import pytest

from index.answer.citations import is_date_alone, quote_bounds, resolve_citations
from index.engine import NewsIndex
from index.records import Passage
from index.text import sentence_spans
from tests.conftest import corpus_texts, make_passage

SEED_QUESTION = "Qui remplace Pete Hegseth à la réunion du groupe de contact ?"
EBOLA_QUESTION = "L'OMS a-t-elle déclaré la fin de l'épidémie d'Ebola en Afrique de l'Ouest ?"


@pytest.fixture(scope="module")
def passages(indexed: NewsIndex) -> list[Passage]:
    found = indexed.search(SEED_QUESTION, k=5)
    assert len(found) == 5
    # Marker parsing is checked passage by passage: each gets an article of its own here
    # (passages of one article share a number, tested on its own below).
    return [dataclasses.replace(p, article_id=f"{p.article_id}#{i}") for i, p in enumerate(found)]


def assert_exact(citation_start: int, citation_end: int, quote: str, passage: Passage) -> None:
    article = corpus_texts()[passage.title]
    assert article[passage.start : passage.end] == passage.text  # precondition of the offsets
    assert article[citation_start:citation_end] == quote
    assert passage.start <= citation_start < citation_end <= passage.end


def test_markers_are_renumbered_by_first_appearance(passages: list[Passage]) -> None:
    text, citations = resolve_citations("Premier fait [3]. Second fait [1][3]. Fin [5].", passages)
    assert text == "Premier fait [1]. Second fait [2][1]. Fin [3]."
    assert [c.n for c in citations] == [1, 2, 3]
    assert [c.passage for c in citations] == [passages[2], passages[0], passages[4]]


@pytest.mark.parametrize(
    ("written", "expected", "cited"),
    [
        ("Fait [1, 3].", "Fait [1][2].", [1, 3]),
        ("Fait [1][2].", "Fait [1][2].", [1, 2]),
        ("Fait [2-4].", "Fait [1][2][3].", [2, 3, 4]),
        ("Fait 【2】.", "Fait [1].", [2]),
        ("Fait ［２］ et ［３］.", "Fait [1] et [2].", [2, 3]),
        ("Fait [Source 2].", "Fait [1].", [2]),
        ("Fait [sources 3 et 1].", "Fait [1][2].", [3, 1]),
        ("Fait [Passage 2, Passage 4].", "Fait [1][2].", [2, 4]),
        ("Fait [ 2 ] .", "Fait [1].", [2]),
        ("Fait [^2].", "Fait [1].", [2]),
        ("Fait (source 2).", "Fait [1].", [2]),
        ("Fait [2] [2][2].", "Fait [1].", [2]),
        # A bare "(1)" is prose, not a citation.
        ("Étapes (1) et (2) [1].", "Étapes (1) et (2) [1].", [1]),
    ],
)
def test_marker_forms(
    passages: list[Passage], written: str, expected: str, cited: list[int]
) -> None:
    text, citations = resolve_citations(written, passages)
    assert text == expected
    assert [c.passage for c in citations] == [passages[k - 1] for k in cited]
    assert [c.n for c in citations] == list(range(1, len(cited) + 1))


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("Whitaker le remplace [7].", "Whitaker le remplace."),
        ("Whitaker le remplace [0], dit-on.", "Whitaker le remplace, dit-on."),
        ("Whitaker [9] le remplace [2].", "Whitaker le remplace [1]."),
        ("[6] Whitaker le remplace.", "Whitaker le remplace."),
        ("Whitaker [2019]le remplace [1-2].", "Whitaker le remplace [1][2]."),
        ("Whitaker le remplace [0][7] [2, 9] .", "Whitaker le remplace [1]."),
    ],
)
def test_invalid_markers_are_dropped_and_tidied(
    passages: list[Passage], written: str, expected: str
) -> None:
    text, citations = resolve_citations(written, passages)
    assert text == expected
    assert "  " not in text and " ." not in text and " ," not in text
    assert all(1 <= c.n <= len(citations) for c in citations)


def test_no_valid_marker_means_no_citation(passages: list[Passage]) -> None:
    assert resolve_citations("Je ne sais pas [8].", passages) == ("Je ne sais pas.", ())
    assert resolve_citations("Rien à citer.", []) == ("Rien à citer.", ())


def test_quote_is_the_supporting_sentence_exactly(passages: list[Passage]) -> None:
    passage = next(p for p in passages if "Matthew Whitaker" in p.text)
    answer = "Matthew Whitaker, ambassadeur américain auprès de l'OTAN, remplace Hegseth [1]."
    _, (citation,) = resolve_citations(answer, [passage])
    assert "Matthew Whitaker, le remplacera." in citation.quote
    assert citation.quote in [passage.text[a:b] for a, b in sentence_spans(passage.text, "fr")]
    assert_exact(citation.start, citation.end, citation.quote, passage)


def test_each_marker_quotes_for_its_own_claim(indexed: NewsIndex) -> None:
    ebola = indexed.search(EBOLA_QUESTION, k=3)
    whitaker = next(p for p in indexed.search(SEED_QUESTION, k=5) if "Whitaker" in p.text)
    assert "Ebola" in ebola[0].title
    passages = [ebola[0], whitaker]
    answer = (
        "L'ambassadeur Matthew Whitaker remplace Pete Hegseth [2]. "
        "L'OMS a déclaré terminée l'épidémie d'Ebola en Afrique de l'Ouest [1]."
    )
    _, citations = resolve_citations(answer, passages)
    assert [c.passage for c in citations] == [whitaker, ebola[0]]
    assert "Whitaker" in citations[0].quote
    assert "Ebola" in citations[1].quote or "épidémie" in citations[1].quote
    for citation in citations:
        assert_exact(citation.start, citation.end, citation.quote, citation.passage)


def test_quote_matching_ignores_case_and_accents(passages: list[Passage]) -> None:
    passage = passages[0]
    spans = sentence_spans(passage.text, passage.lang)
    a, b = max(spans[1:] or spans, key=lambda s: s[1] - s[0])
    sentence = passage.text[a:b]
    shouted = "".join(
        c for c in unicodedata.normalize("NFKD", sentence.upper()) if not unicodedata.combining(c)
    )
    _, (citation,) = resolve_citations(f"{shouted} [1]", [passage])
    assert citation.quote == sentence
    assert (citation.start, citation.end) == (passage.start + a, passage.start + b)
    assert_exact(citation.start, citation.end, citation.quote, passage)


def test_unrelated_claim_quotes_the_first_sentence(passages: list[Passage]) -> None:
    passage = passages[1]
    _, (citation,) = resolve_citations("Les pommes de terre poussent sur Mars [1].", [passage])
    a, b = sentence_spans(passage.text, passage.lang)[0]
    assert citation.quote == passage.text[a:b]
    assert_exact(citation.start, citation.end, citation.quote, passage)


def test_marker_after_the_full_stop_belongs_to_the_sentence_before(
    passages: list[Passage],
) -> None:
    passage = next(p for p in passages if "Matthew Whitaker" in p.text)
    answer = "Matthew Whitaker remplacera le chef du Pentagone. [1] Voilà tout."
    text, (citation,) = resolve_citations(answer, [passage])
    assert text == answer
    assert "Whitaker" in citation.quote


def test_passages_of_one_article_share_one_number() -> None:
    first = make_passage("Le conseil a voté le budget mardi soir.", "lyon", start=0)
    second = make_passage("Le budget atteint 780 millions d'euros.", "lyon", start=400)
    other = make_passage("La grève a perturbé le trafic jeudi.", "sncf")
    text, citations = resolve_citations(
        "Le budget est voté [1], 780 millions [2][1]. Grève [3].", [first, second, other]
    )
    assert text == "Le budget est voté [1], 780 millions [1]. Grève [2]."
    assert [(c.n, c.passage.article_id) for c in citations] == [
        (1, "lyon"),
        (1, "lyon"),
        (2, "sncf"),
    ]
    assert {c.quote for c in citations if c.n == 1} == {first.text, second.text}


@pytest.mark.parametrize(
    ("sentence", "quoted"),
    [("19 décembre 2016. – Un camion a foncé.", "Un camion a foncé."),
     ("3 mai 2018 – La boulangerie ferme.", "La boulangerie ferme."),
     ("May 3, 2018 - The bakery closes.", "The bakery closes."),
     ("– Un camion a foncé. ", "Un camion a foncé."),
     # a date that starts the sentence is part of it
     ("3 mai 2018, la boulangerie a fermé.", "3 mai 2018, la boulangerie a fermé."),
     ("En 2016 – une année record – rien.", "En 2016 – une année record – rien."),
     # a span of time, a season, a name with a number: no date line
     ("19 décembre 2016 – 31 janvier 2017 : la trêve a tenu.",
      "19 décembre 2016 – 31 janvier 2017 : la trêve a tenu."),
     ("Ligue 1 2018-2019 : le PSG est champion.", "Ligue 1 2018-2019 : le PSG est champion."),
     ("Formula 1 2019 - Hamilton wins.", "Formula 1 2019 - Hamilton wins.")],
)  # fmt: skip
def test_a_quote_does_not_open_with_a_date_line(sentence: str, quoted: str) -> None:
    start, end = quote_bounds(sentence, 0, len(sentence))
    assert sentence[start:end] == quoted


def test_a_quote_keeps_the_answer_it_supports() -> None:
    # The reader's answer is the date: the quote may not start after it.
    sentence = "May 3, 2018 - The senate passed the bill."
    assert quote_bounds(sentence, 0, len(sentence), keep=0) == (0, len(sentence))


def test_a_date_alone_is_told_from_a_sentence() -> None:
    assert is_date_alone("19 décembre 2016.") and is_date_alone("2016-12-19")
    assert is_date_alone("7 janvier 2016, 11 h 40 UTC.") and is_date_alone("12 mars 2016, Nice.")
    assert not is_date_alone("Le 19 décembre 2016, un camion a foncé.")
    assert not is_date_alone("3 mai 2018, la boulangerie a fermé.")
