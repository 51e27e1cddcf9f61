"""Telegram fixtures: the fake Bot API, settings pointing at it, and the real bot running."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.telegram import build_application
from index.answer import Answerer
from index.engine import NewsIndex
from index.settings import Settings
from tests.conftest import make_settings
from tests.fakes.botapi import TOKEN, FakeBotApi, RunningBot

BotSettings = Callable[..., Settings]
StartBot = Callable[..., RunningBot]

EBOLA = "Qu'a annoncé l'OMS au sujet d'Ebola ?"
EBOLA_LINK = "https://fr.wikinews.org/wiki/Ebola_:_l'OMS_déclare"
EBOLA_URL = EBOLA_LINK.replace("'", "&#x27;")  # as written in the HTML
FOLLOW_UP = "Qui l'a annoncé ?"  # alone, it finds the North Korean missile article
STRANGER: dict[str, Any] = {"id": 2002, "is_bot": False, "first_name": "Eve", "language_code": "fr"}
BOB: dict[str, Any] = {"id": 3003, "is_bot": False, "first_name": "Bob", "language_code": "en"}


@pytest.fixture()
def botapi() -> Iterator[FakeBotApi]:
    with FakeBotApi(TOKEN) as api:
        yield api


@pytest.fixture()
def main_loop() -> Iterator[None]:
    """run_polling runs on (and closes) the main thread's event loop: give it a fresh one."""
    asyncio.set_event_loop(asyncio.new_event_loop())
    yield
    asyncio.set_event_loop(None)


@pytest.fixture(scope="session")
def answerer(indexed: NewsIndex) -> Answerer:
    # The conversation tests check the seed answers the sentence backend gives (the trained
    # reader does not answer them yet: tests/index/reading/test_reader.py).
    settings = indexed.settings.model_copy(update={"answer_backend": "extractive"})
    return Answerer.from_settings(settings, indexed)


@pytest.fixture()
def bot_settings(tmp_path: Path, botapi: FakeBotApi) -> BotSettings:
    """Settings for a bot talking to the fake server, its state in this test's temp dir."""

    def build(**overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "telegram_token": TOKEN,
            "telegram_base_url": botapi.base_url,
            # `run_bot` loads the reader at start; these settings also serve fake-index tests.
            "answer_backend": "extractive",
            **overrides,
        }
        return make_settings(tmp_path / "bot", **values)

    return build


@pytest.fixture()
def start_bot(bot_settings: BotSettings, indexed: NewsIndex, answerer: Answerer) -> StartBot:
    """Build the real Application over the shared index and run it against the fake server."""

    def start(
        settings: Settings | None = None,
        index: NewsIndex | None = None,
        answers: Answerer | None = None,
    ) -> RunningBot:
        app = build_application(settings or bot_settings(), index or indexed, answers or answerer)
        return RunningBot(app)

    return start
