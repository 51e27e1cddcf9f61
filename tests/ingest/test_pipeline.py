"""Ingest keeps the index in line with its inputs: idempotent, updating, deduplicating.

What an ingest decides about each article does not depend on the model, so these run over the
fake encoder and a real embedded Chroma; `newsqa ingest` itself is in tests/bot/cli.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from index.engine import NewsIndex
from ingest.pipeline import Ingestor, IngestReport
from tests.conftest import make_settings, sample_records, write_jsonl
from tests.fakes.encoder import BagOfWordsEncoder, fake_embedder


def ingest(index: NewsIndex, *paths: Path, prune: bool = False) -> IngestReport:
    return Ingestor(index.settings, index).run([str(p) for p in paths], prune=prune)


def embedded(index: NewsIndex) -> list[str]:
    """Every text the fake encoder was given so far."""
    encoder = index.embedder.encoder
    assert isinstance(encoder, BagOfWordsEncoder)
    return encoder.encoded


def chunks_by_article(index: NewsIndex) -> dict[str, list[int]]:
    found = index.store.collection.get(include=["metadatas"])
    by_article: dict[str, list[int]] = {}
    for meta in found["metadatas"] or []:
        by_article.setdefault(str(meta["article_id"]), []).append(int(str(meta["chunk_index"])))
    return {k: sorted(v) for k, v in by_article.items()}


def assert_consistent(index: NewsIndex) -> None:
    """Each article holds exactly its chunks 0..n-1, as its stored chunk count says."""
    stored = index.store.stored_articles()
    assert set(chunks_by_article(index)) == set(stored)
    for article_id, indexes in chunks_by_article(index).items():
        assert indexes == list(range(stored[article_id].n_chunks)), article_id


def test_second_run_on_unchanged_input_embeds_nothing(
    fake_index: NewsIndex, tmp_path: Path
) -> None:
    path = write_jsonl(tmp_path / "a.jsonl", sample_records(4))
    first = ingest(fake_index, path)
    count, texts = fake_index.store.count(), len(embedded(fake_index))
    assert (first.added, first.failed, first.chunks_written) == (4, 0, count)
    assert texts >= count  # every chunk was embedded (token counts may ask for more)

    second = ingest(fake_index, path)
    assert (second.added, second.updated, second.unchanged, second.chunks_written) == (0, 0, 4, 0)
    assert len(embedded(fake_index)) == texts  # nothing was embedded again
    assert fake_index.store.count() == count
    assert_consistent(fake_index)


def test_changed_article_replaces_its_chunks(fake_index: NewsIndex, tmp_path: Path) -> None:
    records = sample_records(3)
    ingest(fake_index, write_jsonl(tmp_path / "a.jsonl", records))
    records[0] = records[0] | {"text": "Texte entièrement réécrit. Il tient en deux phrases."}
    report = ingest(fake_index, write_jsonl(tmp_path / "a.jsonl", records))
    assert (report.added, report.updated, report.unchanged) == (0, 1, 2)
    found = fake_index.store.collection.get(
        where={"article_id": str(records[0]["id"])}, include=["documents"]
    )
    assert found["documents"] == ["Texte entièrement réécrit. Il tient en deux phrases."]
    assert_consistent(fake_index)


def test_same_text_under_another_id_is_stored_once(fake_index: NewsIndex, tmp_path: Path) -> None:
    original = sample_records(1)[0]
    copy = original | {"id": "agence-copy-1", "source": "Agence Copie", "url": ""}
    report = ingest(fake_index, write_jsonl(tmp_path / "a.jsonl", [original, copy]))
    assert (report.added, report.duplicate, report.ingested) == (1, 1, 2)
    assert set(chunks_by_article(fake_index)) == {original["id"]}
    (meta,) = fake_index.store.collection.get(where={"chunk_index": 0}, include=["metadatas"])[
        "metadatas"
    ] or [{}]
    assert meta["also_ids"] == "agence-copy-1"
    assert meta["also_sources"] == "Agence Copie"
    # The copy arriving later, alone, is recognised too, and nothing is embedded again.
    texts = len(embedded(fake_index))
    later = ingest(fake_index, write_jsonl(tmp_path / "b.jsonl", [copy | {"id": "copy-2"}]))
    assert (later.added, later.duplicate, later.chunks_written) == (0, 1, 0)
    assert len(embedded(fake_index)) == texts
    assert set(chunks_by_article(fake_index)) == {original["id"]}


def test_the_same_id_twice_in_one_run_keeps_the_first(
    fake_index: NewsIndex, tmp_path: Path
) -> None:
    first = {"id": "a1", "title": "Premier", "text": "La première version de l'article."}
    rewritten = first | {"title": "Second", "text": "Une autre version, lue ensuite."}
    path = write_jsonl(tmp_path / "a.jsonl", [first, first, rewritten])
    report = ingest(fake_index, path)
    assert (report.added, report.duplicate, report.failed) == (1, 1, 1)
    (failure,) = report.failures
    assert "'a1' came earlier in this run with another text" in failure.reason
    found = fake_index.store.collection.get(where={"article_id": "a1"}, include=["documents"])
    assert found["documents"] == ["La première version de l'article."]


def test_prune_removes_articles_absent_from_inputs(fake_index: NewsIndex, tmp_path: Path) -> None:
    records = sample_records(3)
    ingest(fake_index, write_jsonl(tmp_path / "all.jsonl", records))
    kept = write_jsonl(tmp_path / "kept.jsonl", records[:2])
    without = ingest(fake_index, kept)
    assert without.pruned == 0 and len(chunks_by_article(fake_index)) == 3
    report = ingest(fake_index, kept, prune=True)
    assert (report.pruned, report.unchanged) == (1, 2)
    assert set(chunks_by_article(fake_index)) == {r["id"] for r in records[:2]}


def test_prune_keeps_the_articles_of_a_file_that_failed(
    fake_index: NewsIndex, tmp_path: Path
) -> None:
    records = sample_records(2)
    other = write_jsonl(tmp_path / "other.jsonl", records[1:])
    ingest(fake_index, write_jsonl(tmp_path / "one.jsonl", records[:1]), other)
    other.write_bytes(b"\x00\x01 not text any more")  # unreadable this time
    report = ingest(fake_index, tmp_path / "one.jsonl", other, prune=True)
    assert (report.unchanged, report.failed, report.pruned) == (1, 1, 0)
    assert set(chunks_by_article(fake_index)) == {r["id"] for r in records}


def test_an_article_over_the_size_cap_is_refused_and_its_stored_version_kept(
    tmp_path: Path,
) -> None:
    settings = make_settings(tmp_path / "data", max_article_mb=0.01)  # 10 KB
    index = NewsIndex.open(settings, embedder=fake_embedder())
    small, other = sample_records(2)
    ingest(index, write_jsonl(tmp_path / "a.jsonl", [small, other]))
    dump = small | {"text": "Une phrase de remplissage pour grossir le texte. " * 400}
    report = ingest(index, write_jsonl(tmp_path / "a.jsonl", [dump, other]), prune=True)
    assert (report.failed, report.unchanged, report.pruned) == (1, 1, 0)
    (failure,) = report.failures
    assert failure.origin.endswith("a.jsonl")
    assert f"article '{small['id']}': its text is 0.0187 MB, over the 0.01 MB cap" in failure.reason
    assert "raise NEWSQA_MAX_ARTICLE_MB" in failure.reason
    assert set(chunks_by_article(index)) == {small["id"], other["id"]}  # as it was stored


def test_an_interrupted_article_is_written_again_whole(
    fake_index: NewsIndex, tmp_path: Path
) -> None:
    path = write_jsonl(tmp_path / "a.jsonl", sample_records(2))
    ingest(fake_index, path)
    longest = max(chunks_by_article(fake_index).items(), key=lambda item: len(item[1]))
    article_id, indexes = longest
    assert len(indexes) >= 2
    # As a kill between two writes leaves it: the article's last chunk is missing.
    last = fake_index.store.collection.get(
        where={"$and": [{"article_id": article_id}, {"chunk_index": indexes[-1]}]}
    )
    fake_index.store.collection.delete(ids=last["ids"])
    report = ingest(fake_index, path)
    assert (report.updated, report.unchanged) == (1, 1)
    assert chunks_by_article(fake_index)[article_id] == indexes
    assert_consistent(fake_index)


def test_new_chunk_settings_rechunk_every_article(fake_index: NewsIndex, tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "a.jsonl", sample_records(3))
    ingest(fake_index, path)
    before = fake_index.store.count()
    smaller = make_settings(fake_index.settings.data_dir, chunk_tokens=48, chunk_overlap_tokens=8)
    index = NewsIndex(smaller, fake_index.store, fake_index.embedder)
    report = ingest(index, path)
    assert (report.updated, report.unchanged) == (3, 0)
    assert index.store.count() > before
    assert_consistent(index)


def test_json_records_keep_their_metadata_typed(fake_index: NewsIndex, tmp_path: Path) -> None:
    record = sample_records(1)[0] | {"author": "Rédaction", "section": "monde", "words": 312}
    ingest(fake_index, write_jsonl(tmp_path / "a.jsonl", [record]))
    metas = fake_index.store.collection.get(include=["metadatas"])["metadatas"] or []
    assert metas
    day = datetime.fromisoformat(str(record["published_at"])).replace(tzinfo=UTC)
    for meta in metas:
        assert meta["article_id"] == record["id"] and meta["title"] == record["title"]
        assert meta["source"] == "Wikinews (fr)" and meta["url"] == record["url"]
        assert meta["author"] == "Rédaction" and meta["section"] == "monde"
        assert meta["words"] == 312  # numbers stay numbers
        assert meta["published_at"] == "2016-01-01"
        assert meta["published_ts"] == int(day.timestamp())
        assert meta["lang"] == "fr"
        assert meta["n_chunks"] == len(metas)
    assert sorted(int(str(m["chunk_index"])) for m in metas) == list(range(len(metas)))
