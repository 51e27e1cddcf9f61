"""A loopback HTTP server speaking the OpenAI chat-completions protocol, with scripted replies."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tests.conftest import free_port

API_KEY = "sk-test-0123456789"


@dataclass
class Reply:
    """One scripted response of the fake endpoint."""

    content: str | None = ""
    status: int = 200
    delay_s: float = 0.0


@dataclass
class ChatEndpoint:
    """What the server was asked, and what it will answer next."""

    base_url: str
    replies: list[Reply] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)

    def user_text(self, i: int = -1) -> str:
        return "\n".join(
            m["content"] for m in self.requests[i]["body"]["messages"] if m["role"] == "user"
        )


def _handler(endpoint: ChatEndpoint) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            endpoint.requests.append(
                {"path": self.path, "headers": dict(self.headers), "body": body}
            )
            reply = endpoint.replies.pop(0) if endpoint.replies else Reply()
            time.sleep(reply.delay_s)
            if reply.status != 200:
                # Servers echo odd things in errors; the key must still never reach the log.
                payload: dict[str, Any] = {
                    "error": {"message": f"boom for key {API_KEY}", "type": "server_error"}
                }
            else:
                payload = {
                    "id": "chatcmpl-1",
                    "object": "chat.completion",
                    "created": int(time.time()),
                    "model": body["model"],
                    "choices": [
                        {
                            "index": 0,
                            "message": {"role": "assistant", "content": reply.content},
                            "finish_reason": "stop",
                        }
                    ],
                    "usage": {"prompt_tokens": 100, "completion_tokens": 20, "total_tokens": 120},
                }
            data = json.dumps(payload).encode()
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
    port = free_port()
    chat = ChatEndpoint(base_url=f"http://127.0.0.1:{port}/v1")
    server = ThreadingHTTPServer(("127.0.0.1", port), _handler(chat))
    server.daemon_threads = True
    server.block_on_close = False
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield chat
    server.shutdown()
    server.server_close()
