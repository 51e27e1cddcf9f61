"""Replies with HTML-special characters, and replies too long for one Telegram message."""

from __future__ import annotations

from pathlib import Path

import pytest
from telegram.constants import MessageLimit

from index.answer import Answerer
from index.engine import NewsIndex
from ingest.pipeline import Ingestor
from tests.bot.telegram.conftest import (
    StartBot,
)
from tests.conftest import make_settings, write_jsonl
from tests.fakes.botapi import (
    FakeBotApi,
    button_press,
    check_html,
    message,
    utf16_len,
)
from tests.fakes.chat import ChatEndpoint


def model_answerer(index: NewsIndex, endpoint: ChatEndpoint) -> Answerer:
    """An answerer whose backend is the fake chat endpoint."""
    settings = make_settings(
        index.settings.data_dir,
        answer_backend="openai",
        llm_model="fake",
        llm_base_url=endpoint.base_url,
    )
    return Answerer.from_settings(settings, index)


@pytest.fixture()
def tricky_index(fresh_index: NewsIndex, tmp_path: Path) -> NewsIndex:
    """One article whose title, text and URL are full of HTML-special characters."""
    article: dict[str, object] = {
        "id": "att-1",
        "title": "AT&T <rachète> Time Warner & co",
        "source": "Les <Échos> & Cie",
        "url": "https://example.org/news?id=1&lang=fr",
        "published_at": "2016-10-22",
        "lang": "fr",
        "text": (
            "Le groupe AT&T a annoncé samedi le rachat de Time Warner pour 85 milliards de "
            "dollars. La balise <script> du communiqué & ses *étoiles* ont surpris. "
            "Le rachat doit encore être approuvé par les autorités de la concurrence."
        ),
    }
    Ingestor(fresh_index.settings, fresh_index).run(
        [str(write_jsonl(tmp_path / "att.jsonl", [article]))]
    )
    return fresh_index


def test_model_output_is_escaped_and_long_replies_are_split(
    botapi: FakeBotApi,
    start_bot: StartBot,
    tricky_index: NewsIndex,
    chat_endpoint: ChatEndpoint,
) -> None:
    paragraph = (
        "AT&T <rachète> Time Warner pour 85 milliards de dollars [1]. Le rachat doit encore "
        "être approuvé par les autorités de la concurrence [1]. "
    )
    chat_endpoint.reply = lambda prompt: "\n\n".join([paragraph * 3] * 12)
    with start_bot(index=tricky_index, answers=model_answerer(tricky_index, chat_endpoint)):
        botapi.push(message("Qui rachète Time Warner ?"))
        last = botapi.wait_for(where=lambda c: "reply_markup" in c.params)[0]
    parts = botapi.sent()
    assert len(parts) >= 2 and parts[-1] == last

    for part in parts:
        assert utf16_len(part.text) <= MessageLimit.MAX_TEXT_LENGTH
        checked = check_html(part.text)
        assert checked.errors == [], checked.errors
        assert part.params["parse_mode"] == "HTML"
    shown = "\n".join(p.shown for p in parts)
    assert shown.count("AT&T <rachète> Time Warner pour 85 milliards") == 36
    assert "&lt;rachète&gt;" in parts[0].text and "<rachète>" not in parts[0].text
    # The title and source are escaped too, and the URL's & inside the link.
    assert "AT&amp;T &lt;rachète&gt; Time Warner &amp; co</a> — Les &lt;Échos&gt; &amp; Cie" in (
        last.text
    )
    links = [link for p in parts for link in check_html(p.text).links]
    assert links and all(href == "https://example.org/news?id=1&lang=fr" for href, _ in links)


def test_quotes_that_no_longer_fit_under_the_answer_come_as_a_new_message(
    botapi: FakeBotApi,
    start_bot: StartBot,
    tricky_index: NewsIndex,
    chat_endpoint: ChatEndpoint,
) -> None:
    # About 3,900 characters of HTML: one message, with no room left for the quotes.
    filler = "Le rachat & ses <suites> font débat. " * 80
    chat_endpoint.reply = lambda prompt: filler + "AT&T rachète Time Warner [1]."
    with start_bot(index=tricky_index, answers=model_answerer(tricky_index, chat_endpoint)):
        botapi.push(message("Qui rachète Time Warner ?"))
        answer = botapi.wait_for()[0]
        botapi.push(button_press(answer))
        quotes = botapi.wait_for(count=2)[1]
        unbuttoned = botapi.wait_for("editMessageReplyMarkup")[0]

    assert 3800 < utf16_len(answer.text) <= MessageLimit.MAX_TEXT_LENGTH
    assert botapi.sent("answerCallbackQuery")
    assert botapi.sent("editMessageText") == []
    assert unbuttoned.params["message_id"] == answer.result["message_id"]
    assert "reply_markup" not in unbuttoned.params  # the button is removed
    assert quotes.text.startswith("<b>Passages cités</b>\n<blockquote expandable>")
    assert "Le groupe AT&T a annoncé samedi le rachat de Time Warner" in quotes.shown
    assert check_html(quotes.text).errors == []
