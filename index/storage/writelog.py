"""Which articles each write touched, kept in Chroma beside the chunks.

Every newsqa write leaves two things in the small `newsqa-state` collection: the collection's
record (its latest write token, when, and since when the log is complete) and one log entry
(that write's token, time and article ids). A process that did not hear of a write, because it
keeps its word index in a data folder of its own (another machine), reads the entries it has
not applied and re-reads those articles only, instead of comparing the whole store. Entries
older than LOG_KEPT_S are pruned; a process away longer compares the whole store once.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from chromadb.api.models.Collection import Collection

LOG_KEPT_S = 7 * 24 * 3600
PRUNE_EVERY_S = 3600  # old entries are dropped at most this often (a where-clause delete)
_ONE = np.ones((1, 1), np.float32)  # the state collection holds records, not vectors


@dataclass(frozen=True)
class WriteState:
    """The collection's latest write as the log knows it."""

    token: str = ""  # '' when no newsqa write was recorded
    at_ms: int | None = None
    log_from_ms: int | None = None  # every write since then has an entry (None: no log yet)


@dataclass(frozen=True)
class LoggedWrite:
    token: str
    at_ms: int
    articles: tuple[str, ...]


class WriteLog:
    """The write token and log of one collection, in the shared state collection."""

    def __init__(self, state: Collection, name: str) -> None:
        self.state = state
        self.name = name

    def _record(self) -> dict[str, Any]:
        found = self.state.get(ids=[self.name], include=["metadatas"])
        metas = found["metadatas"] or []
        return dict(metas[0]) if metas else {}

    def current(self) -> WriteState:
        meta = self._record()
        at_ms, log_from = meta.get("at_ms"), meta.get("log_from_ms")
        return WriteState(
            str(meta.get("token") or ""),
            int(at_ms) if isinstance(at_ms, int) else None,
            int(log_from) if isinstance(log_from, int) else None,
        )

    def token(self) -> str:
        return str(self._record().get("token") or "")

    def last_write(self) -> datetime | None:
        at = str(self._record().get("at") or "")
        return datetime.fromisoformat(at) if at else None

    def record(self, token: str, articles: Sequence[str]) -> None:
        """Log a finished write and make its token the collection's latest."""
        self.entry(token, articles)
        self.commit(token)

    def entry(self, token: str, articles: Sequence[str]) -> None:
        """Log a write before the token changes: an entry without its token is read with the
        next write, while a token without its entry would be a write no one hears of."""
        self.state.upsert(
            ids=[f"{self.name}@{token}"],
            embeddings=_ONE,
            metadatas=[{"log_of": self.name, "at_ms": now_ms()}],
            documents=[json.dumps(list(articles))],
        )

    def commit(self, token: str) -> None:
        """Make `token` the collection's latest write (pruning old entries now and then)."""
        now = now_ms()
        previous = self._record()
        log_from = previous.get("log_from_ms")
        if not isinstance(log_from, int):
            log_from = now  # the first write that keeps a log
        cutoff = now - LOG_KEPT_S * 1000
        if log_from < cutoff - PRUNE_EVERY_S * 1000:
            where: Any = {"$and": [{"log_of": self.name}, {"at_ms": {"$lt": cutoff}}]}
            self.state.delete(where=where)
            log_from = cutoff
        at = datetime.fromtimestamp(now / 1000, UTC).isoformat(timespec="seconds")
        self.state.upsert(
            ids=[self.name],
            embeddings=_ONE,
            metadatas=[{"token": token, "at": at, "at_ms": now, "log_from_ms": log_from}],
        )

    def since(self, at_ms: int) -> list[LoggedWrite]:
        """The writes logged at `at_ms` or later, oldest first."""
        where: Any = {"$and": [{"log_of": self.name}, {"at_ms": {"$gte": at_ms}}]}
        found = self.state.get(where=where, include=["metadatas", "documents"])
        prefix = f"{self.name}@"
        writes = [
            LoggedWrite(
                entry_id.removeprefix(prefix),
                int(str(meta["at_ms"])),
                tuple(json.loads(doc or "[]")),
            )
            for entry_id, meta, doc in zip(
                found["ids"], found["metadatas"] or [], found["documents"] or [], strict=True
            )
        ]
        return sorted(writes, key=lambda w: w.at_ms)


def now_ms() -> int:
    """This machine's clock in milliseconds, as log entries carry it."""
    return int(time.time() * 1000)
