"""A local news site on 127.0.0.1: pages, a feed, a slow page and a huge one."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.conftest import FIXTURES

SITE = FIXTURES / "site"


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        base = f"http://127.0.0.1:{self.server.server_address[1]}"
        if self.path == "/slow":
            time.sleep(3)
        if self.path == "/huge":
            self._send(200, "text/html", b"<html>" + b"a" * (3 * 1024 * 1024))
            return
        if self.path == "/missing":
            self._send(404, "text/html", b"not found")
            return
        name = {"/feed": "feed.xml", "/atom": "atom.xml"}.get(self.path, "article.html")
        body = (SITE / name).read_text(encoding="utf-8").replace("LINK_BASE", base)
        kind = "application/rss+xml" if name.endswith(".xml") else "text/html; charset=utf-8"
        self._send(200, kind, body.encode("utf-8"))

    def _send(self, status: int, kind: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # client gave up
            self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="session")
def site() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
