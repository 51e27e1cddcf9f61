"""A local news site on 127.0.0.1: an article page, RSS and Atom feeds, a slow page, a huge one
and a missing one."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer, ThreadingHTTPServer
from pathlib import Path
from typing import cast

SITE = Path(__file__).resolve().parent.parent / "fixtures" / "site"
SLOW_S = 3


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        base = f"http://127.0.0.1:{cast(HTTPServer, self.server).server_port}"
        if self.path == "/slow":
            time.sleep(SLOW_S)
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


@contextlib.contextmanager
def news_site() -> Iterator[str]:
    """The site's base URL while it serves."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
