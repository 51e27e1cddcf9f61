"""Who the bot answers: allowed users and chats, and the warning when it answers everyone."""

from __future__ import annotations

import logging

import pytest

from tests.bot.telegram.conftest import (
    EBOLA,
    STRANGER,
    BotSettings,
    StartBot,
)
from tests.fakes.botapi import (
    PRIVATE_USER,
    FakeBotApi,
    chat_group,
    message,
)


def test_users_not_allowed_are_refused_and_logged(
    botapi: FakeBotApi,
    start_bot: StartBot,
    bot_settings: BotSettings,
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
