"""A news feed on 127.0.0.1 whose items a test adds between rounds, served the way real feed
servers answer conditional requests: an ETag and a Last-Modified on every 200, and a bare 304
when the client's If-None-Match still matches. `/feed/N` is item N's own page (404 while N is
in `missing_pages`); an item in `teasers` shows only "Lire la suite…" in the feed; `/broken`
always answers 500."""

from __future__ import annotations

import contextlib
import hashlib
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from xml.sax.saxutils import escape


@dataclass
class LiveFeed:
    """The feed's items and what the server was asked."""

    url: str = ""
    broken_url: str = ""
    items: list[tuple[str, str, str]] = field(default_factory=list)  # title, date, text
    answers: list[int] = field(default_factory=list)  # status codes sent for /feed
    pages_asked: list[int] = field(default_factory=list)  # N of each /feed/N asked
    missing_pages: set[int] = field(default_factory=set)
    teasers: set[int] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, title: str, day: str, text: str) -> None:
        with self.lock:
            self.items.append((title, day, text))

    def page(self, n: int) -> bytes:
        with self.lock:
            title, _, text = self.items[n]
        paragraphs = "".join(f"<p>{escape(p)}</p>" for p in text.split("\n") if p.strip())
        return (
            f"<html><head><title>{escape(title)}</title></head><body><article>"
            f"<h1>{escape(title)}</h1>{paragraphs}</article></body></html>"
        ).encode()

    def _summary(self, n: int, text: str) -> str:
        return "Lire la suite…" if n in self.teasers else text

    def document(self) -> bytes:
        with self.lock:
            entries = "".join(
                f"<item><title>{escape(title)}</title>"
                f"<link>{self.url}/{n}</link><guid>{self.url}/{n}</guid>"
                f"<pubDate>{format_datetime(datetime.fromisoformat(day).replace(tzinfo=UTC))}"
                f"</pubDate><description>{escape(self._summary(n, text))}</description></item>"
                for n, (title, day, text) in enumerate(self.items)
            )
        return (
            '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>Live</title><link>{self.url}</link>{entries}</channel></rss>"
        ).encode()


def _handler(feed: LiveFeed) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path == "/broken":
                self._send(500, b"server error", {})
                return
            if self.path.startswith("/feed/"):  # an item's own page, for teaser items
                n = int(self.path.rsplit("/", 1)[1])
                feed.pages_asked.append(n)
                if n in feed.missing_pages:
                    self._send(404, b"not found", {})
                else:
                    self._send(200, feed.page(n), {})
                return
            body = feed.document()
            etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
            if self.headers.get("If-None-Match") == etag:
                feed.answers.append(304)
                self._send(304, b"", {"ETag": etag})
                return
            feed.answers.append(200)
            headers = {
                "ETag": etag,
                "Last-Modified": format_datetime(datetime.now(UTC), usegmt=True),
                "Content-Type": "application/rss+xml",
            }
            self._send(200, body, headers)

        def _send(self, status: int, body: bytes, headers: dict[str, str]) -> None:
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            if status != 304:
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if body:
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    return Handler


@contextlib.contextmanager
def live_feed() -> Iterator[LiveFeed]:
    feed = LiveFeed()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(feed))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    feed.url, feed.broken_url = f"{base}/feed", f"{base}/broken"
    try:
        yield feed
    finally:
        server.shutdown()
        server.server_close()
