"""Articles written to break the bot: footnote marks that look like citations, links of any
scheme and length. Every message stays valid Telegram HTML within 4,096 UTF-16 units."""

from __future__ import annotations

import io
import logging
from typing import Any

import httpx
import pytest
from telegram.constants import MessageLimit
from telegram.error import NetworkError

from bot.telegram.formatting import render_answer, render_quotes
from bot.telegram.logs import bot_logging
from bot.telegram.splitting import split_html
from index.answer.extractive import Sentence, extractive_answer
from index.records import Answer, Citation
from tests.conftest import make_passage
from tests.fakes.botapi.markup import check_html

FOOTNOTED = "Le sommet s'est tenu à Bruxelles [1][2][3] et a réuni 50 pays [99]."


def answer_from(text: str, **passage_fields: Any) -> Answer:
    passage = make_passage(text, **passage_fields)
    sentence = Sentence(0, passage, 0, len(text), 1.0)
    return extractive_answer("Où s'est tenu le sommet ?", "fr", [sentence], 3)


def sent_parts(answer: Answer) -> list[str]:
    parts = split_html(render_answer(answer)) + split_html(render_quotes(answer.citations, "fr"))
    for part in parts:
        checked = check_html(part)
        assert checked.errors == [], checked.errors
        assert len(part.encode("utf-16-le")) // 2 <= MessageLimit.MAX_TEXT_LENGTH
    return parts


def test_an_articles_own_footnote_marks_are_not_citations() -> None:
    answer = answer_from(FOOTNOTED)
    assert answer.text == "Le sommet s'est tenu à Bruxelles et a réuni 50 pays. [1]"
    assert answer.citations[0].quote == FOOTNOTED  # the quote stays exact
    links = [link for part in sent_parts(answer) for link in check_html(part).links]
    assert [text for _, text in links if text.isdigit()] == ["1"]  # only our own marker


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(document.cookie)",
        "data:text/html;base64,PHNjcmlwdD4=",
        "https://news.example/" + "a" * 5000,
        "https://news.example/?q=" + "&x=<y>" * 900,
    ],
)
def test_only_short_http_links_become_links(url: str) -> None:
    answer = answer_from("Le sommet s'est tenu à Bruxelles cette semaine.", url=url)
    parts = sent_parts(answer)
    hrefs = [href for part in parts for href, _ in check_html(part).links]
    assert hrefs == []
    assert len(parts) == 2  # the answer and its quotes, not one message per slice of URL


def test_an_ordinary_link_is_kept() -> None:
    answer = answer_from("Le sommet s'est tenu à Bruxelles.", url="https://news.example/sommet")
    hrefs = {href for part in sent_parts(answer) for href, _ in check_html(part).links}
    assert hrefs == {"https://news.example/sommet"}


def test_many_citations_with_long_links_split_cleanly() -> None:
    citations = tuple(
        Citation(
            n,
            make_passage(
                "Phrase citée. " * 30, article_id=f"a{n}", url=f"https://n.example/{'x' * 1900}{n}"
            ),
            "Phrase citée. " * 30,
            0,
            420,
        )
        for n in range(1, 30)
    )
    text = " ".join(f"Fait numéro {n} [{n}]." for n in range(1, 30))
    parts = sent_parts(Answer(text, "fr", citations))
    assert len(parts) > 2


def test_network_failures_are_logged_on_one_line() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        with bot_logging({"123456:SECRET": "<token>"}):
            try:
                raise NetworkError("httpx.ConnectError: All connection attempts failed") from (
                    httpx.ConnectError("at https://api.telegram.org/bot123456:SECRET/getUpdates")
                )
            except NetworkError:
                logging.getLogger("telegram.ext.Updater").exception("Error while getting Updates")
    finally:
        root.removeHandler(handler)
    logged = stream.getvalue()
    assert logged.count("\n") == 1
    assert "Error while getting Updates (httpx.ConnectError" in logged
    assert "SECRET" not in logged
