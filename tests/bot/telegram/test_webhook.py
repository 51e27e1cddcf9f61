"""Webhook mode: Telegram posts updates to the bot, which refuses forged ones."""

from __future__ import annotations

import gc
import logging
import os
import re
import signal
import socket
import sys
import threading
from pathlib import Path

import pytest

from bot.telegram import run_bot
from index.engine import NewsIndex
from index.errors import UserError
from tests.bot.telegram.conftest import (
    EBOLA,
    BotSettings,
)
from tests.conftest import make_settings
from tests.fakes.botapi import (
    PRIVATE_USER,
    TOKEN,
    FakeBotApi,
    check_html,
    message,
)
from tests.loopback import free_port

SEED_QUESTION = "Qui remplace Pete Hegseth à la réunion du groupe de contact ?"


def test_webhook_mode_answers_what_telegram_posts_and_refuses_forgeries(
    botapi: FakeBotApi,
    bot_settings: BotSettings,
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
    assert webhook["allowed_updates"] == ["message", "edited_message", "callback_query"]
    secret = webhook["secret_token"]
    assert re.fullmatch(r"[A-Za-z0-9_-]{32,256}", secret)  # what Telegram accepts
    assert statuses == {"forged": 403, "genuine": 200}
    reply = botapi.wait_for()[0]
    assert botapi.sent() == [reply]  # the forged question got no answer
    assert reply.params["chat_id"] == PRIVATE_USER["id"]
    assert "Matthew Whitaker" in reply.shown
    assert "Sources\n[1]" in reply.shown and check_html(reply.text).errors == []
    assert botapi.sent("getUpdates") == []  # no polling alongside the webhook
    # Stopping leaves the webhook set, so Telegram keeps what users send until the restart.
    assert botapi.sent("deleteWebhook") == []
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=5).close()
    # setWebhook is logged at DEBUG with its parameters: the secret shows as a placeholder.
    assert "<webhook secret>" in caplog.text
    assert secret not in caplog.text and TOKEN not in caplog.text


def test_webhook_url_refused_by_telegram_is_a_one_line_user_error(
    botapi: FakeBotApi,
    bot_settings: BotSettings,
    fake_index: NewsIndex,
    main_loop: None,
) -> None:
    botapi.https_only = True  # as api.telegram.org
    port = free_port()
    settings = bot_settings(
        telegram_webhook_url=f"http://127.0.0.1:{port}/hook",
        telegram_webhook_port=port,
    )
    with pytest.raises(UserError) as error:
        run_bot(settings, fake_index)
    refusal = str(error.value)
    assert refusal.startswith(
        f"Telegram refused NEWSQA_TELEGRAM_WEBHOOK_URL (http://127.0.0.1:{port}/hook): "
    )
    assert "https url must be provided" in refusal.lower() and "\n" not in refusal


def test_webhook_port_in_use_is_a_one_line_user_error(
    botapi: FakeBotApi,
    bot_settings: BotSettings,
    fake_index: NewsIndex,
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
            run_bot(settings, fake_index)
    refusal = str(error.value)
    assert f"cannot listen for the webhook on 127.0.0.1:{port}" in refusal
    assert "NEWSQA_TELEGRAM_WEBHOOK_PORT" in refusal and "\n" not in refusal
    # tornado's bind_sockets does not close the socket it failed to bind; the frames of the
    # error hold it. Collected here, its warning is expected rather than failing a later test.
    del error
    with pytest.warns(
        ResourceWarning, match=r"unclosed <socket\.socket .*laddr=\('0\.0\.0\.0', 0\)"
    ):
        gc.collect()


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
