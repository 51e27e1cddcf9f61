"""Per-chat conversation memory in a small SQLite file, so follow-ups survive a restart."""

from __future__ import annotations

import json
import sqlite3
import threading
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from typing import Any

from index.records import Citation, Passage, Turn
from index.settings import Settings

FILE_NAME = "bot.sqlite3"
_NEWEST = 2**63 - 1  # SQLite's largest row id

_SCHEMA = """
CREATE TABLE IF NOT EXISTS exchanges (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    chat_id INTEGER NOT NULL,
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    language TEXT NOT NULL,
    citations TEXT NOT NULL,  -- JSON list of citations, for /sources and the quotes button
    tail_html TEXT NOT NULL   -- last message sent, so the button can add the quotes under it
);
CREATE INDEX IF NOT EXISTS exchanges_by_chat ON exchanges (chat_id, id);
CREATE TABLE IF NOT EXISTS messages (
    chat_id INTEGER NOT NULL,
    message_id INTEGER NOT NULL,
    exchange_id INTEGER NOT NULL,
    asked TEXT,  -- the question as read, for the user's message; NULL for the bot's replies
    PRIMARY KEY (chat_id, message_id)
);
"""


@dataclass(frozen=True)
class Exchange:
    """One question and answer of a chat, as remembered."""

    id: int
    chat_id: int
    question: str
    answer: str
    language: str
    citations: tuple[Citation, ...]
    tail_html: str

    @property
    def turn(self) -> Turn:
        return Turn(question=self.question, answer=self.answer)


class ChatMemory:
    """The last `max_turns` exchanges of each chat (at least the last one, for /sources)."""

    def __init__(self, path: Path, max_turns: int) -> None:
        self.path = path
        self.max_turns = max_turns
        path.parent.mkdir(parents=True, exist_ok=True)
        # Handlers run on the event loop, retrieval in threads: one connection, one lock.
        self._db = sqlite3.connect(path, check_same_thread=False)
        self._lock = threading.Lock()
        with self._lock:
            self._db.executescript(_SCHEMA)

    @classmethod
    def from_settings(cls, settings: Settings) -> ChatMemory:
        return cls(settings.data_dir / FILE_NAME, settings.history_turns)

    def history(self, chat_id: int, until: int | None = None) -> list[Turn]:
        """The turns to pass to the answerer, oldest first, ending with exchange `until` if
        given (a reply to an older answer follows that answer, not the latest)."""
        if self.max_turns == 0:
            return []
        return [x.turn for x in reversed(self._select(chat_id, self.max_turns, until))]

    def last(self, chat_id: int) -> Exchange | None:
        found = self._select(chat_id, 1)
        return found[0] if found else None

    def get(self, chat_id: int, exchange_id: int) -> Exchange | None:
        """An exchange of this chat by id, if it is still remembered."""
        with self._lock:
            row = self._db.execute(
                "SELECT * FROM exchanges WHERE chat_id = ? AND id = ?", (chat_id, exchange_id)
            ).fetchone()
        return _exchange(row) if row else None

    def remember(
        self,
        chat_id: int,
        question: str,
        answer: str,
        language: str,
        citations: tuple[Citation, ...],
        tail_html: str,
    ) -> int:
        """Store an exchange, forget the ones beyond the bound, return the new id."""
        payload = json.dumps([_citation_json(c) for c in citations], ensure_ascii=False)
        keep = max(self.max_turns, 1)
        with self._lock, self._db:
            cursor = self._db.execute(
                "INSERT INTO exchanges (chat_id, question, answer, language, citations, tail_html)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (chat_id, question, answer, language, payload, tail_html),
            )
            self._db.execute(
                "DELETE FROM exchanges WHERE chat_id = ? AND id NOT IN "
                "(SELECT id FROM exchanges WHERE chat_id = ? ORDER BY id DESC LIMIT ?)",
                (chat_id, chat_id, keep),
            )
            self._db.execute(_UNLINKED, (chat_id, chat_id))
        return int(cursor.lastrowid or 0)

    def link(
        self,
        chat_id: int,
        exchange_id: int,
        replies: list[int],
        question: tuple[int, str] | None = None,
    ) -> None:
        """Note which messages an exchange was: the bot's replies and, if given, the user's
        (id, question as read)."""
        rows: list[tuple[int, int, int, str | None]] = [
            (chat_id, reply, exchange_id, None) for reply in replies
        ]
        if question is not None:
            rows.append((chat_id, question[0], exchange_id, question[1]))
        with self._lock, self._db:
            self._db.executemany("INSERT OR REPLACE INTO messages VALUES (?, ?, ?, ?)", rows)

    def answered_by(self, chat_id: int, message_id: int) -> int | None:
        """The exchange a reply of the bot belongs to, if it is still remembered."""
        exchange_id, asked = self._linked(chat_id, message_id)
        return exchange_id if asked is None else None

    def asked_in(self, chat_id: int, message_id: int) -> tuple[int | None, str]:
        """The exchange a user's message asked, with its question as read, or (None, '')."""
        exchange_id, asked = self._linked(chat_id, message_id)
        return (exchange_id, asked) if asked is not None else (None, "")

    def drop(self, chat_id: int, exchange_id: int) -> None:
        """Forget one exchange (its question was edited: the new wording replaces it)."""
        with self._lock, self._db:
            self._db.execute(
                "DELETE FROM exchanges WHERE chat_id = ? AND id = ?", (chat_id, exchange_id)
            )
            self._db.execute(_UNLINKED, (chat_id, chat_id))

    def forget(self, chat_id: int) -> int:
        """Drop a chat's conversation; returns how many exchanges were dropped."""
        with self._lock, self._db:
            self._db.execute("DELETE FROM messages WHERE chat_id = ?", (chat_id,))
            return self._db.execute("DELETE FROM exchanges WHERE chat_id = ?", (chat_id,)).rowcount

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def _select(self, chat_id: int, limit: int, until: int | None = None) -> list[Exchange]:
        """The chat's latest exchanges (up to `until` if given), newest first."""
        with self._lock:
            rows = self._db.execute(
                "SELECT * FROM exchanges WHERE chat_id = ? AND id <= ? ORDER BY id DESC LIMIT ?",
                (chat_id, until if until is not None else _NEWEST, limit),
            ).fetchall()
        return [_exchange(row) for row in rows]

    def _linked(self, chat_id: int, message_id: int) -> tuple[int | None, str | None]:
        with self._lock:
            row = self._db.execute(
                "SELECT exchange_id, asked FROM messages WHERE chat_id = ? AND message_id = ?",
                (chat_id, message_id),
            ).fetchone()
        return (int(row[0]), row[1]) if row else (None, None)


# Messages of exchanges already forgotten (beyond the bound, or dropped).
_UNLINKED = (
    "DELETE FROM messages WHERE chat_id = ? AND exchange_id NOT IN "
    "(SELECT id FROM exchanges WHERE chat_id = ?)"
)


def _exchange(row: tuple[Any, ...]) -> Exchange:
    id_, chat_id, question, answer, language, citations, tail_html = row
    return Exchange(
        id=id_,
        chat_id=chat_id,
        question=question,
        answer=answer,
        language=language,
        citations=tuple(_citation(c) for c in json.loads(citations)),
        tail_html=tail_html,
    )


def _citation_json(citation: Citation) -> dict[str, Any]:
    data = asdict(citation)
    published = citation.passage.published_at
    data["passage"]["published_at"] = published.isoformat() if published else None
    return data


def _citation(data: dict[str, Any]) -> Citation:
    passage = dict(data["passage"])
    published = passage.get("published_at")
    passage["published_at"] = date.fromisoformat(published) if published else None
    return Citation(**{**data, "passage": Passage(**passage)})
