"""How answers, passages and ingest reports look in a terminal, and as JSON for scripts."""

from __future__ import annotations

import json
from datetime import date

from bot.cli.render import (
    answer_json,
    format_answer,
    format_passages,
    format_report,
    format_sources,
    passage_json,
)
from index.records import Answer, Citation
from ingest.pipeline import IngestReport
from ingest.readers import Failure
from tests.bot.cli.conftest import summary
from tests.conftest import make_passage

BUDGET = make_passage(
    "Le budget atteint 780 millions d'euros, en hausse de deux pour cent.",
    "lyon-budget",
    start=75,
    title="Lyon vote son budget",
    source="Le Progrès",
    url="https://progres.example/lyon-budget",
    published_at=date(2017, 3, 14),
    score=0.8123,
)
UNDATED = make_passage(
    "Un texte sans date ni source.", "note", source="", url="", published_at=None
)


def cited(*passages_and_quotes: tuple[int, str]) -> tuple[Citation, ...]:
    passages = {1: BUDGET, 2: UNDATED}
    return tuple(
        Citation(n, passages[n], quote, passages[n].start, passages[n].start + len(quote))
        for n, quote in passages_and_quotes
    )


def test_an_answer_lists_its_sources_with_url_and_quote() -> None:
    citations = cited((1, "Le budget atteint 780 millions d'euros"), (2, "Un texte sans date"))
    answer = Answer("Il atteint 780 millions d'euros [1], dit-on [2].", "fr", citations)
    assert format_answer(answer).splitlines() == [
        "Il atteint 780 millions d'euros [1], dit-on [2].",
        "",
        "Sources",
        "[1] Lyon vote son budget (Le Progrès, 14 mars 2017)",
        "    https://progres.example/lyon-budget",
        "    « Le budget atteint 780 millions d'euros »",
        "[2] Article note (sans date)",
        "    « Un texte sans date »",
    ]


def test_long_answers_and_quotes_are_wrapped_to_the_width() -> None:
    long_quote = " ".join(["Le budget atteint 780 millions d'euros."] * 6)
    answer = Answer("Mot " * 60 + "[1]", "fr", cited((1, long_quote)))
    lines = format_answer(answer, width=60).splitlines()
    assert all(len(line) <= 60 for line in lines)
    quote_lines = lines[lines.index("    https://progres.example/lyon-budget") + 1 :]
    assert len(quote_lines) > 1 and all(line.startswith("    ") for line in quote_lines)
    assert " ".join(line.strip() for line in quote_lines) == f"« {long_quote} »"


def test_a_refusal_lists_each_closest_article_once() -> None:
    second_chunk = make_passage(
        "Suite de l'article.", "lyon-budget", chunk_index=1, title=BUDGET.title
    )
    answer = Answer("I don't know.", "en", refused=True, closest=(BUDGET, second_chunk, UNDATED))
    assert format_answer(answer).splitlines() == [
        "I don't know.",
        "",
        "Closest articles",
        "- Lyon vote son budget (Le Progrès, March 14, 2017)  https://progres.example/lyon-budget",
        "- Article note (undated)",
    ]
    assert format_answer(Answer("Je ne sais pas.", "fr", refused=True)) == "Je ne sais pas."


def test_sources_command_shows_the_full_quotes_or_says_there_are_none() -> None:
    answer = Answer("Il atteint 780 millions [1].", "fr", cited((1, BUDGET.text)))
    assert format_sources(answer) == (
        f"[1] Lyon vote son budget (Le Progrès, 14 mars 2017)\n{BUDGET.text}\n"
    )
    assert format_sources(None) == "(no sources yet)"
    refused = Answer("Je ne sais pas.", "fr", refused=True)
    assert format_sources(refused, "fr") == "(la dernière réponse ne cite aucune source)"


def test_answer_json_carries_citations_with_their_offsets() -> None:
    quote = "Le budget atteint 780 millions d'euros"
    answer = Answer("780 millions [1].", "fr", cited((1, quote)), question="Combien ?")
    data = json.loads(json.dumps(answer_json(answer), ensure_ascii=False))
    assert (data["answer"], data["language"], data["refused"]) == ("780 millions [1].", "fr", False)
    assert (data["question"], data["backend"], data["closest"]) == ("Combien ?", "extractive", [])
    (citation,) = data["citations"]
    assert citation == {
        "n": 1,
        "chunk_id": BUDGET.chunk_id,
        "article_id": "lyon-budget",
        "title": "Lyon vote son budget",
        "source": "Le Progrès",
        "published_at": "2017-03-14",
        "url": "https://progres.example/lyon-budget",
        "quote": quote,
        "start": 75,
        "end": 75 + len(quote),
    }
    # A refusal's closest articles, once each (two chunks of one article are one entry), with
    # what the text output shows of them.
    second_chunk = make_passage("Suite.", "lyon-budget", chunk_index=1, title=BUDGET.title)
    refusal = answer_json(Answer("?", "fr", refused=True, closest=(BUDGET, second_chunk, UNDATED)))
    assert refusal["closest"] == [
        {
            "article_id": "lyon-budget",
            "title": "Lyon vote son budget",
            "source": "Le Progrès",
            "published_at": "2017-03-14",
            "url": "https://progres.example/lyon-budget",
        },
        {"article_id": "note", "title": "Article note", "source": "", "published_at": None,
         "url": ""},
    ]  # fmt: skip


def test_search_output_ranks_passages_with_their_cosine() -> None:
    shown = format_passages([BUDGET, UNDATED])
    assert shown.startswith(
        "[1] 0.812  Lyon vote son budget (Le Progrès, 14 mars 2017)\n"
        "    https://progres.example/lyon-budget\n"
        f"    {BUDGET.text}\n"
    )
    assert "[2] 0.500  Article note (sans date)\n    Un texte sans date ni source." in shown
    assert format_passages([]).startswith("No passages: the index is empty.")
    data = passage_json(BUDGET)
    assert data["score"] == 0.8123 and data["published_at"] == "2017-03-14"
    assert passage_json(UNDATED)["published_at"] is None


def test_the_ingest_report_shows_every_count_and_each_failure() -> None:
    report = IngestReport(
        files_read=3,
        added=2,
        updated=1,
        unchanged=4,
        duplicate=1,
        chunks_written=12,
        seconds=9.0,
        write_seconds=2.0,  # the rest was the model's preparation and reading
    )
    report.failures.append(Failure("bad.txt", "binary file"))
    lines = format_report(report).splitlines()
    rows = summary(format_report(report))
    assert rows == {
        "files read": "3",
        "articles added": "2",
        "articles updated": "1",
        "articles unchanged": "4",
        "articles duplicate": "1",
        "articles failed": "1",
        "articles pruned": "0",
        "chunks written": "12",
        "seconds": "9.0",
        "chunks per second": "6.0",
    }
    assert lines[-2:] == ["failed:", "  bad.txt: binary file"]
    # The values line up in one column, whatever the width of the names.
    table = zip(rows.items(), lines[: len(rows)], strict=True)
    assert len({line.index(value) + len(value) for (_, value), line in table}) == 1


def test_an_ingest_that_embedded_nothing_shows_no_rate() -> None:
    rows = summary(format_report(IngestReport(files_read=1, unchanged=5, seconds=1.5)))
    assert rows["chunks per second"] == "-" and rows["seconds"] == "1.5"


def test_control_characters_in_stored_text_never_reach_the_terminal() -> None:
    # An archive ingested before ingest took them out: a title with an OSC sequence and a bell.
    hostile = make_passage(
        "Le texte\x1b[2J continue.", "x", title="Titre \x1b]0;PWNED\x07 piégé", published_at=None
    )
    answer = Answer(
        "continue [1]",
        "fr",
        (Citation(1, hostile, "Le texte\x1b[2J continue.", 0, 25),),
        span="continue",
    )
    for shown in (
        format_answer(answer, bold=True),
        format_sources(answer, "fr"),
        format_passages([hostile]),
    ):
        assert "\x07" not in shown and "]0;PWNED" in shown
        assert "\x1b]" not in shown and "\x1b[2J" not in shown
    assert format_answer(answer, bold=True).startswith("\033[1mcontinue\033[0m [1]")
