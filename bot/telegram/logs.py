"""The bot's logs: secrets (token, webhook secret) replaced, network failures on one line."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator

from telegram.error import NetworkError


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


class NetworkErrorsOnOneLine(logging.Filter):
    """PTB logs every failed call to the Bot API with its traceback (about 90 lines each, every
    few seconds while Telegram is unreachable): keep its message and the error, drop the rest."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if record.name.startswith("telegram") and isinstance(error, NetworkError):
            record.msg, record.args = f"{record.getMessage()} ({error})", None
            record.exc_info, record.exc_text = None, None
        return True


@contextlib.contextmanager
def bot_logging(placeholders: dict[str, str]) -> Iterator[None]:
    """Keep secrets out of the logs (PTB logs each call's parameters at DEBUG), and network
    failures short, while the bot runs."""
    # httpx logs each request URL (which contains the token) at INFO.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    filters = [NetworkErrorsOnOneLine(), Redact(placeholders)]  # shorten first, then redact
    handlers = list(logging.getLogger().handlers)
    for handler in handlers:
        for log_filter in filters:
            handler.addFilter(log_filter)
    try:
        yield
    finally:
        for handler in handlers:
            for log_filter in filters:
                handler.removeFilter(log_filter)
