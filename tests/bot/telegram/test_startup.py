"""`run_bot`: the token checked before anything talks to Telegram, then the polling loop."""

from __future__ import annotations

import logging
import os
import signal
import threading
from pathlib import Path

import pytest

from bot.telegram import run_bot
from index.engine import NewsIndex
from index.errors import UserError
from tests.conftest import make_settings
from tests.fakes.botapi import (
    TOKEN,
    WRONG_TOKEN,
    FakeBotApi,
    message,
)


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


def test_rejected_token_is_reported_without_showing_it(
    botapi: FakeBotApi,
    tmp_path: Path,
    fake_index: NewsIndex,
    caplog: pytest.LogCaptureFixture,
    main_loop: None,
) -> None:
    settings = make_settings(
        tmp_path / "bot",
        telegram_token=WRONG_TOKEN,
        telegram_base_url=botapi.base_url,
        answer_backend="extractive",  # the fake index: no reader to load
    )
    caplog.set_level(logging.DEBUG)
    with pytest.raises(UserError) as error:
        run_bot(settings, fake_index)
    assert "Telegram rejected NEWSQA_TELEGRAM_TOKEN" in str(error.value)
    assert WRONG_TOKEN not in str(error.value)
    assert WRONG_TOKEN not in caplog.text
    assert botapi.calls == []  # the fake server refused it: nothing got past the token


def test_run_bot_serves_until_interrupted_and_never_logs_the_token(
    botapi: FakeBotApi,
    tmp_path: Path,
    fake_index: NewsIndex,
    caplog: pytest.LogCaptureFixture,
    main_loop: None,
) -> None:
    settings = make_settings(
        fake_index.settings.data_dir,
        telegram_token=TOKEN,
        telegram_base_url=botapi.base_url,
        answer_backend="extractive",
    )
    caplog.set_level(logging.DEBUG)
    botapi.push(message("/start"))

    def interrupt_after_reply() -> None:
        try:
            botapi.wait_for()
        finally:
            os.kill(os.getpid(), signal.SIGINT)  # what Ctrl-C does

    threading.Thread(target=interrupt_after_reply, daemon=True).start()
    run_bot(settings, fake_index)

    reply = botapi.wait_for()[0]
    assert "Le fonds est vide pour l'instant" in reply.text
    methods = [c.method for c in botapi.calls]
    assert methods[0] == "getMe" and "getUpdates" in methods
    assert any(r.levelno == logging.DEBUG for r in caplog.records)  # the log is verbose...
    assert TOKEN not in caplog.text  # ...but never shows the token
    assert not [r for r in caplog.records if r.name == "httpx" and r.levelno < logging.WARNING]
