"""The Telegram bot end to end: the real Application, real answerer and index, a fake Bot API."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import re
import signal
import socket
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from telegram.constants import MessageLimit

from bot.telegram import run_bot
from bot.telegram.memory import FILE_NAME, ChatMemory
from index.answer import Answerer
from index.engine import NewsIndex
from index.errors import UserError
from index.records import Citation
from index.settings import Settings
from ingest.pipeline import Ingestor
from tests.bot.botapi_server import (
    PRIVATE_USER,
    ApiCall,
    FakeBotApi,
    button_press,
    chat_group,
    check_html,
    message,
    utf16_len,
)
from tests.bot.conftest import TOKEN, WRONG_TOKEN, ChatEndpoint, RunningBot
from tests.conftest import free_port, make_settings, write_jsonl

EBOLA = "Qu'a annoncé l'OMS au sujet d'Ebola ?"
EBOLA_LINK = "https://fr.wikinews.org/wiki/Ebola_:_l'OMS_déclare"
EBOLA_URL = EBOLA_LINK.replace("'", "&#x27;")  # as written in the HTML
FOLLOW_UP = "Qui l'a annoncé ?"  # alone, it finds the North Korean missile article
STRANGER: dict[str, Any] = {"id": 2002, "is_bot": False, "first_name": "Eve", "language_code": "fr"}
BOB: dict[str, Any] = {"id": 3003, "is_bot": False, "first_name": "Bob", "language_code": "en"}

StartBot = Callable[..., RunningBot]


def plain(call: ApiCall) -> str:
    """The text as the user reads it (tags gone, entities decoded)."""
    return "".join(check_html(call.text).plain)


def test_question_gets_a_cited_html_answer_with_a_quotes_button(
    botapi: FakeBotApi, start_bot: StartBot
) -> None:
    with start_bot():
        botapi.push(message(EBOLA))
        answer = botapi.wait_for()[0]

        actions = botapi.sent("sendChatAction", chat_id=PRIVATE_USER["id"])
        assert actions and actions[0].params["action"] == "typing"
        assert botapi.calls.index(actions[0]) < botapi.calls.index(answer)
        assert answer.params["parse_mode"] == "HTML"
        assert answer.params["chat_id"] == PRIVATE_USER["id"]
        checked = check_html(answer.text)
        assert checked.errors == []
        # The [1] marker is a link to the cited article, listed under "Sources" with its date.
        assert any(href.startswith(EBOLA_LINK) and text == "1" for href, text in checked.links)
        assert "Sources\n[1] Ebola : l'OMS déclare que l'épidémie est terminée" in plain(answer)
        assert "Wikinews (fr), 2016-01-01" in plain(answer)
        button = answer.params["reply_markup"]["inline_keyboard"][0][0]
        assert button["text"] == "📖 Voir les citations"

        press = botapi.push(button_press(answer))
        edit = botapi.wait_for("editMessageText")[0]
        answered = botapi.wait_for("answerCallbackQuery")[0]
        assert answered.params["callback_query_id"] == press["callback_query"]["id"]
        assert edit.params["message_id"] == answer.result["message_id"]
        assert edit.text.startswith(answer.text)  # the answer stays, the quotes come under it
        assert "<blockquote expandable>" in edit.text
        assert check_html(edit.text).errors == []
        assert "Mohammed Belhocine" in plain(edit).split("Passages cités")[1]
        assert "reply_markup" not in edit.params  # the button is gone once used

        botapi.push(message("/sources"))
        quotes = botapi.wait_for(count=2)[1]
        assert quotes.text.startswith("<b>Passages cités</b>\n<blockquote>")
        assert "Mohammed Belhocine" in plain(quotes)

        botapi.push(message("/reset"))
        assert "Conversation oubliée" in botapi.wait_for(count=3)[2].text
        botapi.push(message("/sources"))
        assert "posez d'abord une question" in plain(botapi.wait_for(count=4)[3])


def test_start_help_and_about_describe_the_archive(
    botapi: FakeBotApi, start_bot: StartBot, bot_settings: Callable[..., Settings]
) -> None:
    settings = bot_settings(corpus_attribution="Articles <Wikinews> & co, CC BY 2.5")
    with start_bot(settings):
        botapi.push(message("/start"))
        botapi.push(message("/help", user=BOB))
        botapi.push(message("/about"))
        replies = botapi.wait_for(count=3)

    # Updates are handled concurrently: find each reply by chat and content.
    alice = botapi.sent(chat_id=PRIVATE_USER["id"])
    start = next(c for c in alice if "articles" in c.text)
    about = next(c for c in alice if c is not start)
    assert "Je réponds à partir de 25 articles (43 passages), du 2016-01-01 au 2016-01-18" in (
        plain(start)
    )
    assert "Qu'a annoncé l'OMS au sujet d'Ebola ?" in plain(start)
    assert "/reset" in plain(start) and "/sources" in plain(start)
    help_en = next(c for c in replies if c.params["chat_id"] == BOB["id"])
    assert "I answer from 25 articles" in plain(help_en)
    assert about.text == "Articles &lt;Wikinews&gt; &amp; co, CC BY 2.5"
    assert all(c.params["parse_mode"] == "HTML" for c in replies)
    # The command menu is published in both languages.
    menus = botapi.sent("setMyCommands")
    assert {m.params.get("language_code") for m in menus} == {"fr", "en", None}


def test_follow_up_uses_the_history_which_survives_a_restart(
    botapi: FakeBotApi, start_bot: StartBot, bot_settings: Callable[..., Settings]
) -> None:
    settings = bot_settings()
    with start_bot(settings):
        botapi.push(message(EBOLA))
        botapi.wait_for()
    assert (settings.data_dir / FILE_NAME).is_file()

    with start_bot(settings):  # a new Application over the same data dir
        botapi.push(message(FOLLOW_UP))
        follow_up = botapi.wait_for(count=2)[1]
        botapi.push(message(FOLLOW_UP, user=BOB))  # the same words in a chat with no history
        fresh = botapi.wait_for(chat_id=BOB["id"])[0]

    # The first source cited is what the answer rests on.
    assert _first_link(follow_up.text).startswith(EBOLA_URL)
    assert not _first_link(fresh.text).startswith(EBOLA_URL)
    turns = ChatMemory.from_settings(settings).history(PRIVATE_USER["id"])
    assert len(turns) == 2 and turns[0].question == EBOLA


def _first_link(html: str) -> str:
    return html.split('<a href="', 1)[1].split('"', 1)[0] if '<a href="' in html else ""


def test_history_is_bounded_per_chat(tmp_path: Path, indexed: NewsIndex) -> None:
    memory = ChatMemory(tmp_path / FILE_NAME, max_turns=2)
    citations = tuple(
        Citation(n, p, p.text[:40], p.start, p.start + 40)
        for n, p in enumerate(indexed.search(EBOLA, 3), 1)
    )
    for n in range(4):
        memory.remember(1, f"question {n}", f"answer {n}", "fr", citations, "<b>x</b>")
    memory.remember(2, "other chat", "answer", "en", (), "x")
    assert [t.question for t in memory.history(1)] == ["question 2", "question 3"]
    last = memory.last(1)
    assert last is not None and last.citations == citations  # dates and all, back from JSON
    assert memory.forget(1) == 2
    assert memory.history(1) == [] and len(memory.history(2)) == 1


def test_users_not_allowed_are_refused_and_logged(
    botapi: FakeBotApi,
    start_bot: StartBot,
    bot_settings: Callable[..., Settings],
    caplog: pytest.LogCaptureFixture,
) -> None:
    group = chat_group()
    settings = bot_settings(
        telegram_allowed_users=[PRIVATE_USER["id"]], telegram_allowed_chats=[group["id"]]
    )
    caplog.set_level(logging.WARNING)
    with start_bot(settings):
        botapi.push(message(EBOLA, user=STRANGER))
        refusal = botapi.wait_for(chat_id=STRANGER["id"])[0]
        # In a group they do not belong to, a stranger's chatter gets no reply at all...
        other_group = chat_group(-100999)
        botapi.push(message("Bonjour tout le monde", chat=other_group, user=STRANGER))
        # ...but in an allowed group anyone may use the bot.
        botapi.push(message("/about@newsqa_test_bot", chat=group, user=STRANGER))
        botapi.push(message("/about"))
        botapi.wait_for(chat_id=group["id"])
        botapi.wait_for(chat_id=PRIVATE_USER["id"])

    assert refusal.text == "Désolé, ce bot est réservé à certains utilisateurs."
    assert botapi.sent("sendMessage", chat_id=STRANGER["id"]) == [refusal]
    assert botapi.sent("sendChatAction", chat_id=STRANGER["id"]) == []
    assert botapi.sent("sendMessage", chat_id=other_group["id"]) == []
    assert "refused user 2002" in caplog.text
    assert "answers everyone" not in caplog.text


def test_open_bot_warns_at_start(
    botapi: FakeBotApi, start_bot: StartBot, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    with start_bot():
        pass
    assert "the bot answers everyone" in caplog.text


def test_in_groups_it_answers_only_mentions_replies_and_commands(
    botapi: FakeBotApi, start_bot: StartBot, bot_settings: Callable[..., Settings]
) -> None:
    group = chat_group()
    settings = bot_settings()
    with start_bot(settings):
        ignored = [
            botapi.push(message(EBOLA, chat=group)),
            botapi.push(message("/help@some_other_bot", chat=group)),
        ]
        mention = botapi.push(message(f"@newsqa_test_bot {EBOLA}", chat=group))
        first = botapi.wait_for(chat_id=group["id"])[0]
        reply = botapi.push(message(FOLLOW_UP, chat=group, reply_to=first.result))
        second = botapi.wait_for(chat_id=group["id"], count=2)[1]
        command = botapi.push(message("/about", chat=group))
        third = botapi.wait_for(chat_id=group["id"], count=3)[2]

    sent = botapi.sent("sendMessage", chat_id=group["id"])
    assert len(sent) == 3
    # Each reply quotes the message it answers.
    replied_to = [c.params["reply_parameters"]["message_id"] for c in sent]
    assert replied_to == [
        mention["message"]["message_id"],
        reply["message"]["message_id"],
        command["message"]["message_id"],
    ]
    assert not {u["message"]["message_id"] for u in ignored} & set(replied_to)
    assert EBOLA_URL in first.text and EBOLA_URL in second.text
    assert "Wikinews" in third.text
    # The mention is not part of the question that was remembered.
    turns = ChatMemory.from_settings(settings).history(group["id"])
    assert turns[0].question == EBOLA


def test_refusals_speak_the_question_language_and_list_close_articles(
    botapi: FakeBotApi, start_bot: StartBot, indexed: NewsIndex
) -> None:
    strict = Answerer.from_settings(
        make_settings(indexed.settings.data_dir, refusal_threshold=9), indexed
    )
    with start_bot(answers=strict):
        botapi.push(message(EBOLA))
        french = botapi.wait_for()[0]
        botapi.push(message("What did the WHO announce about Ebola?", user=BOB))
        english = botapi.wait_for(chat_id=BOB["id"])[0]
        botapi.push(message("/sources"))
        no_sources = botapi.wait_for(count=3)[2]

    assert plain(french).startswith("Je ne sais pas")
    assert "Articles les plus proches" in plain(french)
    assert EBOLA_URL in french.text
    assert "reply_markup" not in french.params
    assert plain(english).startswith("I don't know")
    assert "Closest articles" in plain(english)
    assert no_sources.text == "La dernière réponse ne cite aucun article."


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
    chat_llm: ChatEndpoint,
) -> None:
    paragraph = (
        "AT&T <rachète> Time Warner pour 85 milliards de dollars [1]. Le rachat doit encore "
        "être approuvé par les autorités de la concurrence [1]. "
    )
    chat_llm.reply = lambda prompt: "\n\n".join([paragraph * 3] * 12)
    settings = make_settings(
        tricky_index.settings.data_dir,
        answer_backend="openai",
        llm_model="fake",
        llm_base_url=chat_llm.base_url,
    )
    with start_bot(index=tricky_index, answers=Answerer.from_settings(settings, tricky_index)):
        botapi.push(message("Qui rachète Time Warner ?"))
        last = botapi.wait_for(where=lambda c: "reply_markup" in c.params)[0]
    parts = botapi.sent()
    assert len(parts) >= 2 and parts[-1] == last

    for part in parts:
        assert utf16_len(part.text) <= MessageLimit.MAX_TEXT_LENGTH
        checked = check_html(part.text)
        assert checked.errors == [], checked.errors
        assert part.params["parse_mode"] == "HTML"
    shown = "\n".join(plain(p) for p in parts)
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
    chat_llm: ChatEndpoint,
) -> None:
    # About 3,900 characters of HTML: one message, with no room left for the quotes.
    filler = "Le rachat & ses <suites> font débat. " * 80
    chat_llm.reply = lambda prompt: filler + "AT&T rachète Time Warner [1]."
    settings = make_settings(
        tricky_index.settings.data_dir,
        answer_backend="openai",
        llm_model="fake",
        llm_base_url=chat_llm.base_url,
    )
    with start_bot(index=tricky_index, answers=Answerer.from_settings(settings, tricky_index)):
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
    assert "Le groupe AT&T a annoncé samedi le rachat de Time Warner" in plain(quotes)
    assert check_html(quotes.text).errors == []


def test_a_slow_question_does_not_hold_up_other_chats(
    botapi: FakeBotApi, start_bot: StartBot, indexed: NewsIndex, chat_llm: ChatEndpoint
) -> None:
    slow = "Que s'est-il passé à Valence le 1er janvier 2016 ?"
    chat_llm.reply = lambda prompt: "Voici ce que disent les articles [1]."

    def hold(prompt: str) -> None:
        # The slow question's model call waits until the other chat has its answer (or 120 s).
        if slow in prompt:
            with contextlib.suppress(AssertionError):
                botapi.wait_for(chat_id=BOB["id"], timeout=120)

    chat_llm.hold = hold
    settings = make_settings(
        indexed.settings.data_dir,
        answer_backend="openai",
        llm_model="fake",
        llm_base_url=chat_llm.base_url,
    )
    with start_bot(answers=Answerer.from_settings(settings, indexed)):
        botapi.push(message(slow))
        botapi.push(message(EBOLA, user=BOB))
        botapi.wait_for(count=2)
    first, second = botapi.sent()
    assert first.params["chat_id"] == BOB["id"]
    assert second.params["chat_id"] == PRIVATE_USER["id"]


# --- run_bot: the token, and the whole start-up path -------------------------------------------


@pytest.mark.parametrize(
    ("token", "expected"),
    [
        (None, "set NEWSQA_TELEGRAM_TOKEN"),
        ("  ", "set NEWSQA_TELEGRAM_TOKEN"),
        ("12345:tooshort", "does not look like a bot token"),
        ("bot123456789:AAHk3y_-Secretk3y_-Secretk3y_-Secret", "does not look like a bot token"),
        ("123456789 AAHk3y_-Secretk3y_-Secretk3y_-Secret", "does not look like a bot token"),
    ],
)
def test_missing_or_malformed_token_is_a_one_line_user_error(
    tmp_path: Path, token: str | None, expected: str
) -> None:
    settings = make_settings(tmp_path, telegram_token=token)
    with pytest.raises(UserError) as error:
        run_bot(settings)
    message_text = str(error.value)
    assert expected in message_text and "\n" not in message_text
    assert not (token and token.strip()) or token.strip() not in message_text


@pytest.fixture()
def main_loop() -> Iterator[None]:
    """run_polling runs on (and closes) the main thread's event loop: give it a fresh one."""
    asyncio.set_event_loop(asyncio.new_event_loop())
    yield
    asyncio.set_event_loop(None)


def test_rejected_token_is_reported_without_showing_it(
    botapi: FakeBotApi,
    tmp_path: Path,
    fresh_index: NewsIndex,
    caplog: pytest.LogCaptureFixture,
    main_loop: None,
) -> None:
    settings = make_settings(
        tmp_path / "bot", telegram_token=WRONG_TOKEN, telegram_base_url=botapi.base_url
    )
    caplog.set_level(logging.DEBUG)
    with pytest.raises(UserError) as error:
        run_bot(settings, fresh_index)
    assert "Telegram rejected NEWSQA_TELEGRAM_TOKEN" in str(error.value)
    assert WRONG_TOKEN not in str(error.value)
    assert WRONG_TOKEN not in caplog.text
    assert botapi.calls == []  # the fake server refused it: nothing got past the token


def test_run_bot_serves_until_interrupted_and_never_logs_the_token(
    botapi: FakeBotApi,
    tmp_path: Path,
    fresh_index: NewsIndex,
    caplog: pytest.LogCaptureFixture,
    main_loop: None,
) -> None:
    settings = make_settings(
        fresh_index.settings.data_dir, telegram_token=TOKEN, telegram_base_url=botapi.base_url
    )
    caplog.set_level(logging.DEBUG)
    botapi.push(message("/start"))

    def interrupt_after_reply() -> None:
        try:
            botapi.wait_for()
        finally:
            os.kill(os.getpid(), signal.SIGINT)  # what Ctrl-C does

    threading.Thread(target=interrupt_after_reply, daemon=True).start()
    run_bot(settings, fresh_index)

    reply = botapi.wait_for()[0]
    assert "Le fonds est vide pour l'instant" in reply.text
    methods = [c.method for c in botapi.calls]
    assert methods[0] == "getMe" and "getUpdates" in methods
    assert "Calling Bot API endpoint `getUpdates`" in caplog.text  # the log is verbose...
    assert TOKEN not in caplog.text  # ...but never shows the token
    assert not [r for r in caplog.records if r.name == "httpx" and r.levelno < logging.WARNING]


# --- webhook mode --------------------------------------------------------------------------

SEED_QUESTION = "Qui remplace Pete Hegseth à la réunion du groupe de contact ?"


def test_webhook_mode_answers_what_telegram_posts_and_refuses_forgeries(
    botapi: FakeBotApi,
    bot_settings: Callable[..., Settings],
    indexed: NewsIndex,
    caplog: pytest.LogCaptureFixture,
    main_loop: None,
) -> None:
    port = free_port()
    hook = f"http://127.0.0.1:{port}/telegram/updates"
    settings = bot_settings(telegram_webhook_url=hook, telegram_webhook_port=port)
    caplog.set_level(logging.DEBUG)
    statuses: dict[str, int] = {}
    stopped = threading.Event()

    def act_as_telegram() -> None:
        try:
            statuses["forged"] = botapi.deliver(message(EBOLA), secret="forged")
            statuses["genuine"] = botapi.deliver(message(SEED_QUESTION))
            botapi.wait_for()
        finally:
            if not stopped.is_set():
                os.kill(os.getpid(), signal.SIGINT)  # what Ctrl-C does

    threading.Thread(target=act_as_telegram, daemon=True).start()
    try:
        run_bot(settings, indexed)
    finally:
        stopped.set()

    webhook = botapi.wait_for("setWebhook")[0].params
    assert webhook["url"] == hook
    assert webhook["allowed_updates"] == ["message", "callback_query"]
    secret = webhook["secret_token"]
    assert re.fullmatch(r"[A-Za-z0-9_-]{32,256}", secret)  # what Telegram accepts
    assert statuses == {"forged": 403, "genuine": 200}
    reply = botapi.wait_for()[0]
    assert botapi.sent() == [reply]  # the forged question got no answer
    assert reply.params["chat_id"] == PRIVATE_USER["id"]
    assert "Matthew Whitaker" in plain(reply)
    assert "Sources\n[1]" in plain(reply) and check_html(reply.text).errors == []
    assert botapi.sent("getUpdates") == []  # no polling alongside the webhook
    # Stopping leaves the webhook set, so Telegram keeps what users send until the restart.
    assert botapi.sent("deleteWebhook") == []
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=5).close()
    assert "Calling Bot API endpoint `setWebhook`" in caplog.text
    assert secret not in caplog.text and TOKEN not in caplog.text


def test_webhook_url_refused_by_telegram_is_a_one_line_user_error(
    botapi: FakeBotApi,
    bot_settings: Callable[..., Settings],
    indexed: NewsIndex,
    main_loop: None,
) -> None:
    botapi.https_only = True  # as api.telegram.org
    port = free_port()
    settings = bot_settings(
        telegram_webhook_url=f"http://127.0.0.1:{port}/hook", telegram_webhook_port=port
    )
    with pytest.raises(UserError) as error:
        run_bot(settings, indexed)
    refusal = str(error.value)
    assert refusal.startswith(
        f"Telegram refused NEWSQA_TELEGRAM_WEBHOOK_URL (http://127.0.0.1:{port}/hook): "
    )
    assert "https url must be provided" in refusal.lower() and "\n" not in refusal


def test_webhook_port_in_use_is_a_one_line_user_error(
    botapi: FakeBotApi,
    bot_settings: Callable[..., Settings],
    indexed: NewsIndex,
    main_loop: None,
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        settings = bot_settings(
            telegram_webhook_url="https://bot.example.org/hook", telegram_webhook_port=port
        )
        with pytest.raises(UserError) as error:
            run_bot(settings, indexed)
    assert f"cannot listen for the webhook on 127.0.0.1:{port}" in str(error.value)
    assert "NEWSQA_TELEGRAM_WEBHOOK_PORT" in str(error.value)


@pytest.mark.parametrize(
    "url", ["bot.example.org/hook", "ftp://bot.example.org/hook", "https:///hook"]
)
def test_webhook_url_that_is_not_a_full_url_is_a_user_error(tmp_path: Path, url: str) -> None:
    settings = make_settings(tmp_path, telegram_token=TOKEN, telegram_webhook_url=url)
    with pytest.raises(UserError, match="must be the full URL Telegram posts to"):
        run_bot(settings)


def test_webhook_mode_without_its_extra_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The extra is installed: a None entry in sys.modules makes it look absent to find_spec.
    monkeypatch.setitem(sys.modules, "tornado", None)
    settings = make_settings(
        tmp_path, telegram_token=TOKEN, telegram_webhook_url="https://bot.example.org/hook"
    )
    with pytest.raises(UserError, match=r"python-telegram-bot\[webhooks\]"):
        run_bot(settings)


# --- load: flood limits, per-user limit, many chats, errors ------------------------------------


def test_a_429_from_telegram_is_waited_out_then_the_reply_goes_through(
    botapi: FakeBotApi, start_bot: StartBot
) -> None:
    with start_bot():
        botapi.flood(calls=1, retry_after=1)
        botapi.push(message("/about"))
        delivered = botapi.wait_for(where=lambda c: c.status == 200)[0]
    refused = [c for c in botapi.sent() if c.status == 429]
    assert len(refused) == 1 and refused[0].at < delivered.at
    assert delivered.at - refused[0].at >= 0.9  # retry_after (1 s) was honoured
    assert "CC BY 2.5" in delivered.text


def test_a_user_over_the_question_limit_is_asked_to_wait(
    botapi: FakeBotApi, start_bot: StartBot, bot_settings: Callable[..., Settings]
) -> None:
    with start_bot(bot_settings(telegram_questions_per_minute=2)):
        for _ in range(3):
            botapi.push(message(EBOLA))
        botapi.push(message(EBOLA, user=BOB))  # the limit is per user
        replies = botapi.wait_for(count=3, chat_id=PRIVATE_USER["id"])
        bob = botapi.wait_for(chat_id=BOB["id"])[0]
    waits = [c for c in replies if "Doucement" in c.text]
    assert len(waits) == 1
    assert re.fullmatch(
        r"Doucement : au plus 2 questions par minute\. Réessayez dans \d+ s\.", waits[0].text
    )
    assert sum(EBOLA_URL in c.text for c in replies) == 2
    assert EBOLA_URL in bob.text


def test_twenty_chats_asking_at_once_are_all_answered(
    botapi: FakeBotApi, start_bot: StartBot
) -> None:
    users = [
        {"id": 5000 + n, "is_bot": False, "first_name": f"U{n}", "language_code": "fr"}
        for n in range(20)
    ]
    with start_bot():
        for user in users:
            botapi.push(message(EBOLA, user=user))
        botapi.wait_for(count=20)
    for user in users:
        (reply,) = botapi.sent(chat_id=user["id"])
        assert reply.status == 200 and EBOLA_URL in reply.text


def test_an_error_while_answering_is_logged_and_the_user_told_briefly(
    botapi: FakeBotApi,
    start_bot: StartBot,
    fresh_index: NewsIndex,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    seed = tmp_path / "seed.txt"
    seed.write_text("Réunion à Bruxelles\n\nMatthew Whitaker remplace Pete Hegseth.", "utf-8")
    Ingestor(fresh_index.settings, fresh_index).run([str(seed)])
    answerer = Answerer.from_settings(fresh_index.settings, fresh_index)
    caplog.set_level(logging.ERROR)
    with start_bot(index=fresh_index, answers=answerer):
        # The collection disappears under the running bot (another process dropped it).
        from index.storage import open_client

        open_client(fresh_index.settings).delete_collection(fresh_index.store.collection.name)
        botapi.push(message("Qui remplace Pete Hegseth ?"))
        reply = botapi.wait_for()[0]
    assert reply.text == "Désolé, une erreur est survenue. Réessayez dans un instant."
    assert "Traceback" in caplog.text or caplog.records[-1].exc_info is not None
