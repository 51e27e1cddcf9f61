"""Bot fixtures: the fake Bot API, a fake chat-completions endpoint, and a running bot."""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from telegram.ext import Application

from bot.telegram import build_application
from index.answer import Answerer
from index.engine import NewsIndex
from index.settings import Settings
from tests.bot.botapi_server import FakeBotApi
from tests.conftest import make_settings

TOKEN = "123456789:AAH" + "k3y_-Secret" * 3  # the shape @BotFather hands out
WRONG_TOKEN = "987654321:ZZZ" + "n0t-Th1s_one" * 3


class RunningBot:
    """An Application polling the fake server from its own thread, as `run_polling` would."""

    def __init__(self, application: Application) -> None:
        self.application = application
        self._started = threading.Event()
        self._stop = threading.Event()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> RunningBot:
        self._thread.start()
        self._started.wait(timeout=30)
        if self._error is not None:
            raise self._error
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=30)
        assert not self._thread.is_alive(), "the bot did not stop"

    def _run(self) -> None:
        try:
            asyncio.run(self._main())
        except BaseException as exc:
            self._error = exc
            self._started.set()

    async def _main(self) -> None:
        app = self.application
        assert app.updater is not None
        await app.initialize()
        if app.post_init:
            await app.post_init(app)
        await app.updater.start_polling(poll_interval=0.0, timeout=1)
        await app.start()
        self._started.set()
        await asyncio.to_thread(self._stop.wait)
        await app.updater.stop()
        await app.stop()
        await app.shutdown()
        if app.post_shutdown:
            await app.post_shutdown(app)


@pytest.fixture()
def botapi() -> Iterator[FakeBotApi]:
    with FakeBotApi(TOKEN) as api:
        yield api


@pytest.fixture(scope="session")
def answerer(indexed: NewsIndex) -> Answerer:
    return Answerer.from_settings(indexed.settings, indexed)


@pytest.fixture()
def bot_settings(tmp_path: Path, botapi: FakeBotApi) -> Callable[..., Settings]:
    """Settings for a bot talking to the fake server, its state in this test's temp dir."""

    def build(**overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "telegram_token": TOKEN,
            "telegram_base_url": botapi.base_url,
            **overrides,
        }
        return make_settings(tmp_path / "bot", **values)

    return build


@pytest.fixture()
def start_bot(
    bot_settings: Callable[..., Settings], indexed: NewsIndex, answerer: Answerer
) -> Callable[..., RunningBot]:
    """Build the real Application over the shared index and run it against the fake server."""

    def start(
        settings: Settings | None = None,
        index: NewsIndex | None = None,
        answers: Answerer | None = None,
    ) -> RunningBot:
        app = build_application(settings or bot_settings(), index or indexed, answers or answerer)
        return RunningBot(app)

    return start


# --- a chat-completions endpoint (OpenAI protocol) -----------------------------------------


@dataclass
class ChatEndpoint:
    """Replies with `reply(user_prompt)`, once `hold(user_prompt)` returns."""

    base_url: str = ""
    reply: Callable[[str], str] = lambda prompt: ""
    hold: Callable[[str], None] = lambda prompt: None
    prompts: list[str] = field(default_factory=list)


@pytest.fixture()
def chat_llm() -> Iterator[ChatEndpoint]:
    endpoint = ChatEndpoint()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            prompt = "\n".join(
                str(m.get("content")) for m in body["messages"] if m["role"] == "user"
            )
            endpoint.prompts.append(prompt)
            endpoint.hold(prompt)
            payload = {
                "id": "chatcmpl-1",
                "object": "chat.completion",
                "created": int(time.time()),
                "model": body.get("model", "fake"),
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": endpoint.reply(prompt)},
                        "finish_reason": "stop",
                    }
                ],
                "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
            }
            data = json.dumps(payload).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    endpoint.base_url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    yield endpoint
    server.shutdown()
    server.server_close()
