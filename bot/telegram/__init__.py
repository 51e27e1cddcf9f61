"""The Telegram front end: handlers, HTML rendering, per-chat memory."""

from bot.telegram.app import build_application, run_bot

__all__ = ["build_application", "run_bot"]
