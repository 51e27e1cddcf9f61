"""Secrets out of the logs: the bot token and webhook secret replaced in every record."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator


class Redact(logging.Filter):
    """Replace each secret in any record a handler is about to write by its placeholder."""

    def __init__(self, placeholders: dict[str, str]) -> None:
        super().__init__()
        self.placeholders = placeholders

    def _clean(self, text: str) -> str:
        for secret, placeholder in self.placeholders.items():
            text = text.replace(secret, placeholder)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if any(secret in message for secret in self.placeholders):
            record.msg, record.args = self._clean(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = self._clean(logging.Formatter().formatException(record.exc_info))
        return True


@contextlib.contextmanager
def hidden_from_logs(placeholders: dict[str, str]) -> Iterator[None]:
    """Keep secrets out of the logs (PTB logs each call's parameters at DEBUG)."""
    # httpx logs each request URL (which contains the token) at INFO.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    redact = Redact(placeholders)
    handlers = list(logging.getLogger().handlers)
    for handler in handlers:
        handler.addFilter(redact)
    try:
        yield
    finally:
        for handler in handlers:
            handler.removeFilter(redact)
