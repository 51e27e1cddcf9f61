"""A fake Telegram Bot API server on 127.0.0.1: serves scripted updates, records every call.

It speaks the HTTP protocol PTB uses (`POST /bot<token>/<method>`, form-encoded parameters,
`{"ok": ..., "result": ...}` replies) and checks what Telegram would check: the token, the
message length, and that HTML-formatted text parses with Telegram's tags only.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from telegram.constants import MessageLimit

from tests.fakes.botapi.markup import check_html, plain_text, utf16_len

TOKEN = "123456789:AAH" + "k3y_-Secret" * 3  # the shape @BotFather hands out
WRONG_TOKEN = "987654321:ZZZ" + "n0t-Th1s_one" * 3
BOT_USER: dict[str, Any] = {
    "id": 777000111,
    "is_bot": True,
    "first_name": "NewsQA",
    "username": "newsqa_test_bot",
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}
# Parameters Telegram takes as plain strings; PTB JSON-encodes every other value.
_STRINGS = {"text", "parse_mode", "action", "callback_query_id", "url", "secret_token"}
# Long polls are cut short so tests never wait on them.
MAX_POLL_S = 0.3
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


@dataclass(frozen=True)
class ApiCall:
    """One request the bot made."""

    method: str
    params: dict[str, Any]
    result: Any  # what the server answered, e.g. the sent message
    status: int = 200
    at: float = field(default_factory=time.monotonic)

    @property
    def text(self) -> str:
        return str(self.params.get("text", ""))

    @property
    def shown(self) -> str:
        """The text as the user reads it (tags gone, entities decoded)."""
        return plain_text(self.text)


class FakeBotApi:
    """The Bot API as a bot sees it, for one token."""

    def __init__(self, token: str) -> None:
        self.token = token
        self.calls: list[ApiCall] = []
        self._updates: list[dict[str, Any]] = []
        self._next_update = 1
        self._next_message = 5000
        self._chats: dict[int, dict[str, Any]] = {}
        self._edited: dict[tuple[str, str], str] = {}  # the text of each edited message
        self._webhook: dict[str, Any] | None = None  # the last setWebhook's parameters
        self._flood: tuple[int, int] = (0, 0)  # sendMessage calls still to refuse, retry_after
        # api.telegram.org takes only https webhooks; a local Bot API server also takes http.
        self.https_only = False
        self._changed = threading.Condition()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> FakeBotApi:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    # --- what tests do

    def push(self, update: dict[str, Any]) -> dict[str, Any]:
        """Queue an update for the next getUpdates; returns it with its update_id."""
        with self._changed:
            update = self._numbered(update)
            self._updates.append(update)
            self._changed.notify_all()
        return update

    def deliver(
        self, update: dict[str, Any], *, secret: str | None = None, timeout: float = 20.0
    ) -> int:
        """POST an update to the webhook as Telegram does, retrying until the bot listens.

        Sends the secret token given to setWebhook, unless `secret` replaces it; returns the
        HTTP status the bot answered.
        """
        accepted = self.wait_for("setWebhook", where=lambda c: c.result is True, timeout=timeout)
        hook = accepted[-1].params
        url = urlsplit(hook["url"])
        headers = {"Content-Type": "application/json"}
        if secret or hook.get("secret_token"):
            headers[SECRET_HEADER] = secret or hook["secret_token"]
        with self._changed:
            body = json.dumps(self._numbered(update)).encode()
        deadline = time.monotonic() + timeout
        while True:
            connection = http.client.HTTPConnection(url.hostname or "", url.port, timeout=10)
            try:
                connection.request("POST", url.path or "/", body, headers)
                return connection.getresponse().status
            except ConnectionRefusedError:
                # The bot calls setWebhook before it listens; Telegram retries too.
                if time.monotonic() > deadline:
                    raise AssertionError(f"nothing listens at {hook['url']}") from None
                time.sleep(0.05)
            finally:
                connection.close()

    def flood(self, calls: int, retry_after: int) -> None:
        """Answer the next `calls` sendMessage with 429 Too Many Requests, as Telegram does."""
        with self._changed:
            self._flood = (calls, retry_after)

    def _numbered(self, update: dict[str, Any]) -> dict[str, Any]:
        update = {"update_id": self._next_update, **update}
        self._next_update += 1
        message = update.get("message") or (update.get("callback_query") or {}).get("message")
        if message:
            self._chats[message["chat"]["id"]] = message["chat"]
        return update

    def sent(self, method: str = "sendMessage", chat_id: int | None = None) -> list[ApiCall]:
        with self._changed:
            calls = [c for c in self.calls if c.method == method]
        return [c for c in calls if chat_id is None or c.params.get("chat_id") == chat_id]

    def wait_for(
        self,
        method: str = "sendMessage",
        count: int = 1,
        *,
        chat_id: int | None = None,
        where: Callable[[ApiCall], bool] = lambda call: True,
        timeout: float = 180.0,
    ) -> list[ApiCall]:
        """The first `count` matching calls, waiting for them; fails the test on timeout.

        The timeout is a ceiling for a loaded CI machine, not a speed target."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                found = [c for c in self.sent(method, chat_id) if where(c)]
                if len(found) >= count:
                    return found[:count]
                left = deadline - time.monotonic()
                if left <= 0:
                    seen = [(c.method, c.params) for c in self.calls[-10:]]
                    raise AssertionError(f"no {count} x {method} within {timeout}s; last: {seen}")
                self._changed.wait(left)

    # --- the protocol

    def handle(self, token: str, method: str, params: dict[str, Any]) -> tuple[int, Any]:
        if token != self.token:
            return 401, "Unauthorized"
        with self._changed:
            refused, retry_after = self._flood
            if method == "sendMessage" and refused:
                self._flood = (refused - 1, retry_after)
        if method == "sendMessage" and refused:
            status, result = 429, {"retry_after": retry_after}
        else:
            status, result = self._answer(method, params)
        with self._changed:
            self.calls.append(ApiCall(method, params, result, status))
            self._changed.notify_all()
        return status, result

    def _answer(self, method: str, params: dict[str, Any]) -> tuple[int, Any]:
        if method == "getUpdates":
            if self._webhook is not None:
                return 409, "Conflict: can't use getUpdates method while webhook is active"
            return 200, self._get_updates(params)
        if method == "setWebhook":
            if self.https_only and not str(params.get("url")).startswith("https://"):
                return 400, "Bad Request: bad webhook: HTTPS url must be provided for webhook"
            self._webhook = params
            return 200, True
        if method == "deleteWebhook":
            self._webhook = None
            return 200, True
        if method == "getMe":
            return 200, BOT_USER
        if method in ("sendMessage", "editMessageText", "editMessageReplyMarkup"):
            problem = self._check_text(params) if "text" in params else None
            if method == "editMessageText" and problem is None:
                problem = self._unchanged(params)
            if problem:
                return 400, f"Bad Request: {problem}"
            return 200, self._message(params)
        if method in (
            "sendChatAction",
            "answerCallbackQuery",
            "setMyCommands",
        ):
            return 200, True
        return 404, "Not Found: method not found"

    def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        wait = min(float(params.get("timeout") or 0), MAX_POLL_S)
        deadline = time.monotonic() + wait
        with self._changed:
            while True:
                # Updates below the offset are confirmed: Telegram forgets them.
                self._updates = [u for u in self._updates if u["update_id"] >= offset]
                left = deadline - time.monotonic()
                if self._updates or left <= 0:
                    return list(self._updates)
                self._changed.wait(left)

    def _unchanged(self, params: dict[str, Any]) -> str | None:
        """Telegram refuses an edit that changes nothing (a button tapped twice)."""
        key = (str(params.get("chat_id")), str(params.get("message_id")))
        with self._changed:
            if self._edited.get(key) == params["text"]:
                return (
                    "message is not modified: specified new message content and reply markup "
                    "are exactly the same as a current content and reply markup of the message"
                )
            self._edited[key] = str(params["text"])
        return None

    def _check_text(self, params: dict[str, Any]) -> str | None:
        text = str(params["text"])
        if params.get("parse_mode") == "HTML":
            checked = check_html(text)
            if checked.errors:
                return f"can't parse entities: {checked.errors[0]}"
            text = "".join(checked.plain)
        if not text.strip():
            return "message text is empty"
        if utf16_len(text) > MessageLimit.MAX_TEXT_LENGTH:
            return "message is too long"
        return None

    def _message(self, params: dict[str, Any]) -> dict[str, Any]:
        with self._changed:
            self._next_message += 1
            chat_id = int(params["chat_id"])
            message_id = int(params.get("message_id") or self._next_message)
            chat = self._chats.get(chat_id, {"id": chat_id, "type": "private"})
        return {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": chat,
            "from": BOT_USER,
            "text": str(params.get("text", "")),
        }


def _handler_for(api: FakeBotApi) -> type[BaseHTTPRequestHandler]:
    route = re.compile(r"^/bot(?P<token>[^/]+)/(?P<method>\w+)$")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length).decode("utf-8")
            found = route.match(self.path)
            if found is None:
                self._reply(404, {"ok": False, "error_code": 404, "description": "Not Found"})
                return
            params = {k: _decode(k, v) for k, v in parse_qsl(body, keep_blank_values=True)}
            status, result = api.handle(found["token"], found["method"], params)
            if status == 200:
                self._reply(200, {"ok": True, "result": result})
            elif status == 429:
                retry = result["retry_after"]
                description = f"Too Many Requests: retry after {retry}"
                self._reply(
                    429,
                    {
                        "ok": False,
                        "error_code": 429,
                        "description": description,
                        "parameters": {"retry_after": retry},
                    },
                )
            else:
                self._reply(status, {"ok": False, "error_code": status, "description": result})

        def _reply(self, status: int, payload: dict[str, Any]) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # poll cancelled
                self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    return Handler


def _decode(name: str, value: str) -> Any:
    if name in _STRINGS:
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value
