"""BM25 over the chunks, kept beside the Chroma collection and updated by each write.

Every newsqa write tells this index what it wrote and removed (`apply`), so an ingest costs what
it changed: its chunks are tokenized and become a new small segment; tokens stay in a SQLite
file (the authority, from which a torn segment is rebuilt), postings in segment files that a
serving process maps from disk. Small segments are merged as they pile up, a few large ones
last (as search engines do), so a question reads a handful of segments however the archive
grew. Writes made through another data folder (another machine) are found in the store's
write log and read back by article; only when the log does not cover the gap (a new folder,
an older newsqa, a lost folder) does `catch_up` compare the whole store.
"""

from __future__ import annotations

import copy
import json
import logging
import os
import re
import shutil
import sqlite3
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from index.storage.ids import article_key, chunk_id
from index.storage.segments import Segment, SegmentRow, SegmentUnreadable, build, load, merge, save
from index.storage.writelog import now_ms
from index.text import tokenize

if TYPE_CHECKING:
    from index.storage.chroma import ChunkStore

log = logging.getLogger(__name__)

# bm25s defaults are k1=1.5, b=0.75; these did better on piaf-dev (bench/fusion_grid.py):
# less weight to repeated words and to chunk length, both of which vary little between chunks.
BM25_K1 = 0.9
BM25_B = 0.4
LOCK_WAIT_S = 120.0  # how long a write waits for another process's write of the same file
SCHEMA = 3  # 1: one bm25s matrix rebuilt after every change; 2: no language per chunk
# The newest segment is merged into the one before it once it holds a quarter of its rows:
# segments then shrink by about 4x from the oldest, so a million rows make ~8 segments, and a
# row is rewritten about log4(archive) times in all.
MERGE_RATIO = 4
MAX_SEGMENTS = 12
DEAD_SHARE = 0.5  # a segment with more deleted rows than this is rewritten without them
# Write tokens remembered: the store's latest, and those the write log may still list (a big
# ingest makes one write per batch; a forgotten own write would only be read back again).
APPLIED_KEPT = 100_000
SYNC_PART = 20_000  # chunks tokenized at a time when comparing the whole store
VIEW_TRIES = 5  # reads of the segment list while merges remove what it named (0.05 s apart)
# Logged writes are re-read from this long before the last one taken in: two writers' clocks
# may differ, and a slow write can be logged after a quicker one that started later.
LOG_MARGIN_MS = 10 * 60 * 1000


@dataclass(frozen=True)
class LexicalHit:
    chunk_id: str
    score: float


@dataclass(frozen=True)
class LexicalSource:
    """What the BM25 side needs of a stored chunk."""

    chunk_id: str
    content_hash: str
    text: str
    title: str
    lang: str
    source: str
    published_ts: int


@dataclass(frozen=True)
class LexicalChange:
    """One write to the store: these articles' chunks (every chunk they now have) replace
    whatever the index held for them; `chunks_gone` are single chunks removed besides."""

    articles: tuple[str, ...] = ()  # article ids rewritten or removed
    chunks: tuple[LexicalSource, ...] = ()
    chunks_gone: tuple[str, ...] = ()


@dataclass(frozen=True)
class Matching:
    """Chunks that pass a filter: how many of the `live` ones, and their ids if asked for."""

    count: int
    live: int
    ids: list[str] | None


@dataclass
class _View:
    """What searches read: the segments with their live rows, and the archive's totals."""

    version: int = -1
    segments: list[Segment] = field(default_factory=list)
    live_rows: int = 0
    mean_length: float = 0.0
    latest: int = -1


class LexicalIndex:
    """Tokens per chunk in SQLite, postings in segments, both under one folder."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.folder = folder
        self.segment_dir = folder / "segments"
        self.segment_dir.mkdir(exist_ok=True)
        # Another process may be writing the same file: wait for it rather than fail.
        self.db = sqlite3.connect(
            folder / "tokens.sqlite3",
            check_same_thread=False,
            timeout=LOCK_WAIT_S,
            isolation_level=None,  # transactions are opened explicitly
        )
        self.db.execute("PRAGMA journal_mode=WAL")  # searches read while a write goes on
        self._lock = threading.RLock()  # one connection, shared by the bot's threads
        self._view = _View()
        self._ready = False  # caught up with the store once (see `ready`)
        self._migrate()

    # -- the SQLite side ---------------------------------------------------------------------

    def _migrate(self) -> None:
        with self._lock:
            tables = {r[0] for r in self.db.execute("SELECT name FROM sqlite_master")}
            schema = 0
            if "state" in tables:
                row = self.db.execute("SELECT value FROM state WHERE key='schema'").fetchone()
                schema = int(row[0]) if row else 1
            if schema == SCHEMA:
                return
            if tables:
                log.info("the word index in %s is from an older newsqa: rebuilding it", self.folder)
            self.db.executescript(
                f"""
                DROP TABLE IF EXISTS chunks; DROP TABLE IF EXISTS state;
                DROP TABLE IF EXISTS segments; DROP TABLE IF EXISTS tombstones;
                DROP TABLE IF EXISTS applied; DROP TABLE IF EXISTS pending;
                CREATE TABLE chunks (
                    id TEXT PRIMARY KEY, content_hash TEXT NOT NULL, tokens TEXT NOT NULL,
                    source TEXT NOT NULL, published_ts INTEGER NOT NULL,
                    segment TEXT NOT NULL, row INTEGER NOT NULL, lang TEXT NOT NULL);
                CREATE INDEX chunks_segment ON chunks(segment);
                CREATE INDEX chunks_published ON chunks(published_ts);
                CREATE TABLE segments (name TEXT PRIMARY KEY, seq INTEGER NOT NULL,
                    size INTEGER NOT NULL, live INTEGER NOT NULL);
                CREATE TABLE tombstones (segment TEXT NOT NULL, row INTEGER NOT NULL);
                CREATE TABLE applied (token TEXT PRIMARY KEY, seq INTEGER NOT NULL);
                CREATE TABLE pending (writer TEXT PRIMARY KEY, pid INTEGER NOT NULL,
                    articles TEXT NOT NULL);
                CREATE TABLE state (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
                INSERT INTO state VALUES ('version', 0), ('schema', {SCHEMA}), ('seq', 0);
                """
            )
            shutil.rmtree(self.folder / "bm25", ignore_errors=True)  # schema 1's matrix
            shutil.rmtree(self.segment_dir, ignore_errors=True)
            self.segment_dir.mkdir()

    @contextmanager
    def _writing(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, taken at once so that two writers queue instead of failing."""
        with self._lock:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                yield self.db
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
            self.db.execute("COMMIT")

    def _next(self, db: sqlite3.Connection) -> int:
        db.execute("UPDATE state SET value = value + 1 WHERE key='seq'")
        return int(db.execute("SELECT value FROM state WHERE key='seq'").fetchone()[0])

    def version(self) -> int:
        with self._lock:
            row = self.db.execute("SELECT value FROM state WHERE key='version'").fetchone()
            return int(row[0])

    def count(self) -> int:
        with self._lock:
            return int(self.db.execute("SELECT COUNT(*) FROM chunks").fetchone()[0])

    def live(self) -> int:
        """Chunks a search can find now (no SQL: the segments' counts)."""
        return self._current().live_rows

    def segment_sizes(self) -> list[tuple[int, int]]:
        """(rows, live rows) of each segment, oldest first."""
        with self._lock:
            return self.db.execute("SELECT size, live FROM segments ORDER BY seq").fetchall()

    # -- writes ------------------------------------------------------------------------------

    def begin(self, article_ids: Sequence[str]) -> str:
        """Note, before the store is written, which articles this write touches: if the
        process dies before `apply`, `recover` reads them back from the store."""
        writer = uuid.uuid4().hex
        with self._writing() as db:
            db.execute(
                "INSERT INTO pending VALUES (?, ?, ?)",
                (writer, os.getpid(), json.dumps(list(article_ids))),
            )
        return writer

    def apply(self, change: LexicalChange, token: str, writer: str = "") -> int:
        """Take one write to the store in: returns the chunks added or removed."""
        rows = [
            (c.chunk_id, c.content_hash, _chunk_tokens(c), c.source, c.published_ts, c.lang)
            for c in change.chunks
        ]  # tokenized before the file is locked
        with self._writing() as db:
            dropped = self._drop(db, change)
            segment = None
            if rows:
                name = f"s{self._next(db):08d}"
                db.executemany(
                    "INSERT OR REPLACE INTO chunks (id, content_hash, tokens, source, "
                    "published_ts, lang, segment, row) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    [(*r, name, i) for i, r in enumerate(rows)],
                )
                segment = build(name, [SegmentRow(r[0], r[2], r[3], r[4]) for r in rows])
                save(segment, self.segment_dir)
                db.execute(
                    "INSERT INTO segments VALUES (?, ?, ?, ?)",
                    (name, self._next(db), len(rows), len(rows)),
                )
            if token:
                self._mark_applied(db, token)
            if writer:
                db.execute("DELETE FROM pending WHERE writer = ?", (writer,))
            if rows or dropped:
                db.execute("UPDATE state SET value = value + 1 WHERE key='version'")
        if rows or dropped:
            self._merge_some()
        return len(rows) + dropped

    def _drop(self, db: sqlite3.Connection, change: LexicalChange) -> int:
        """Tombstone and delete the rows of the changed articles and the chunks gone."""
        found: list[tuple[str, str, int]] = []
        for article_id in change.articles:
            key = article_key(chunk_id(article_id, 0))
            found += db.execute(
                "SELECT id, segment, row FROM chunks WHERE id > ? AND id < ?",
                (f"{key}-", f"{key}."),  # '.' follows '-': every id of this article
            ).fetchall()
        for gone in change.chunks_gone:
            found += db.execute(
                "SELECT id, segment, row FROM chunks WHERE id = ?", (gone,)
            ).fetchall()
        replaced = {c.chunk_id for c in change.chunks}
        found = list({cid: (cid, s, r) for cid, s, r in found}.values())
        db.executemany("INSERT INTO tombstones VALUES (?, ?)", [(s, r) for _, s, r in found])
        db.executemany("DELETE FROM chunks WHERE id = ?", [(cid,) for cid, _, _ in found])
        for segment, n in Counter(s for _, s, _ in found).items():
            db.execute("UPDATE segments SET live = live - ? WHERE name = ?", (n, segment))
        return sum(1 for cid, _, _ in found if cid not in replaced)

    def _merge_some(self) -> None:
        """Merge the newest segments while the policy asks (see MERGE_RATIO)."""
        while True:
            with self._lock:
                sizes = self.db.execute(
                    "SELECT name, size, live FROM segments ORDER BY seq"
                ).fetchall()
            names = _to_merge(sizes)
            if not names:
                return
            self._merge(names)

    def _merge(self, names: list[str]) -> None:
        with self._writing() as db:
            current = [r[0] for r in db.execute("SELECT name FROM segments ORDER BY seq")]
            if not set(names) <= set(current):
                return  # another process merged them meanwhile
            parts = [self._masked(self._segment(name), db) for name in names]
            name = f"s{self._next(db):08d}"
            merged = merge(name, parts)
            save(merged, self.segment_dir)
            db.executemany(
                "UPDATE chunks SET segment = ?, row = ? WHERE id = ?",
                ((name, i, cid.decode("ascii")) for i, cid in enumerate(merged.ids)),
            )
            seq = min(
                db.execute("SELECT seq FROM segments WHERE name = ?", (n,)).fetchone()[0]
                for n in names
            )
            db.executemany("DELETE FROM segments WHERE name = ?", [(n,) for n in names])
            db.executemany("DELETE FROM tombstones WHERE segment = ?", [(n,) for n in names])
            db.execute(
                "INSERT INTO segments VALUES (?, ?, ?, ?)", (name, seq, merged.size, merged.size)
            )
            db.execute("UPDATE state SET value = value + 1 WHERE key='version'")
        for old in names:  # processes that mapped them keep reading their pages
            shutil.rmtree(self.segment_dir / old, ignore_errors=True)

    # -- keeping up with the store -----------------------------------------------------------

    def ready(self, store: ChunkStore) -> None:
        """Before this process first writes: what the store holds is here already, so that a
        write's own change is all there is left to take in."""
        if not self._ready:
            self.catch_up(store)

    def catch_up(self, store: ChunkStore) -> int:
        """Make sure every write the store shows was taken in; returns chunks changed.

        Writes of processes with another data folder are found in the store's write log and
        read back article by article; the whole store is compared only when the log does not
        reach back to the last catch-up (a new folder, an older newsqa, a long absence)."""
        self._ready = True
        changed = self.recover(store)
        state = store.write_state()
        since = self._logged_up_to()
        if state.log_from_ms is not None and since is not None and since >= state.log_from_ms:
            return changed + self._follow_log(store, since, state.token)
        if not self._knows(state.token) and (state.token or store.count()):
            log.info("the word index had not seen the last write to '%s': comparing", store.name)
            changed += self.sync(store, state.token)
        if state.at_ms is not None or not state.token:
            # All written so far is here now (up to this clock, should the writer's run ahead).
            self._set_logged_up_to(min(state.at_ms or 0, now_ms()))
        return changed

    def _follow_log(self, store: ChunkStore, since: int, token: str) -> int:
        """Take in the logged writes not applied here yet, by reading their articles back."""
        writes = store.writes_since(since - LOG_MARGIN_MS)
        logged = {w.token for w in writes}
        applied = self._applied([*logged, token])
        missing = [w for w in writes if w.token not in applied]
        articles = sorted({a for w in missing for a in w.articles})
        changed = 0
        if len(articles) > SYNC_PART:  # most of a large archive rewritten: compare it all
            changed = self.sync(store, token)
        elif missing:
            log.debug("taking in %d writes of other processes", len(missing))
            chunks = tuple(store.lexical_sources_of(articles))
            changed = self.apply(LexicalChange(tuple(articles), chunks), "")
        if missing:
            with self._writing() as db:
                for w in missing:
                    self._mark_applied(db, w.token)
        if token and token not in applied and token not in logged:
            # The latest write is not in the log (an older newsqa wrote it, or its entry was
            # lost): only a whole compare finds what it changed.
            log.info("a write to '%s' is not in its log: comparing the whole store", store.name)
            changed += self.sync(store, token)
        # A writer's clock running ahead must not move this point past later writes.
        self._set_logged_up_to(min(max([since, *(w.at_ms for w in writes)]), now_ms()))
        return changed

    def _knows(self, token: str) -> bool:
        return token in self._applied([token])

    def _applied(self, tokens: Sequence[str]) -> set[str]:
        """Those of these write tokens already taken in here."""
        found: set[str] = set()
        with self._lock:
            for start in range(0, len(tokens), 500):  # under SQLite's limit on parameters
                part = list(tokens[start : start + 500])
                marks = ",".join("?" * len(part))
                rows = self.db.execute(f"SELECT token FROM applied WHERE token IN ({marks})", part)
                found.update(row[0] for row in rows)
        return found

    def _mark_applied(self, db: sqlite3.Connection, token: str) -> None:
        seq = self._next(db)
        db.execute("INSERT OR REPLACE INTO applied VALUES (?, ?)", (token, seq))
        db.execute("DELETE FROM applied WHERE seq <= ?", (seq - APPLIED_KEPT,))

    def _logged_up_to(self) -> int | None:
        """The time (of the writers' clocks) up to which every logged write is applied here."""
        with self._lock:
            row = self.db.execute("SELECT value FROM state WHERE key='log_ms'").fetchone()
        return None if row is None else int(row[0])

    def _set_logged_up_to(self, at_ms: int) -> None:
        with self._writing() as db:
            db.execute("INSERT OR REPLACE INTO state VALUES ('log_ms', ?)", (at_ms,))

    def recover(self, store: ChunkStore) -> int:
        """Read back from the store the articles of writes whose process died mid-way."""
        with self._lock:
            pending = self.db.execute("SELECT writer, pid, articles FROM pending").fetchall()
        changed = 0
        for writer, pid, articles in pending:
            if _alive(pid):
                continue
            ids = json.loads(articles)
            log.info("a write to the word index was interrupted: reading %d back", len(ids))
            chunks = tuple(store.lexical_sources_of(ids))
            token = store.relog(ids)  # its process may have died before logging it
            changed += self.apply(LexicalChange(tuple(ids), chunks), token, writer)
        return changed

    def sync(self, store: ChunkStore, token: str = "") -> int:
        """Bring the tokens in line with the whole store (reads every chunk's hash)."""
        with self._lock:
            stored = dict(self.db.execute("SELECT id, content_hash FROM chunks").fetchall())
        wanted = store.content_hashes()
        stale = [cid for cid, h in wanted.items() if stored.get(cid) != h]
        gone = [cid for cid in stored if cid not in wanted]
        changed = 0
        # In parts, so that a first sync of a large archive keeps its memory bounded.
        for start in range(0, len(stale), SYNC_PART):
            part = tuple(stale[start : start + SYNC_PART])
            chunks = tuple(store.lexical_sources(part))
            changed += self.apply(LexicalChange(chunks=chunks, chunks_gone=part), "")
        changed += self.apply(LexicalChange(chunks_gone=tuple(gone)), token)
        return changed

    # -- reads -------------------------------------------------------------------------------

    def _current(self) -> _View:
        """The segments as of the last committed write (re-read only when it changed)."""
        with self._lock:
            version = self.version()
            if version == self._view.version:
                return self._view
            for attempt in range(VIEW_TRIES):
                try:
                    self._view = self._read_view(rebuild=attempt == VIEW_TRIES - 1)
                    break
                except FileNotFoundError:  # merged away just now: read the list again
                    time.sleep(0.05)
            return self._view

    def _read_view(self, rebuild: bool) -> _View:
        self.db.execute("BEGIN")  # one snapshot of the list, the tombstones and the totals
        try:
            version = self.version()
            names = [r[0] for r in self.db.execute("SELECT name FROM segments ORDER BY seq")]
            loaded = {s.name: s for s in self._view.segments}
            segments = [self._masked(loaded.get(n) or self._segment(n, rebuild)) for n in names]
            latest = self.db.execute("SELECT MAX(published_ts) FROM chunks").fetchone()[0]
        finally:
            self.db.execute("COMMIT")
        live = sum(int(s.alive().sum()) for s in segments)
        length = sum(int(np.asarray(s.lengths)[s.alive()].sum()) for s in segments)
        mean = length / live if live and length else 1.0
        return _View(version, segments, live, mean, -1 if latest is None else int(latest))

    def _segment(self, name: str, rebuild: bool = True) -> Segment:
        """A segment from disk, rebuilt from its rows' stored tokens if its files are torn.

        Without `rebuild`, a torn segment is taken for one a merge is deleting (the merge
        commits, then removes the old folders, so a list read just before can name a folder
        half gone): FileNotFoundError, and the caller reads the list again."""
        try:
            return load(self.segment_dir, name)
        except SegmentUnreadable as exc:
            if not rebuild:
                raise FileNotFoundError(name) from exc
            if not (self.segment_dir / name).exists():
                exists = self.db.execute("SELECT 1 FROM segments WHERE name=?", (name,)).fetchone()
                if exists is None:
                    raise FileNotFoundError(name) from exc
            log.warning("the word index segment %s is unreadable (%s): rebuilding it", name, exc)
            return self._rebuilt(name)

    def _rebuilt(self, name: str) -> Segment:
        rows = self.db.execute(
            "SELECT id, tokens, source, published_ts, row FROM chunks WHERE segment = ?", (name,)
        ).fetchall()
        size = int(self.db.execute("SELECT size FROM segments WHERE name=?", (name,)).fetchone()[0])
        # Rows keep their numbers (tombstones point at them): deleted ones come back empty.
        by_row = {r[4]: SegmentRow(r[0], r[1], r[2], r[3]) for r in rows}
        filler = SegmentRow("-", "", "", -1)
        segment = build(name, [by_row.get(i, filler) for i in range(size)])
        aside = self.segment_dir / f".torn-{name}-{uuid.uuid4().hex[:6]}"
        with suppress(FileNotFoundError):  # none, or another front end moved it
            (self.segment_dir / name).rename(aside)
        try:
            save(segment, self.segment_dir)
        except OSError:  # another front end of this folder rebuilt it first: read theirs
            return load(self.segment_dir, name)
        finally:
            shutil.rmtree(aside, ignore_errors=True)
        return segment

    def _masked(self, segment: Segment, db: sqlite3.Connection | None = None) -> Segment:
        """The segment with its deleted rows masked, as the tombstones say now."""
        dead = (
            (db or self.db)
            .execute("SELECT row FROM tombstones WHERE segment = ?", (segment.name,))
            .fetchall()
        )
        masked = copy.copy(segment)  # a search may still be reading the earlier mask
        masked.live = None
        if dead:
            masked.live = np.ones(segment.size, bool)
            masked.live[np.fromiter((r[0] for r in dead), np.int64, len(dead))] = False
        return masked

    def search(
        self,
        query: str,
        lang: str,
        k: int,
        sources: Sequence[str] = (),
        published: tuple[int, int] | None = None,
    ) -> list[LexicalHit]:
        """Best chunks for the query, optionally only from some sources or a publication range.

        Only the rows holding a query word are scored, and filters look at those rows alone."""
        words = Counter(tokenize(query, lang))
        view = self._current()
        if not words or not view.live_rows or k <= 0:
            return []
        found = [[seg.postings(w) for w in words] for seg in view.segments]
        df = np.array([sum(len(f[j][0]) for f in found) for j in range(len(words))], np.float64)
        n = view.live_rows
        idf = np.log(1 + (n - df + 0.5) / (df + 0.5)) * np.array(list(words.values()))
        hits: list[tuple[float, str]] = []
        for seg, postings in zip(view.segments, found, strict=True):
            rows = np.concatenate([r for r, _ in postings])
            if not rows.size:
                continue
            tf = np.concatenate([t for _, t in postings]).astype(np.float64)
            weight = np.repeat(idf, [len(r) for r, _ in postings])
            norm = BM25_K1 * (
                1 - BM25_B + BM25_B * np.asarray(seg.lengths)[rows] / view.mean_length
            )
            scores = np.bincount(rows, weight * tf / (tf + norm), minlength=seg.size)
            candidates = np.flatnonzero(scores > 0)
            if sources:
                wanted = [i for i, s in enumerate(seg.sources) if s in set(sources)]
                candidates = candidates[np.isin(np.asarray(seg.source_codes)[candidates], wanted)]
            if published is not None:
                ts = np.asarray(seg.ts)[candidates]
                candidates = candidates[(ts >= published[0]) & (ts <= published[1])]
            if len(candidates) > k:
                candidates = candidates[np.argpartition(-scores[candidates], k - 1)[:k]]
            hits += [(float(scores[r]), seg.chunk_id(int(r))) for r in candidates]
        hits.sort(key=lambda h: (-h[0], h[1]))  # ties by id, as one index over sorted ids did
        return [LexicalHit(cid, score) for score, cid in hits[:k]]

    def matching(
        self, sources: Sequence[str], published: tuple[int, int] | None, ids_up_to: int
    ) -> Matching:
        """The live chunks from these sources within this publication range: how many, and
        their ids when there are no more than `ids_up_to` (read from the segments' columns,
        never from Chroma's metadata)."""
        view = self._current()
        count, masks = 0, []
        for seg in view.segments:
            mask = seg.alive().copy()
            if sources:
                wanted = [i for i, s in enumerate(seg.sources) if s in set(sources)]
                mask &= np.isin(np.asarray(seg.source_codes), wanted)
            if published is not None:
                ts = np.asarray(seg.ts)
                mask &= (ts >= published[0]) & (ts <= published[1])
            count += int(mask.sum())
            masks.append(mask)
        if count > ids_up_to:
            return Matching(count, view.live_rows, None)
        ids = [
            bytes(raw).decode("ascii")
            for seg, mask in zip(view.segments, masks, strict=True)
            for raw in np.asarray(seg.ids)[mask]
        ]
        return Matching(count, view.live_rows, ids)

    def passing(
        self, ids: Sequence[str], sources: Sequence[str], published: tuple[int, int] | None
    ) -> list[str]:
        """Those of `ids` (in that order) from these sources within this range; a chunk this
        index does not hold is left out."""
        if not ids:
            return []
        with self._lock:
            marks = ",".join("?" * len(ids))
            rows = self.db.execute(
                f"SELECT id, source, published_ts FROM chunks WHERE id IN ({marks})", list(ids)
            ).fetchall()
        wanted = set(sources)
        ok = {
            cid
            for cid, source, ts in rows
            if (not wanted or source in wanted)
            and (published is None or published[0] <= ts <= published[1])
        }
        return [cid for cid in ids if cid in ok]

    def latest_published(self) -> int:
        """The newest publication timestamp among the chunks (-1: none dated)."""
        return self._current().latest

    def published(self, ids: Sequence[str]) -> list[int]:
        """Each chunk's publication timestamp (-1: undated or unknown), in the order given."""
        found = self._column("published_ts", ids)
        return [int(found.get(cid, -1)) for cid in ids]

    def languages(self, ids: Sequence[str]) -> list[str]:
        """Each chunk's language code ("": unknown), in the order given."""
        found = self._column("lang", ids)
        return [str(found.get(cid, "")) for cid in ids]

    def _column(self, column: str, ids: Sequence[str]) -> dict[str, Any]:
        if not ids:
            return {}
        with self._lock:
            marks = ",".join("?" * len(ids))
            query = f"SELECT id, {column} FROM chunks WHERE id IN ({marks})"
            return dict(self.db.execute(query, list(ids)).fetchall())

    def close(self) -> None:
        with self._lock:
            self.db.close()


def _to_merge(sizes: Sequence[tuple[str, int, int]]) -> list[str]:
    """The segments (names) the next merge should join, or [] when none should."""
    for name, size, live in sizes:
        if size and live < size * (1 - DEAD_SHARE):
            return [name]  # mostly deleted rows: rewritten alone
    if len(sizes) >= 2:
        (older, _, older_live), (newer, _, newer_live) = sizes[-2], sizes[-1]
        if newer_live * MERGE_RATIO >= older_live or len(sizes) > MAX_SEGMENTS:
            return [older, newer]
    return []


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True  # this process is still writing it
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    return True


def _chunk_tokens(chunk: LexicalSource) -> str:
    # The title was embedded with every chunk; it counts for BM25 too.
    return " ".join(tokenize(f"{chunk.title}\n{chunk.text}", chunk.lang))


def lexical_folder(data_dir: Path, collection: str, server: str | None) -> Path:
    """One folder per collection (and per Chroma server, whose collections may share names)."""
    place = re.sub(r"[^\w.-]", "_", server) if server else "embedded"
    return data_dir / "lexical" / place / collection
