"""BM25 over the chunks, kept beside the Chroma collection and synced from it.

The chunk tokens live in a small SQLite file, so syncing after an ingest only tokenizes the
chunks that changed; the BM25 matrix (bm25s) is rebuilt from those stored tokens and saved.
"""

from __future__ import annotations

import json
import logging
import re
import sqlite3
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import bm25s
    from chromadb.api.models.Collection import Collection

log = logging.getLogger(__name__)

_WORD = re.compile(r"\w+")
_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ß": "ss"})
_STEMMERS = {"fr": "french", "en": "english"}
FETCH_BATCH = 2000
QUESTION_WORDS = (
    "combien comment pourquoi quand où qui quoi quel quelle quels quelles lequel laquelle "
    "lesquels lesquelles what which who whom whose when where why how"
)
# bm25s defaults are k1=1.5, b=0.75; these did better on piaf-dev (bench/fusion_grid.py):
# less weight to repeated words and to chunk length, both of which vary little between chunks.
BM25_K1 = 0.9
BM25_B = 0.4


def fold(text: str) -> str:
    """Lower case without accents or ligatures: 'Élysée' and 'elysee' match."""
    decomposed = unicodedata.normalize("NFKD", text.lower().translate(_LIGATURES))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@cache
def _stopwords() -> frozenset[str]:
    from bm25s.stopwords import STOPWORDS_EN, STOPWORDS_FRENCH

    words = {fold(w) for w in (*STOPWORDS_FRENCH, *STOPWORDS_EN)}
    # Elided articles and pronouns ("l'", "qu'") split off as single letters.
    words |= set("abcdefghijklmnopqrstuvwxyz") | {"qu", "jusqu", "lorsqu", "puisqu"}
    # Question words say what kind of answer is wanted, not what it is about (MRR@10 on
    # piaf-dev +0.01 without them).
    words |= {fold(w) for w in QUESTION_WORDS.split()}
    return frozenset(words)


@cache
def _stemmer(lang: str) -> Any:
    import Stemmer

    return Stemmer.Stemmer(_STEMMERS.get(lang, "french"))


def tokenize(text: str, lang: str = "fr") -> list[str]:
    """Content words, folded, then stemmed in the text's language (French by default).

    Folding first makes accented and bare spellings stem alike ("Élysée", "elysee")."""
    stop = _stopwords()
    words = [w for w in _WORD.findall(fold(text)) if w not in stop]
    return list(_stemmer(lang).stemWords(words))


@dataclass(frozen=True)
class LexicalHit:
    chunk_id: str
    score: float


class LexicalIndex:
    """Tokens per chunk in SQLite, a bm25s index built from them, both under one folder."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.folder = folder
        self.db = sqlite3.connect(folder / "tokens.sqlite3", check_same_thread=False)
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
        self._built_version = -1

    def version(self) -> int:
        return int(self.db.execute("SELECT value FROM state WHERE key='version'").fetchone()[0])

    def count(self) -> int:
        return int(self.db.execute("SELECT COUNT(*) FROM chunks").fetchone()[0])

    def sync(self, collection: Collection) -> int:
        """Bring the tokens in line with the collection; returns chunks (re)tokenized or removed."""
        stored = dict(self.db.execute("SELECT id, content_hash FROM chunks").fetchall())
        wanted: dict[str, str] = {}
        offset = 0
        while True:
            page = collection.get(include=["metadatas"], limit=FETCH_BATCH, offset=offset)
            for cid, meta in zip(page["ids"], page["metadatas"] or [], strict=True):
                wanted[cid] = str(meta.get("content_hash") or "")
            if len(page["ids"]) < FETCH_BATCH:
                break
            offset += FETCH_BATCH
        stale = [cid for cid, h in wanted.items() if stored.get(cid) != h]
        gone = [cid for cid in stored if cid not in wanted]
        for start in range(0, len(stale), FETCH_BATCH):
            ids = stale[start : start + FETCH_BATCH]
            page = collection.get(ids=ids, include=["documents", "metadatas"])
            rows = [
                (
                    cid,
                    str(meta.get("content_hash") or ""),
                    _chunk_tokens(doc, meta),
                    str(meta.get("source") or ""),
                    int(meta.get("published_ts") or -1),  # type: ignore[arg-type]
                )
                for cid, doc, meta in zip(
                    page["ids"], page["documents"] or [], page["metadatas"] or [], strict=True
                )
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
        ts_range: tuple[int, int] | None = None,
    ) -> list[LexicalHit]:
        """Best chunks for the query, optionally only from some sources or a publication range."""
        bm25 = self._load()
        tokens = tokenize(query, lang)
        if bm25 is None or not tokens:
            return []
        # Scores for every chunk, so that filters are masks rather than a second search.
        scores = bm25.get_scores(tokens)
        if sources:
            scores = np.where(np.isin(self._sources, list(sources)), scores, 0.0)
        if ts_range is not None:
            inside = (self._ts >= ts_range[0]) & (self._ts <= ts_range[1])
            scores = np.where(inside, scores, 0.0)
        k = min(k, len(scores))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [LexicalHit(self._ids[i], float(scores[i])) for i in top if scores[i] > 0]

    def _load(self) -> bm25s.BM25 | None:
        """The BM25 matrix for the current tokens: from disk if fresh, else rebuilt and saved."""
        import bm25s

        # bm25s sets its own logger to DEBUG when imported, which would print on every rebuild.
        logging.getLogger("bm25s").setLevel(logging.WARNING)

        version = self.version()
        if self._bm25 is not None and self._built_version == version:
            return self._bm25
        saved = self.folder / "bm25"
        meta_file = saved / "newsqa.json"
        # Saved with other parameters (an older newsqa) counts as stale too.
        wanted = {"version": version, "k1": BM25_K1, "b": BM25_B}
        if meta_file.is_file() and json.loads(meta_file.read_text()) == wanted:
            self._bm25 = bm25s.BM25.load(str(saved))
        else:
            rows = self.db.execute("SELECT id, tokens FROM chunks ORDER BY id").fetchall()
            if not rows:
                return None
            self._bm25 = bm25s.BM25(k1=BM25_K1, b=BM25_B)
            self._bm25.index([tokens.split() for _, tokens in rows], show_progress=False)
            self._bm25.save(str(saved), show_progress=False)
            meta_file.write_text(json.dumps(wanted))
        rows = self.db.execute("SELECT id, source, published_ts FROM chunks ORDER BY id").fetchall()
        self._ids = [row[0] for row in rows]
        self._sources = np.array([row[1] for row in rows], dtype=object)
        self._ts = np.array([row[2] for row in rows], dtype=np.int64)
        self._built_version = version
        return self._bm25

    def close(self) -> None:
        self.db.close()


def _chunk_tokens(text: str | None, meta: Any) -> str:
    # The title was embedded with every chunk; it counts for BM25 too.
    title = str(meta.get("title") or "") if meta else ""
    lang = str(meta.get("lang") or "fr") if meta else "fr"
    return " ".join(tokenize(f"{title}\n{text or ''}", lang))


def lexical_folder(data_dir: Path, collection: str, server: str | None) -> Path:
    """One folder per collection (and per Chroma server, whose collections may share names)."""
    place = re.sub(r"[^\w.-]", "_", server) if server else "embedded"
    return data_dir / "lexical" / place / collection
