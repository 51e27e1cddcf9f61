"""HTML rendering of answers and splitting of long replies, on synthetic passages."""

from __future__ import annotations

import dataclasses
import re
from datetime import date
from typing import Any

import pytest
from telegram.constants import MessageLimit

from bot.telegram.formatting import render_answer, render_help, render_quotes, ui_language
from bot.telegram.splitting import split_html, utf16_len
from index.records import Answer, Citation, CorpusStats, Passage
from tests.conftest import make_passage
from tests.fakes.botapi import check_html

LIMIT = MessageLimit.MAX_TEXT_LENGTH


def _article(n: int, topic: str) -> str:
    sentence = (
        f"Le représentant de l'OMS a parlé de {topic} en Guinée, pour la {n}e fois cette année. "
    )
    return sentence * 8 + "Fin de la dépêche."


# Four passages of about 800 characters each, with URLs, sources and dates, as retrieved.
PASSAGES = [
    make_passage(
        _article(n, topic),
        f"ebola-{n}",
        title=f"Ebola : l'OMS et la {topic}",
        source="Wikinews (fr)",
        url=f"https://fr.wikinews.org/wiki/Ebola_{n}?a=1&b=2",
        published_at=date(2016, 1, n),
    )
    for n, topic in enumerate(["fin de l'épidémie", "vaccination", "quarantaine", "riposte"], 1)
]


@pytest.fixture()
def passages() -> list[Passage]:
    return list(PASSAGES)


def cite(n: int, passage: Passage, **changes: Any) -> Citation:
    passage = dataclasses.replace(passage, **changes)
    quote = passage.text[:120]
    return Citation(n, passage, quote, passage.start, passage.start + len(quote))


def plain(html: str) -> str:
    checked = check_html(html)
    assert checked.errors == [], checked.errors
    return "".join(checked.plain)


def test_markers_link_to_cited_articles(passages: list[Passage]) -> None:
    citations = (cite(1, passages[0]), cite(2, passages[1], url=""))
    answer = Answer("L'OMS a parlé [1]. Guinée [2], voir aussi [1][2] et [3].", "fr", citations)
    html = render_answer(answer)

    checked = check_html(html)
    assert checked.errors == []
    marker_links = [(href, text) for href, text in checked.links if text == "1"]
    assert marker_links == [(passages[0].url, "1")] * 2
    assert "[2]" in html and "[3]" in html  # no URL, unknown number: plain text, no link
    assert "Sources\n[1] " + passages[0].title in plain(html)
    assert passages[0].published_at == date(2016, 1, 1)
    assert f"{passages[0].source}, 1er janvier 2016" in plain(html)  # the reader's way


def test_everything_from_articles_and_models_is_escaped(passages: list[Passage]) -> None:
    text = "Selon <script>alert(1)</script> & *gras* _x_ `code` [1] </a> &amp;"
    citations = (cite(1, passages[0], title="AT&T <rachète> TW", source="Les <Échos> & Cie"),)
    html = render_answer(Answer(text, "fr", citations))

    assert "<script>" not in html and "&lt;/a&gt; &amp;amp;" in html
    shown = plain(html)
    assert shown.startswith("Selon <script>alert(1)</script> & *gras* _x_ `code` [1] </a> &amp;")
    assert "[1] AT&T <rachète> TW — Les <Échos> & Cie" in shown
    quotes = render_quotes(citations, "fr")
    assert "AT&T <rachète> TW" in plain(quotes)
    assert quotes.count("<blockquote expandable>") == 1


def test_refusal_lists_the_closest_articles_in_the_question_language(
    passages: list[Passage],
) -> None:
    french = render_answer(Answer("Je ne sais pas.", "fr", refused=True, closest=tuple(passages)))
    english = render_answer(Answer("I don't know.", "en", refused=True, closest=(passages[0],)))

    assert plain(french).startswith("Je ne sais pas.\n\nArticles les plus proches\n• ")
    assert [href for href, _ in check_html(french).links] == [p.url for p in passages]
    assert plain(english).startswith("I don't know.\n\nClosest articles\n• " + passages[0].title)
    assert render_answer(Answer("Je ne sais pas.", "fr", refused=True)) == "Je ne sais pas."
    # Two passages of one article are one line.
    second = dataclasses.replace(passages[0], chunk_id="again", text="Un autre passage.")
    twice = render_answer(Answer("?", "fr", refused=True, closest=(passages[0], second)))
    assert plain(twice).count("• ") == 1


def test_help_tells_the_size_dates_and_sources_of_the_archive() -> None:
    stats = CorpusStats(25, 43, date(2016, 1, 1), date(2016, 1, 18), ("Wikinews (fr)", "AFP"))
    shown = plain(render_help(stats, "fr"))
    assert shown.startswith(
        "Je réponds à partir de 25 articles (43 passages), du 1er janvier 2016 au 18 janvier 2016, "
        "de Wikinews (fr), AFP."
    )
    assert "Exemples\n• Que s'est-il passé à Valence" in shown
    english = plain(render_help(stats, "en"))
    assert english.startswith("I answer from 25 articles (43 passages), from January 1, 2016 to")
    assert "/sources: the passages quoted by the last answer" in english
    undated = plain(render_help(CorpusStats(3, 5, None, None), "fr"))
    assert undated.startswith("Je réponds à partir de 3 articles (5 passages).")
    empty = plain(render_help(CorpusStats(0, 0, None, None), "en"))
    assert empty.startswith("The archive is empty for now")


def assert_valid_parts(parts: list[str], whole: str) -> None:
    assert len(parts) >= 2
    for part in parts:
        assert utf16_len(part) <= LIMIT
        assert check_html(part).errors == [], part[-200:]
        assert part.strip()
    # Nothing lost, nothing repeated: the text read across parts is the whole text.
    assert "".join("".join(plain(p).split()) for p in parts) == "".join(plain(whole).split())


def test_long_answer_is_split_between_paragraphs_without_breaking_links(
    passages: list[Passage],
) -> None:
    paragraphs = [f"{p.text} [{i % 4 + 1}]" for i, p in enumerate(passages * 6)]
    citations = tuple(cite(n, p) for n, p in enumerate(passages, 1))
    html = render_answer(Answer("\n\n".join(paragraphs), "fr", citations))
    assert utf16_len(html) > 2 * LIMIT

    parts = split_html(html)
    assert_valid_parts(parts, html)
    # Every marker link arrives whole, and the first cut falls between paragraphs.
    assert sum(len(check_html(p).links) for p in parts) == len(check_html(html).links)
    assert all(not re.search(r"<a [^>]*>[^<]*$", p) for p in parts)
    assert plain(html).startswith(plain(parts[0]) + "\n\n")


def test_long_quote_is_split_on_sentences_inside_a_reopened_blockquote(
    passages: list[Passage],
) -> None:
    sentence = "Le représentant de l'OMS & ses <collègues> ont parlé en Guinée. "
    long_quote = dataclasses.replace(cite(1, passages[0]), quote=sentence * 120)
    html = render_quotes((long_quote, cite(2, passages[1])), "fr")

    parts = split_html(html)
    assert_valid_parts(parts, html)
    assert all(p.startswith(("<b>", "<blockquote expandable>")) for p in parts)
    assert all(plain(p).rstrip().endswith((".", passages[1].text[:120].strip())) for p in parts)


@pytest.mark.parametrize(
    "html",
    [
        "AT&amp;T " * 1500,  # entities everywhere: none may be cut
        "x" * 10_000,  # no boundary at all: cut anyway, within the limit
        "😀 " * 3000,  # emoji count twice in Telegram's UTF-16 length
        "<b>" + "gras " * 2000 + "</b>",  # a tag open across the cut is closed and reopened
    ],
)
def test_awkward_text_is_still_split_into_valid_parts(html: str) -> None:
    parts = split_html(html)
    assert_valid_parts(parts, html)
    if html.startswith("<b>"):
        assert all(p.startswith("<b>") and p.endswith("</b>") for p in parts)


def test_short_text_is_left_alone() -> None:
    assert split_html("<b>court</b> &amp; net") == ["<b>court</b> &amp; net"]


@pytest.mark.parametrize(
    ("code", "lang"), [("fr", "fr"), ("fr-CA", "fr"), (None, "fr"), ("en", "en"), ("de", "en")]
)
def test_the_interface_speaks_french_first_and_english_otherwise(
    code: str | None, lang: str
) -> None:
    assert ui_language(code) == lang


def test_the_readers_span_is_bold_and_one_article_is_one_source(passages: list[Passage]) -> None:
    article = passages[0]
    first = Citation(1, article, "Le représentant de l'OMS", article.start, article.start + 24)
    later = Citation(1, article, "Fin de la dépêche.", article.end - 18, article.end)
    answer = Answer("Yoshinori <Ohsumi> [1]", "fr", (first, later), span="Yoshinori <Ohsumi>")
    html = render_answer(answer)
    assert html.startswith("<b>Yoshinori &lt;Ohsumi&gt;</b> [")
    assert plain(html).count(article.title) == 1  # one entry for the article, number [1]
    quotes = render_quotes(answer.citations, "fr")
    assert quotes.count("<blockquote") == 1
    assert "Le représentant de l'OMS" in quotes and "Fin de la dépêche." in quotes
    assert check_html(quotes).errors == []


def test_a_long_reply_is_not_cut_between_a_closing_quote_and_its_citation() -> None:
    # French quotes end « c'est fini » [1].: the sentence goes on after the guillemet.
    html = " ".join(["Le ministre a dit « c'est fini » [1]. Puis il est parti."] * 120)
    parts = split_html(html)
    assert len(parts) > 1
    assert all(not part.startswith("[1]") for part in parts)
    assert all(part.startswith("Puis") or part.startswith("Le ministre") for part in parts)
    assert " ".join(parts).split() == html.split()
