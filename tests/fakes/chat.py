"""A loopback HTTP server speaking the OpenAI chat-completions protocol.

It answers with the scripted `replies` first, in order, then with `reply(user prompt)`; `hold`
runs before each answer, so a test can keep one request waiting on something else.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

API_KEY = "sk-test-0123456789"


@dataclass
class Reply:
    """One scripted response of the fake endpoint."""

    content: str | None = ""
    status: int = 200
    delay_s: float = 0.0


def _no_reply(prompt: str) -> str:
    return ""


def _no_hold(prompt: str) -> None:
    return None


@dataclass
class ChatEndpoint:
    """What the server was asked, and what it will answer next."""

    base_url: str = ""
    replies: list[Reply] = field(default_factory=list)
    reply: Callable[[str], str] = _no_reply
    hold: Callable[[str], None] = _no_hold
    requests: list[dict[str, Any]] = field(default_factory=list)

    def user_text(self, i: int = -1) -> str:
        """The user messages of request `i` (the last by default), joined."""
        return _user_text(self.requests[i]["body"])

    def next_reply(self, prompt: str) -> Reply:
        return self.replies.pop(0) if self.replies else Reply(self.reply(prompt))


def _user_text(body: dict[str, Any]) -> str:
    return "\n".join(str(m.get("content")) for m in body["messages"] if m["role"] == "user")


def _payload(reply: Reply, model: str) -> dict[str, Any]:
    if reply.status != 200:
        # Servers echo odd things in errors; the key must still never reach the log.
        return {"error": {"message": f"boom for key {API_KEY}", "type": "server_error"}}
    return {
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": reply.content},
                "finish_reason": "stop",
            }
        ],
        "usage": {"prompt_tokens": 100, "completion_tokens": 20, "total_tokens": 120},
    }


def _handler(endpoint: ChatEndpoint) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            endpoint.requests.append(
                {"path": self.path, "headers": dict(self.headers), "body": body}
            )
            prompt = _user_text(body)
            endpoint.hold(prompt)
            reply = endpoint.next_reply(prompt)
            time.sleep(reply.delay_s)
            data = json.dumps(_payload(reply, str(body.get("model", "fake")))).encode()
            try:
                self.send_response(reply.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.send_header("retry-after-ms", "10")  # keep client retries quick
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (timeout test)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


@contextmanager
def chat_server() -> Iterator[ChatEndpoint]:
    """The endpoint on a free loopback port, `base_url` ending in /v1 as clients expect."""
    chat = ChatEndpoint()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(chat))
    server.daemon_threads = True
    server.block_on_close = False
    chat.base_url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield chat
    finally:
        server.shutdown()
        server.server_close()
