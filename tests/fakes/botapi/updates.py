"""Updates as Telegram sends them: messages (with their entities) and button presses."""

from __future__ import annotations

import re
import time
from typing import Any

from tests.fakes.botapi.markup import utf16_len
from tests.fakes.botapi.server import ApiCall

PRIVATE_USER: dict[str, Any] = {
    "id": 1001,
    "is_bot": False,
    "first_name": "Alice",
    "language_code": "fr",
}


def chat_private(user: dict[str, Any] = PRIVATE_USER) -> dict[str, Any]:
    return {"id": user["id"], "type": "private", "first_name": user["first_name"]}


def chat_group(chat_id: int = -100200300) -> dict[str, Any]:
    return {"id": chat_id, "type": "supergroup", "title": "Newsroom"}


_message_ids = iter(range(1, 10**9))


def message(
    text: str,
    chat: dict[str, Any] | None = None,
    user: dict[str, Any] = PRIVATE_USER,
    reply_to: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A `message` update, with the command and mention entities Telegram would add."""
    entities = []
    for found in re.finditer(r"(?<!\w)/\w+(?:@\w+)?|@\w+", text):
        kind = "bot_command" if found.group().startswith("/") else "mention"
        if kind == "bot_command" and found.start() != 0:
            continue
        offset = utf16_len(text[: found.start()])
        entities.append({"type": kind, "offset": offset, "length": utf16_len(found.group())})
    body = _sent(chat, user) | {"text": text}
    if entities:
        body["entities"] = entities
    if reply_to is not None:
        body["reply_to_message"] = reply_to
    return {"message": body}


def edited(update: dict[str, Any], text: str) -> dict[str, Any]:
    """An `edited_message` update: the user changed the text of a message sent before."""
    body = dict(update["message"]) | {"text": text, "edit_date": int(time.time())}
    body.pop("entities", None)
    return {"edited_message": body}


def photo(
    caption: str = "", chat: dict[str, Any] | None = None, user: dict[str, Any] = PRIVATE_USER
) -> dict[str, Any]:
    """A `message` update with a photo and no text (what a sticker or a voice note also is)."""
    sizes = [{"file_id": "AgAD", "file_unique_id": "AQAD", "width": 90, "height": 60}]
    body = _sent(chat, user) | {"photo": sizes}
    if caption:
        body["caption"] = caption
    return {"message": body}


def _sent(chat: dict[str, Any] | None, user: dict[str, Any]) -> dict[str, Any]:
    """What every message carries: its id, date, chat and sender."""
    return {
        "message_id": next(_message_ids),
        "date": int(time.time()),
        "chat": chat or chat_private(user),
        "from": user,
    }


def button_press(sent: ApiCall, user: dict[str, Any] = PRIVATE_USER) -> dict[str, Any]:
    """A `callback_query` update: the user pressed the first button under a sent message."""
    data = sent.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    return {
        "callback_query": {
            "id": f"cbq-{next(_message_ids)}",
            "from": user,
            "chat_instance": "42",
            "data": data,
            "message": sent.result,
        }
    }
