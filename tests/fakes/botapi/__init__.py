"""The Telegram Bot API as a bot sees it: the server, Telegram's checks, updates to send."""

from tests.fakes.botapi.markup import HTMLCheck, check_html, plain_text, utf16_len
from tests.fakes.botapi.running import RunningBot
from tests.fakes.botapi.server import BOT_USER, TOKEN, WRONG_TOKEN, ApiCall, FakeBotApi
from tests.fakes.botapi.updates import (
    PRIVATE_USER,
    button_press,
    chat_group,
    chat_private,
    edited,
    message,
    photo,
)

__all__ = [
    "BOT_USER",
    "PRIVATE_USER",
    "TOKEN",
    "WRONG_TOKEN",
    "ApiCall",
    "FakeBotApi",
    "HTMLCheck",
    "RunningBot",
    "button_press",
    "chat_group",
    "chat_private",
    "check_html",
    "edited",
    "message",
    "photo",
    "plain_text",
    "utf16_len",
]
