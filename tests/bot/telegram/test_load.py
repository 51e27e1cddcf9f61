"""Under load: Telegram's flood limit, the per-user limit, many chats, failures."""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

import pytest

from bot.telegram import build_application
from index.answer import Answerer
from index.engine import NewsIndex
from ingest.pipeline import Ingestor
from tests.bot.telegram.conftest import (
    BOB,
    EBOLA,
    EBOLA_URL,
    BotSettings,
    StartBot,
)
from tests.fakes.botapi import (
    PRIVATE_USER,
    FakeBotApi,
    RunningBot,
    message,
)


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
    botapi: FakeBotApi, start_bot: StartBot, bot_settings: BotSettings
) -> None:
    with start_bot(bot_settings(telegram_questions_per_minute=2)):
        botapi.push(message("Bonjour !"))  # small talk searches nothing: not counted
        for _ in range(3):
            botapi.push(message(EBOLA))
        botapi.push(message(EBOLA, user=BOB))  # the limit is per user
        replies = botapi.wait_for(count=4, chat_id=PRIVATE_USER["id"])
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
    users: list[dict[str, Any]] = [
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
    bot_settings: BotSettings,
    fake_index: NewsIndex,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    seed = tmp_path / "seed.txt"
    seed.write_text("Réunion à Bruxelles\n\nMatthew Whitaker remplace Pete Hegseth.", "utf-8")
    Ingestor(fake_index.settings, fake_index).run([str(seed)])
    answerer = Answerer(fake_index.settings, fake_index)
    caplog.set_level(logging.ERROR)
    with RunningBot(build_application(bot_settings(), fake_index, answerer)):
        fake_index.lexical.close()  # the BM25 side breaks under the running bot
        botapi.push(message("Qui remplace Pete Hegseth ?"))
        reply = botapi.wait_for()[0]
    assert reply.text == "Désolé, une erreur est survenue. Réessayez dans un instant."
    # A bug, not a user mistake: logged with its traceback.
    (failure,) = [r for r in caplog.records if r.name == "bot.telegram.handlers"]
    assert failure.exc_info is not None and failure.exc_info[0] is not None
