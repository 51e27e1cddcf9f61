"""BM25 over the chunks, kept beside the Chroma collection and synced from it.

The chunk tokens live in a small SQLite file, so syncing after an ingest only tokenizes the
chunks that changed; the BM25 matrix (bm25s) is rebuilt from those stored tokens and saved.
"""

from __future__ import annotations

import bisect
import json
import logging
import re
import shutil
import sqlite3
import tempfile
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from index.text import tokenize

if TYPE_CHECKING:
    import bm25s

    from index.storage.chroma import ChunkStore, LexicalSource

log = logging.getLogger(__name__)

# bm25s defaults are k1=1.5, b=0.75; these did better on piaf-dev (bench/fusion_grid.py):
# less weight to repeated words and to chunk length, both of which vary little between chunks.
BM25_K1 = 0.9
BM25_B = 0.4
LOCK_WAIT_S = 120.0  # how long a sync waits for another process's sync of the same file


@dataclass(frozen=True)
class LexicalHit:
    chunk_id: str
    score: float


class LexicalIndex:
    """Tokens per chunk in SQLite, a bm25s index built from them, both under one folder."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.folder = folder
        # Another process may be syncing the same file: wait for it rather than fail.
        self.db = sqlite3.connect(
            folder / "tokens.sqlite3", check_same_thread=False, timeout=LOCK_WAIT_S
        )
        self.db.executescript(
            """
            CREATE TABLE IF NOT EXISTS chunks (
                id TEXT PRIMARY KEY, content_hash TEXT NOT NULL, tokens TEXT NOT NULL,
                source TEXT NOT NULL, published_ts INTEGER NOT NULL);
            CREATE TABLE IF NOT EXISTS state (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
            INSERT OR IGNORE INTO state VALUES ('version', 0);
            """
        )
        self._bm25: bm25s.BM25 | None = None
        self._ids: list[str] = []
        self._sources = np.array([], dtype=object)
        self._ts = np.array([], dtype=np.int64)
        self._latest = -1
        self._built_version = -1
        self._lock = threading.RLock()

    def version(self) -> int:
        return int(self.db.execute("SELECT value FROM state WHERE key='version'").fetchone()[0])

    def count(self) -> int:
        return int(self.db.execute("SELECT COUNT(*) FROM chunks").fetchone()[0])

    def sync(self, store: ChunkStore) -> int:
        """Bring the tokens in line with the store; returns chunks (re)tokenized or removed."""
        with self._lock:
            stored = dict(self.db.execute("SELECT id, content_hash FROM chunks").fetchall())
            wanted = store.content_hashes()
            stale = [cid for cid, h in wanted.items() if stored.get(cid) != h]
            gone = [cid for cid in stored if cid not in wanted]
            # Tokenized before writing, so the file is locked only while rows are inserted.
            rows = [
                (c.chunk_id, c.content_hash, _chunk_tokens(c), c.source, c.published_ts)
                for c in store.lexical_sources(stale)
            ]
            self.db.executemany("INSERT OR REPLACE INTO chunks VALUES (?, ?, ?, ?, ?)", rows)
            self.db.executemany("DELETE FROM chunks WHERE id = ?", [(cid,) for cid in gone])
            if stale or gone:
                self.db.execute("UPDATE state SET value = value + 1 WHERE key='version'")
            self.db.commit()
        return len(stale) + len(gone)

    def search(
        self,
        query: str,
        lang: str,
        k: int,
        sources: Sequence[str] = (),
        published: tuple[int, int] | None = None,
    ) -> list[LexicalHit]:
        """Best chunks for the query, optionally only from some sources or a publication range."""
        tokens = tokenize(query, lang)
        with self._lock:  # the bot searches from several threads; a rebuild swaps the arrays
            bm25 = self._load()
            if bm25 is None or not tokens:
                return []
            # Scores for every chunk, so that filters are masks rather than a second search.
            scores = bm25.get_scores(tokens)
            if sources:
                scores = np.where(np.isin(self._sources, list(sources)), scores, 0.0)
            if published is not None:
                inside = (self._ts >= published[0]) & (self._ts <= published[1])
                scores = np.where(inside, scores, 0.0)
            ids = self._ids
        k = min(k, len(scores))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [LexicalHit(ids[i], float(scores[i])) for i in top if scores[i] > 0]

    def latest_published(self) -> int:
        """The newest publication timestamp among the chunks (-1: none dated)."""
        with self._lock:
            self._load()
            return self._latest

    def published(self, ids: Sequence[str]) -> list[int]:
        """Each chunk's publication timestamp (-1: undated or unknown), in the order given."""
        with self._lock:
            self._load()
            known, stamps = self._ids, self._ts
            out = []
            for cid in ids:
                at = bisect.bisect_left(known, cid)  # ids are kept sorted (ORDER BY id)
                out.append(int(stamps[at]) if at < len(known) and known[at] == cid else -1)
            return out

    def _load(self) -> bm25s.BM25 | None:
        """The BM25 matrix for the current tokens: from disk if fresh, else rebuilt and saved."""
        import bm25s  # noqa: F401

        # bm25s sets its own logger to DEBUG when imported, which would print on every rebuild.
        logging.getLogger("bm25s").setLevel(logging.WARNING)

        version = self.version()
        if self._bm25 is not None and self._built_version == version:
            return self._bm25
        # Saved with other parameters (an older newsqa) counts as stale too.
        wanted = {"version": version, "k1": BM25_K1, "b": BM25_B}
        saved = self._saved(wanted)
        self._bm25 = saved if saved is not None else self._rebuilt(wanted)
        if self._bm25 is None:
            return None
        rows = self.db.execute("SELECT id, source, published_ts FROM chunks ORDER BY id").fetchall()
        self._ids = [row[0] for row in rows]
        self._sources = np.array([row[1] for row in rows], dtype=object)
        self._ts = np.array([row[2] for row in rows], dtype=np.int64)
        self._latest = int(self._ts.max()) if len(self._ts) else -1  # read on every question
        self._built_version = version
        return self._bm25

    def _saved(self, wanted: dict[str, float]) -> bm25s.BM25 | None:
        """The matrix saved for these tokens and parameters, if it is there and whole."""
        import bm25s

        saved = self.folder / "bm25"
        try:
            if json.loads((saved / "newsqa.json").read_text()) != wanted:
                return None
            return bm25s.BM25.load(str(saved))
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, EOFError) as exc:  # a torn file: rebuild it
            log.warning("the saved BM25 index in %s is unreadable (%s): rebuilding it", saved, exc)
            return None

    def _rebuilt(self, wanted: dict[str, float]) -> bm25s.BM25 | None:
        """A matrix built from the stored tokens, saved whole (written aside, then renamed)."""
        import bm25s

        rows = self.db.execute("SELECT id, tokens FROM chunks ORDER BY id").fetchall()
        if not rows:
            return None
        bm25 = bm25s.BM25(k1=BM25_K1, b=BM25_B)
        bm25.index([tokens.split() for _, tokens in rows], show_progress=False)
        saved, aside = (
            self.folder / "bm25",
            Path(tempfile.mkdtemp(dir=self.folder, prefix=".bm25-")),
        )
        try:
            bm25.save(str(aside), show_progress=False)
            (aside / "newsqa.json").write_text(json.dumps(wanted))
            if saved.exists():
                saved.rename(aside.with_suffix(".old"))
            aside.rename(saved)
        finally:
            shutil.rmtree(aside, ignore_errors=True)
            shutil.rmtree(aside.with_suffix(".old"), ignore_errors=True)
        return bm25

    def close(self) -> None:
        self.db.close()


def _chunk_tokens(chunk: LexicalSource) -> str:
    # The title was embedded with every chunk; it counts for BM25 too.
    return " ".join(tokenize(f"{chunk.title}\n{chunk.text}", chunk.lang))


def lexical_folder(data_dir: Path, collection: str, server: str | None) -> Path:
    """One folder per collection (and per Chroma server, whose collections may share names)."""
    place = re.sub(r"[^\w.-]", "_", server) if server else "embedded"
    return data_dir / "lexical" / place / collection
