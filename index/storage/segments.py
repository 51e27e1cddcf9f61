"""BM25 postings in segments: written once, searched together, merged without re-tokenizing.

A segment holds, for each word, the rows (chunks) it occurs in and how often, plus each row's
length, date and source. Nothing in it depends on the rest of the archive: word rarity and the
mean length are taken over all live rows at question time, so the scores are those of one
BM25 index over the whole archive (bm25s's "lucene" formula), however the rows are split.
Deleted rows are masked (tombstones) until a merge leaves them out.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ARRAYS = ("ids", "indptr", "rows", "tf", "lengths", "ts", "source_codes")
FORMAT = 1


class SegmentUnreadable(Exception):
    """A segment's files are missing or torn: rebuild it from the stored tokens."""


@dataclass(frozen=True)
class SegmentRow:
    """One chunk as a segment stores it (tokens: the stored, space-separated BM25 tokens)."""

    chunk_id: str
    tokens: str
    source: str
    published_ts: int


@dataclass
class Segment:
    """Postings of some rows, by word: rows[indptr[w]:indptr[w + 1]] hold word w."""

    name: str
    ids: np.ndarray  # bytes, the chunk id of each row (ids are ASCII)
    words: list[str]  # word id -> word
    indptr: np.ndarray  # int64, one more than the words
    rows: np.ndarray  # int32, the row of each posting
    tf: np.ndarray  # uint16, the word's count in that row
    lengths: np.ndarray  # int32 tokens per row
    ts: np.ndarray  # int64 publication timestamp per row (-1: undated)
    source_codes: np.ndarray  # int32 index into `sources` per row
    sources: list[str]
    live: np.ndarray | None = None  # bool per row; None: all live

    def __post_init__(self) -> None:
        self.vocab = {w: i for i, w in enumerate(self.words)}

    @property
    def size(self) -> int:
        return len(self.ids)

    def alive(self) -> np.ndarray:
        return self.live if self.live is not None else np.ones(self.size, bool)

    def postings(self, word: str) -> tuple[np.ndarray, np.ndarray]:
        """(rows, counts) of the live rows holding `word`."""
        at = self.vocab.get(word)
        if at is None:
            return _NO_ROWS, _NO_TF
        start, end = int(self.indptr[at]), int(self.indptr[at + 1])
        rows, tf = self.rows[start:end], self.tf[start:end]
        if self.live is not None:
            keep = self.live[rows]
            rows, tf = rows[keep], tf[keep]
        return rows, tf

    def chunk_id(self, row: int) -> str:
        return bytes(self.ids[row]).decode("ascii")


_NO_ROWS = np.zeros(0, np.int32)
_NO_TF = np.zeros(0, np.uint16)


def build(name: str, rows: Sequence[SegmentRow]) -> Segment:
    """A segment from tokenized rows, kept in the order given."""
    vocab: dict[str, int] = {}
    words: list[int] = []
    lengths = np.zeros(len(rows), np.int32)
    for i, row in enumerate(rows):
        tokens = row.tokens.split()
        lengths[i] = len(tokens)
        words.extend(vocab.setdefault(t, len(vocab)) for t in tokens)
    owner = np.repeat(np.arange(len(rows), dtype=np.int64), lengths)
    n = max(len(rows), 1)
    # One key per (word, row), sorted: postings grouped by word, rows ascending within a word.
    keys, counts = np.unique(np.asarray(words, np.int64) * n + owner, return_counts=True)
    sources = sorted({row.source for row in rows})
    code = {s: i for i, s in enumerate(sources)}
    return Segment(
        name=name,
        ids=np.array([row.chunk_id.encode("ascii") for row in rows], dtype=bytes),
        words=list(vocab),
        indptr=np.searchsorted(keys // n, np.arange(len(vocab) + 1)).astype(np.int64),
        rows=(keys % n).astype(np.int32),
        tf=np.minimum(counts, np.iinfo(np.uint16).max).astype(np.uint16),
        lengths=lengths,
        ts=np.array([row.published_ts for row in rows], np.int64),
        source_codes=np.array([code[row.source] for row in rows], np.int32),
        sources=sources,
    )


def merge(name: str, parts: Sequence[Segment]) -> Segment:
    """One segment of the live rows of `parts`, in their order, from their postings alone."""
    vocab: dict[str, int] = {}
    sources = sorted({s for part in parts for s in part.sources})
    code = {s: i for i, s in enumerate(sources)}
    words, rows, tfs, kept = [], [], [], []
    offset = 0
    for part in parts:
        live = part.alive()
        renumbered = np.cumsum(live, dtype=np.int64) - 1 + offset
        global_word = np.array([vocab.setdefault(w, len(vocab)) for w in part.words], np.int64)
        word_of = np.repeat(global_word, np.diff(part.indptr))
        keep = live[part.rows]
        words.append(word_of[keep])
        rows.append(renumbered[part.rows[keep]])
        tfs.append(np.asarray(part.tf)[keep])
        recode = np.array([code[s] for s in part.sources], np.int32)
        kept.append((part, live, recode))
        offset += int(live.sum())
    word_all, row_all = np.concatenate(words or [_NO_ROWS]), np.concatenate(rows or [_NO_ROWS])
    order = np.lexsort((row_all, word_all))  # by word, then row
    word_all = word_all[order]
    return Segment(
        name=name,
        ids=np.concatenate([np.asarray(p.ids)[live] for p, live, _ in kept]),
        words=list(vocab),
        indptr=np.searchsorted(word_all, np.arange(len(vocab) + 1)).astype(np.int64),
        rows=row_all[order].astype(np.int32),
        tf=np.concatenate(tfs or [_NO_TF])[order],
        lengths=np.concatenate([np.asarray(p.lengths)[live] for p, live, _ in kept]),
        ts=np.concatenate([np.asarray(p.ts)[live] for p, live, _ in kept]),
        source_codes=np.concatenate(
            [recode[np.asarray(p.source_codes)[live]] for p, live, recode in kept]
        ),
        sources=sources,
    )


# numpy parses an .npy header with ast.literal_eval, and CPython 3.11's AST builder keeps
# its depth count per interpreter: two threads loading at once (a front end reading while
# an ingest merges) can fail with "AST constructor recursion depth mismatch" (cpython#106905).
_HEADER_PARSE = threading.Lock()


def save(segment: Segment, folder: Path) -> None:
    """Write the segment under folder/name whole: written aside, then renamed into place."""
    aside = Path(tempfile.mkdtemp(dir=folder, prefix=f".{segment.name}-"))
    try:
        for array in ARRAYS:
            np.save(aside / f"{array}.npy", getattr(segment, array), allow_pickle=False)
        meta = {"format": FORMAT, "words": segment.words, "sources": segment.sources}
        (aside / "meta.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
        aside.rename(folder / segment.name)
    finally:
        shutil.rmtree(aside, ignore_errors=True)


def load(folder: Path, name: str) -> Segment:
    """The saved segment, its arrays mapped from disk rather than read (a serving process
    touches only the postings of the words it is asked)."""
    place = folder / name
    try:
        meta = json.loads((place / "meta.json").read_text(encoding="utf-8"))
        if meta.get("format") != FORMAT:
            raise SegmentUnreadable(f"segment {name} has format {meta.get('format')}")
        with _HEADER_PARSE:
            arrays = {a: np.load(place / f"{a}.npy", mmap_mode="r") for a in ARRAYS}
    except (OSError, ValueError, KeyError, EOFError) as exc:
        raise SegmentUnreadable(f"segment {name}: {exc}") from exc
    segment = Segment(name=name, words=meta["words"], sources=meta["sources"], **arrays)
    if len(segment.indptr) != len(segment.words) + 1 or len(segment.lengths) != segment.size:
        raise SegmentUnreadable(f"segment {name}: arrays of unequal lengths")
    return segment
