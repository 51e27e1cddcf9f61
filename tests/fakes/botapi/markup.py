"""What Telegram checks of a message's text: its HTML tags and its length in UTF-16 units.

Written apart from `bot.telegram` (which has its own `utf16_len`), so that the fake judges the
bot's output by Telegram's rules rather than by the bot's.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

_TELEGRAM_TAGS = {
    "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre",
    "blockquote", "tg-spoiler", "span", "tg-emoji",
}  # fmt: skip


class HTMLCheck(HTMLParser):
    """Telegram's HTML rules: known tags only, each closed in order; collects the plain text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.plain: list[str] = []
        self.links: list[tuple[str, str]] = []  # (href, link text)
        self._href: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _TELEGRAM_TAGS:
            self.errors.append(f"unsupported start tag {tag!r}")
        if tag == "a":
            self._href = dict(attrs).get("href") or ""
            self.links.append((self._href, ""))
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"unexpected end tag {tag!r} (open: {self.stack})")
            return
        self.stack.pop()
        if tag == "a":
            self._href = None

    def handle_data(self, data: str) -> None:
        self.plain.append(data)
        if self._href is not None:
            href, text = self.links[-1]
            self.links[-1] = (href, text + data)

    def close(self) -> None:
        super().close()
        if self.stack:
            self.errors.append(f"tags left open: {self.stack}")


def check_html(text: str) -> HTMLCheck:
    checker = HTMLCheck()
    checker.feed(text)
    checker.close()
    # A bare "<" or "&" that html.parser tolerates would be rejected by Telegram.
    if re.search(r"<(?![a-zA-Z/])|&(?!#?\w+;)", text):
        checker.errors.append("unescaped < or &")
    return checker


def plain_text(html: str) -> str:
    """The text as the user reads it (tags gone, entities decoded)."""
    return "".join(check_html(html).plain)


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2
