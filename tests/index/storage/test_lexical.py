"""The BM25 side: each write reaches it as a change, its segments score as one index would,
and what it did not hear of (another process, a death mid-write, an older format) is found.

BM25 reads words, not vectors, so these run over the fake encoder.
"""

from __future__ import annotations

import multiprocessing
import sqlite3
from pathlib import Path

import bm25s
import numpy as np
import pytest
from _pytest.logging import LogCaptureFixture

from index.engine import NewsIndex
from index.storage import ChunkStore, article_key, chunk_id, segments
from index.storage import lexical as lexical_module
from index.storage.lexical import BM25_B, BM25_K1, LexicalHit
from index.storage.segments import Segment, SegmentUnreadable
from index.text import tokenize
from ingest.pipeline import Ingestor
from ingest.progress import Progress
from tests.conftest import sample_records, write_jsonl

VALENCE, EBOLA, DELPECH = (str(r["id"]) for r in sample_records(3))


def articles_of(hits: list[LexicalHit]) -> list[str]:
    """The article each hit belongs to, by the digest its chunk id shares with the article's."""
    by_key = {article_key(chunk_id(a, 0)): a for a in (VALENCE, EBOLA, DELPECH)}
    return [by_key[article_key(hit.chunk_id)] for hit in hits]


def ingest(index: NewsIndex, path: Path, prune: bool = False) -> None:
    Ingestor(index.settings, index).run([str(path)], "", prune, Progress())


def no_full_reads(monkeypatch: pytest.MonkeyPatch) -> None:
    """From now on, reading every chunk of the store fails the test."""

    def whole_store(self: ChunkStore) -> dict[str, str]:
        raise AssertionError("the whole store was read")

    monkeypatch.setattr(ChunkStore, "content_hashes", whole_store)
    monkeypatch.setattr(ChunkStore, "stored_articles", whole_store)


def test_ingest_reaches_the_word_index_without_reading_the_store(
    fake_index: NewsIndex, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    records = sample_records(3)
    corpus = write_jsonl(tmp_path / "c.jsonl", records)
    ingest(fake_index, corpus)
    assert fake_index.lexical.count() == fake_index.store.count()
    assert articles_of(fake_index.lexical.search("Delpech", "fr", 3)) == [DELPECH]

    no_full_reads(monkeypatch)
    records[0] = records[0] | {"text": str(records[0]["text"]) + " Un paragraphe ajouté."}
    write_jsonl(corpus, records)
    ingest(fake_index, corpus)  # Valence changed, the others unchanged
    assert fake_index.sync_lexical() == 0  # nothing was left to take in
    assert fake_index.lexical.count() == fake_index.store.count()
    assert articles_of(fake_index.lexical.search("paragraphe ajouté", "fr", 3)) == [VALENCE]

    fake_index.forget(ids=[DELPECH])
    assert fake_index.lexical.search("Delpech", "fr", 3) == []
    assert fake_index.lexical.count() == fake_index.store.count()


def test_segments_score_as_one_bm25s_index(fake_index: NewsIndex, tmp_path: Path) -> None:
    # Several ingests make several segments, one article is removed, another rewritten: the
    # scores must still be those of bm25s over the live chunks, with the same parameters.
    records = sample_records(12)
    for i in range(0, 12, 3):
        ingest(fake_index, write_jsonl(tmp_path / f"part{i}.jsonl", records[i : i + 3]))
    changed = records[4] | {"text": str(records[4]["text"]) + " Épidémie, encore."}
    ingest(fake_index, write_jsonl(tmp_path / "changed.jsonl", [changed]))
    fake_index.forget(ids=[str(records[7]["id"])])
    lexical = fake_index.lexical
    assert len(lexical.segment_sizes()) >= 2

    rows = lexical.db.execute("SELECT id, tokens FROM chunks ORDER BY id").fetchall()
    reference = bm25s.BM25(k1=BM25_K1, b=BM25_B)
    reference.index([tokens.split() for _, tokens in rows], show_progress=False)
    for query in ("épidémie Ebola Afrique", "élection président", "Delpech chanteur mort"):
        expected = reference.get_scores(tokenize(query))
        best = np.argsort(-expected, kind="stable")[:5]
        hits = lexical.search(query, "fr", 5)
        assert [h.chunk_id for h in hits] == [rows[i][0] for i in best if expected[i] > 0]
        assert [h.score for h in hits] == pytest.approx(
            [float(expected[i]) for i in best][: len(hits)], rel=1e-5
        )


def test_small_segments_are_merged_as_they_pile_up(fake_index: NewsIndex, tmp_path: Path) -> None:
    records = sample_records(24)
    question = str(records[5]["title"])
    for i, record in enumerate(records):
        ingest(fake_index, write_jsonl(tmp_path / f"one{i}.jsonl", [record]))
    sizes = fake_index.lexical.segment_sizes()
    assert len(sizes) <= 4  # not 24: each new one joined the one before once big enough
    assert sum(live for _, live in sizes) == fake_index.store.count()
    first = fake_index.lexical.search(question, "fr", 5)
    assert articles_of_any(first)[0] == str(records[5]["id"])
    files = {p.name for p in fake_index.lexical.segment_dir.iterdir()}
    assert len(files) == len(sizes)  # merged-away segments are gone from disk


def articles_of_any(hits: list[LexicalHit]) -> list[str]:
    keys = {article_key(chunk_id(str(r["id"]), 0)): str(r["id"]) for r in sample_records(24)}
    return [keys[article_key(h.chunk_id)] for h in hits]


def test_another_process_write_is_picked_up_without_a_full_read(
    fake_index: NewsIndex, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ingest(fake_index, write_jsonl(tmp_path / "a.jsonl", sample_records(2)))
    assert fake_index.lexical.search("Delpech", "fr", 3) == []
    other = NewsIndex.open(fake_index.settings, embedder=fake_index.embedder)
    ingest(other, write_jsonl(tmp_path / "b.jsonl", sample_records(1, start=2)))
    no_full_reads(monkeypatch)
    assert fake_index.search("Delpech", 3)[0].article_id == DELPECH  # notices the write
    assert articles_of(fake_index.lexical.search("Delpech", "fr", 3)) == [DELPECH]


def test_a_write_it_never_heard_of_is_found_by_comparing(
    fake_index: NewsIndex, tmp_path: Path
) -> None:
    ingest(fake_index, write_jsonl(tmp_path / "a.jsonl", sample_records(2)))
    # A store opened apart from any index (no journal): as another machine's writes look.
    stranger = ChunkStore.open(fake_index.settings, fake_index.model_name)
    assert stranger.journal is None
    stranger.delete_article(EBOLA)
    assert fake_index.sync_lexical() > 0
    assert fake_index.lexical.count() == fake_index.store.count()
    assert "Ebola" not in " ".join(
        r[0] for r in fake_index.lexical.db.execute("SELECT tokens FROM chunks")
    )


def _exit() -> None:
    return None


def test_a_write_whose_process_died_is_read_back(fake_index: NewsIndex, tmp_path: Path) -> None:
    ingest(fake_index, write_jsonl(tmp_path / "a.jsonl", sample_records(2)))
    dead = multiprocessing.get_context("spawn").Process(target=_exit)
    dead.start()
    dead.join()
    # The dead process had noted its write, written Delpech to Chroma, and died before the
    # BM25 side heard of it (and before the write token changed).
    writer = fake_index.lexical.begin([DELPECH])
    fake_index.lexical.db.execute("UPDATE pending SET pid = ? WHERE writer = ?", (dead.pid, writer))
    deaf = NewsIndex.open(fake_index.settings, embedder=fake_index.embedder)
    deaf.store.journal = None
    assert deaf.store.log is not None
    state = deaf.store.log.state
    record = state.get(ids=[deaf.store.name], include=["metadatas"])["metadatas"]
    ingest(deaf, write_jsonl(tmp_path / "b.jsonl", sample_records(1, start=2)))
    # Neither the write's log entry nor its token was recorded.
    state.delete(ids=[f"{deaf.store.name}@{deaf.store.writes()}"])
    state.upsert(ids=[deaf.store.name], embeddings=np.ones((1, 1), np.float32), metadatas=record)

    reopened = NewsIndex.open(fake_index.settings, embedder=fake_index.embedder)
    assert articles_of(reopened.lexical.search("Delpech", "fr", 3)) == [DELPECH]
    assert reopened.lexical.db.execute("SELECT COUNT(*) FROM pending").fetchone()[0] == 0
    # Logged now, so that front ends with a data folder of their own hear of it too.
    assert any(DELPECH in w.articles for w in reopened.store.writes_since(0))


def test_an_index_of_the_older_format_is_rebuilt(fake_index: NewsIndex, tmp_path: Path) -> None:
    ingest(fake_index, write_jsonl(tmp_path / "a.jsonl", sample_records(3)))
    expected = fake_index.lexical.search("Ebola épidémie", "fr", 3)
    folder = fake_index.lexical.folder
    fake_index.lexical.close()
    for name in folder.iterdir():
        if name.is_file():
            name.unlink()
    old = sqlite3.connect(folder / "tokens.sqlite3")  # schema 1, as session 7 left it
    old.executescript(
        "CREATE TABLE chunks (id TEXT PRIMARY KEY, content_hash TEXT NOT NULL, tokens TEXT "
        "NOT NULL, source TEXT NOT NULL, published_ts INTEGER NOT NULL);"
        "CREATE TABLE state (key TEXT PRIMARY KEY, value INTEGER NOT NULL);"
        "INSERT INTO state VALUES ('version', 3);"
    )
    old.commit()
    old.close()
    reopened = NewsIndex.open(fake_index.settings, embedder=fake_index.embedder)
    assert reopened.lexical.search("Ebola épidémie", "fr", 3) == expected
    assert reopened.lexical.languages([chunk_id(EBOLA, 0)]) == ["fr"]  # read back from the store


WIDE = "France monde pays ans premier président"


def test_source_and_date_filters(fake_index: NewsIndex, tmp_path: Path) -> None:
    records = sample_records(6)
    for i, r in enumerate(records):
        r["source"] = "A" if i % 2 else "B"
    ingest(fake_index, write_jsonl(tmp_path / "a.jsonl", records[:3]))
    ingest(fake_index, write_jsonl(tmp_path / "b.jsonl", records[3:]))
    everything = fake_index.lexical.search(WIDE, "fr", 50)
    by_source = fake_index.lexical.search(WIDE, "fr", 50, sources=["A"])
    assert 0 < len(by_source) < len(everything)
    sources = dict(fake_index.lexical.db.execute("SELECT id, source FROM chunks").fetchall())
    assert {sources[h.chunk_id] for h in by_source} == {"A"}
    stamps = fake_index.lexical.published([h.chunk_id for h in everything])
    middle = sorted(stamps)[len(stamps) // 2]
    dated = fake_index.lexical.search(WIDE, "fr", 50, published=(0, middle))
    assert dated and all(
        s <= middle for s in fake_index.lexical.published([h.chunk_id for h in dated])
    )


def test_each_chunk_keeps_its_language(fake_index: NewsIndex, tmp_path: Path) -> None:
    english = {
        "id": "en-1",
        "title": "Storm",
        "text": "A storm hit the coast on Monday.",
        "lang": "en",
    }
    ingest(fake_index, write_jsonl(tmp_path / "a.jsonl", [*sample_records(1), english]))
    ids = [chunk_id(VALENCE, 0), chunk_id("en-1", 0), "never-stored"]
    assert fake_index.lexical.languages(ids) == ["fr", "en", ""]


def test_a_segment_merged_away_under_a_reader_is_read_again_not_rebuilt(
    fake_index: NewsIndex,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: LogCaptureFixture,
) -> None:
    """A merge commits, then deletes the old segments' folders: a front end of the same data
    folder that listed them just before finds one half gone. It reads the list again (the
    merged segment is there); rebuilding the old one would bring back a folder nobody lists,
    and two front ends rebuilding it at once failed their searches."""
    records = sample_records(3)
    monkeypatch.setattr(lexical_module, "MERGE_RATIO", 0)  # two segments, left unmerged
    ingest(fake_index, write_jsonl(tmp_path / "a.jsonl", records[:2]))
    ingest(fake_index, write_jsonl(tmp_path / "b.jsonl", records[2:]))
    writer = fake_index.lexical
    names = [row[0] for row in writer.db.execute("SELECT name FROM segments ORDER BY seq")]
    assert len(names) == 2
    reader = NewsIndex.open(fake_index.settings, embedder=fake_index.embedder).lexical
    real_load = segments.load
    merged = False

    def load_during_merge(folder: Path, name: str) -> Segment:
        nonlocal merged
        if name == names[-1] and not merged:
            merged = True
            writer._merge(names)  # commits, then removes the old folders
            raise SegmentUnreadable(f"segment {name}: half removed")
        return real_load(folder, name)

    monkeypatch.setattr(lexical_module, "load", load_during_merge)
    hits = reader.search("Delpech", "fr", 3)
    assert merged and articles_of(hits) == [DELPECH]
    assert "rebuilding" not in caplog.text
    listed = [row[0] for row in reader.db.execute("SELECT name FROM segments")]
    assert len(listed) == 1 and listed[0] not in names  # the merged one
    assert sorted(p.name for p in reader.segment_dir.iterdir()) == listed


def test_two_front_ends_rebuilding_one_torn_segment_both_answer(
    fake_index: NewsIndex, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ingest(fake_index, write_jsonl(tmp_path / "a.jsonl", sample_records(3)))
    (segment,) = fake_index.lexical.segment_dir.iterdir()
    (segment / "meta.json").write_text("")  # torn, and still listed
    real_save = segments.save

    def save_after_the_other(built: Segment, folder: Path) -> None:
        real_save(built, folder)  # the other front end's rebuild lands first
        real_save(built, folder)

    monkeypatch.setattr(lexical_module, "save", save_after_the_other)
    reader = NewsIndex.open(fake_index.settings, embedder=fake_index.embedder).lexical
    assert articles_of(reader.search("Delpech", "fr", 3)) == [DELPECH]
    assert [p.name for p in reader.segment_dir.iterdir()] == [segment.name]
