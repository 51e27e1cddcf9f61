"""One index, several processes: a long-running reader sees another process's writes, in
embedded mode and on a Chroma server, and two embedded writers never write at once."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import numpy as np
import pytest

from index.engine import NewsIndex
from index.errors import StoreBusy
from index.storage import ChunkStore, write_lock, writelog
from ingest.pipeline import Ingestor
from ingest.progress import Progress
from tests.conftest import make_settings, sample_records, write_jsonl
from tests.fakes.encoder import fake_embedder


def tagged(records: list[dict[str, object]], start: int) -> list[dict[str, object]]:
    """Each record with a made-up word of its own, so that a search for it has one answer."""
    return [r | {"text": f"{r['text']} {word(start + i)}."} for i, r in enumerate(records)]


def word(n: int) -> str:
    return "zq" + "".join(chr(ord("a") + int(d)) for d in f"{n:03d}") + "x"


def ingest(index: NewsIndex, path: Path) -> None:
    Ingestor(index.settings, index).run([str(path)], progress=Progress())
    index.sync_lexical()


def two_front_ends(
    tmp_path: Path, chroma_server: tuple[str, int], collection: str
) -> tuple[NewsIndex, NewsIndex]:
    """Two processes on one server, each with its own data folder (its own BM25 side)."""
    host, port = chroma_server
    server = {"chroma_host": host, "chroma_port": port, "collection": collection}
    return (
        NewsIndex.open(make_settings(tmp_path / "w", **server), embedder=fake_embedder()),
        NewsIndex.open(make_settings(tmp_path / "f", **server), embedder=fake_embedder()),
    )


def caught_up(
    tmp_path: Path, chroma_server: tuple[str, int], collection: str, count: int
) -> tuple[NewsIndex, NewsIndex, list[dict[str, object]]]:
    """A writer that stored the first two of `count` tagged articles, and a front end of
    another data folder that has taken them in."""
    writer, front = two_front_ends(tmp_path, chroma_server, collection)
    records = tagged(sample_records(count), 0)
    ingest(writer, write_jsonl(tmp_path / "a.jsonl", records[:2]))
    front.search(word(0), 1)
    return writer, front, records


def test_a_server_reader_sees_an_update_that_keeps_the_chunk_count(
    tmp_path: Path, chroma_server: tuple[str, int]
) -> None:
    writer, reader = two_front_ends(tmp_path, chroma_server, "shared-update")
    records = sample_records(6)
    ingest(writer, write_jsonl(tmp_path / "news.jsonl", records))
    reader.search("zygomorphe", 3)  # the reader's BM25 side is built now
    assert reader.lexical.search("zygomorphe", "fr", 5) == []

    records[2] = records[2] | {"text": str(records[2]["text"]).replace(".", " zygomorphe.", 1)}
    ingest(writer, write_jsonl(tmp_path / "news.jsonl", records))
    assert writer.store.count() == reader.store.count()  # same chunk count as before

    assert reader.search("zygomorphe", 3)[0].article_id == records[2]["id"]
    # The dense side is the server's own; the BM25 side is the reader's, and caught up too.
    (hit,) = reader.lexical.search("zygomorphe", "fr", 5)
    assert hit.chunk_id.startswith(reader.search("zygomorphe", 1)[0].chunk_id[:16])


def test_an_embedded_reader_survives_a_side_ingest(tmp_path: Path) -> None:
    """The other process is played by a second client in this one: Chroma's embedded client
    keeps its own indexes per process, which is what breaks a reader that does not reload."""
    settings = make_settings(tmp_path / "data")
    first = tagged(sample_records(20), 0)
    reader = NewsIndex.open(settings, embedder=fake_embedder())
    ingest(reader, write_jsonl(tmp_path / "a.jsonl", first))
    assert reader.search(word(0), 3)[0].article_id == first[0]["id"]

    from chromadb.api.shared_system_client import SharedSystemClient

    # What another process sees: a client of its own on the same folder.
    SharedSystemClient._identifier_to_system.pop(str(settings.chroma_dir))
    writer = NewsIndex.open(settings, embedder=fake_embedder())
    more = tagged(sample_records(30, start=20), 20)
    ingest(writer, write_jsonl(tmp_path / "b.jsonl", more))
    writer.store.delete_article(str(first[1]["id"]))

    for n, expected in ((25, more[5]), (0, first[0]), (40, more[20])):
        assert reader.search(word(n), 3)[0].article_id == expected["id"]
    assert str(first[1]["id"]) not in {p.article_id for p in reader.search(word(1), 50)}


def test_a_second_embedded_writer_waits_then_stops_with_a_message(tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "data")
    held, release = threading.Event(), threading.Event()

    def hold() -> None:
        with write_lock(settings):
            held.set()
            release.wait(10)

    holder = threading.Thread(target=hold)
    holder.start()
    held.wait(5)
    try:
        started = time.monotonic()
        with pytest.raises(StoreBusy, match="NEWSQA_CHROMA_HOST"), write_lock(settings, wait_s=1):
            pass
        assert time.monotonic() - started >= 1
    finally:
        release.set()
        holder.join()
    with write_lock(settings, wait_s=1):  # free again once the first writer is done
        pass


def test_front_ends_answer_while_an_ingest_writes_to_one_server(
    tmp_path: Path, chroma_server: tuple[str, int]
) -> None:
    """Two front ends on one data folder and one Chroma server keep searching while an ingest
    writes batch after batch: no search fails, and each batch is found once it is written."""
    host, port = chroma_server
    server = {"chroma_host": host, "chroma_port": port, "collection": "busy"}
    settings = make_settings(tmp_path / "shared", **server)
    writer = NewsIndex.open(settings, embedder=fake_embedder())
    fronts = [NewsIndex.open(settings, embedder=fake_embedder()) for _ in range(2)]
    records = tagged(sample_records(12), 0)
    ingest(writer, write_jsonl(tmp_path / "first.jsonl", records[:2]))
    errors: list[BaseException] = []
    stop = threading.Event()

    def ask_loop(index: NewsIndex) -> None:
        while not stop.is_set():
            try:
                index.search("Ebola OMS épidémie", 3)
            except BaseException as exc:  # the test reports any failure
                errors.append(exc)
                return

    loops = [threading.Thread(target=ask_loop, args=(f,)) for f in fronts]
    for loop in loops:
        loop.start()
    try:
        for start in range(2, 12, 2):
            ingest(
                writer, write_jsonl(tmp_path / f"batch{start}.jsonl", records[start : start + 2])
            )
            for front in fronts:
                for n in (start, start + 1):
                    assert front.search(word(n), 1)[0].article_id == records[n]["id"]
    finally:
        stop.set()
        for loop in loops:
            loop.join(timeout=30)
    assert errors == []


def test_a_front_end_with_its_own_folder_reads_back_only_what_another_wrote(
    tmp_path: Path, chroma_server: tuple[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Front ends on other machines keep their own word index: they take in each other's
    writes from the store's write log, article by article, never reading the whole store."""
    writer, front = two_front_ends(tmp_path, chroma_server, "logged")
    records = tagged(sample_records(6), 0)
    ingest(writer, write_jsonl(tmp_path / "a.jsonl", records[:3]))
    assert front.search(word(1), 1)[0].article_id == records[1]["id"]  # a first, full read

    def whole_store(self: ChunkStore) -> dict[str, str]:
        raise AssertionError("the whole store was read")

    monkeypatch.setattr(ChunkStore, "content_hashes", whole_store)
    ingest(writer, write_jsonl(tmp_path / "b.jsonl", records[3:5]))
    writer.forget([str(records[1]["id"])])
    for n in (3, 4):
        assert front.search(word(n), 1)[0].article_id == records[n]["id"]
    assert front.lexical.search(word(1), "fr", 3) == []  # the forgotten article is gone
    assert front.lexical.count() == front.store.count()
    # Its own writes are logged too, and the other side takes them in the same way.
    ingest(front, write_jsonl(tmp_path / "c.jsonl", records[5:]))
    assert writer.search(word(5), 1)[0].article_id == records[5]["id"]
    assert writer.lexical.count() == writer.store.count()


def test_a_front_end_away_longer_than_the_log_compares_the_whole_store(
    tmp_path: Path, chroma_server: tuple[str, int]
) -> None:
    writer, front, records = caught_up(tmp_path, chroma_server, "away", 4)
    # The log now starts after the front end's last catch-up (older entries were pruned).
    assert writer.store.log is not None
    state = writer.store.log.state
    record = state.get(ids=["away"], include=["metadatas"])["metadatas"][0]  # type: ignore[index]
    state.upsert(
        ids=["away"],
        embeddings=np.ones((1, 1), np.float32),
        metadatas=[dict(record) | {"log_from_ms": int(time.time() * 1000) + 60_000}],
    )
    ingest(writer, write_jsonl(tmp_path / "b.jsonl", records[2:]))
    compared = []
    real = ChunkStore.content_hashes

    def counted(self: ChunkStore) -> dict[str, str]:
        compared.append(self.name)
        return real(self)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ChunkStore, "content_hashes", counted)
        assert front.search(word(3), 1)[0].article_id == records[3]["id"]
    assert compared == ["away"]
    assert front.lexical.count() == front.store.count()


def test_a_write_missing_from_the_log_is_found_by_a_whole_compare(
    tmp_path: Path, chroma_server: tuple[str, int]
) -> None:
    """A writer on an older newsqa changes the token but logs nothing: the front end does not
    trust the log past a token it cannot find there."""
    writer, front, records = caught_up(tmp_path, chroma_server, "unlogged", 3)
    ingest(writer, write_jsonl(tmp_path / "b.jsonl", records[2:]))
    assert writer.store.log is not None
    writer.store.log.state.delete(ids=[f"unlogged@{writer.store.writes()}"])
    assert front.search(word(2), 1)[0].article_id == records[2]["id"]
    assert front.lexical.count() == front.store.count()


def test_a_writer_whose_clock_runs_ahead_hides_no_later_write(
    tmp_path: Path, chroma_server: tuple[str, int]
) -> None:
    writer, front, records = caught_up(tmp_path, chroma_server, "skewed", 4)
    ahead = int(time.time() * 1000) + 3_600_000  # an hour ahead, well past the log's margin
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(writelog, "now_ms", lambda: ahead)
        ingest(writer, write_jsonl(tmp_path / "b.jsonl", records[2:3]))
    assert front.search(word(2), 1)[0].article_id == records[2]["id"]
    ingest(writer, write_jsonl(tmp_path / "c.jsonl", records[3:]))  # on the right clock
    assert front.search(word(3), 1)[0].article_id == records[3]["id"]
    assert front.lexical.count() == front.store.count()
