"""Ingest keeps the index in line with its inputs: idempotent, updating, deduplicating."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

from index.engine import NewsIndex
from ingest.pipeline import Ingestor
from tests.conftest import MODEL_CACHE, make_settings, run_cli, sample_records, write_jsonl


def _ingest(index: NewsIndex, *paths: Path, prune: bool = False):  # type: ignore[no-untyped-def]
    return Ingestor(index.settings, index).run([str(p) for p in paths], prune=prune)


def _chunks_by_article(index: NewsIndex) -> dict[str, list[int]]:
    found = index.store.collection.get(include=["metadatas"])
    by_article: dict[str, list[int]] = {}
    for meta in found["metadatas"] or []:
        by_article.setdefault(str(meta["article_id"]), []).append(int(meta["chunk_index"]))
    return {k: sorted(v) for k, v in by_article.items()}


def _assert_consistent(index: NewsIndex) -> None:
    stored = index.store.stored_articles()
    for article_id, indexes in _chunks_by_article(index).items():
        assert indexes == list(range(stored[article_id].n_chunks)), article_id


def test_second_run_on_unchanged_input_embeds_nothing(
    fresh_index: NewsIndex, tmp_path: Path
) -> None:
    path = write_jsonl(tmp_path / "a.jsonl", sample_records(4))
    first = _ingest(fresh_index, path)
    count = fresh_index.store.count()
    second = _ingest(fresh_index, path)
    assert (first.added, first.chunks_written) == (4, count)
    assert (second.added, second.updated, second.unchanged, second.chunks_written) == (0, 0, 4, 0)
    assert fresh_index.store.count() == count


def test_changed_article_replaces_its_chunks(fresh_index: NewsIndex, tmp_path: Path) -> None:
    records = sample_records(3)
    _ingest(fresh_index, write_jsonl(tmp_path / "a.jsonl", records))
    records[0] = records[0] | {"text": "Texte entièrement réécrit. Il tient en deux phrases."}
    report = _ingest(fresh_index, write_jsonl(tmp_path / "a.jsonl", records))
    assert (report.updated, report.unchanged) == (1, 2)
    found = fresh_index.store.collection.get(
        where={"article_id": records[0]["id"]}, include=["documents"]
    )
    assert found["documents"] == ["Texte entièrement réécrit. Il tient en deux phrases."]
    _assert_consistent(fresh_index)


def test_same_text_under_another_id_is_stored_once(fresh_index: NewsIndex, tmp_path: Path) -> None:
    original = sample_records(1)[0]
    copy = original | {"id": "agence-copy-1", "source": "Agence Copie", "url": ""}
    report = _ingest(fresh_index, write_jsonl(tmp_path / "a.jsonl", [original, copy]))
    assert (report.added, report.duplicate) == (1, 1)
    assert set(_chunks_by_article(fresh_index)) == {original["id"]}
    meta = fresh_index.store.collection.get(where={"chunk_index": 0}, include=["metadatas"])[
        "metadatas"
    ][0]
    assert "agence-copy-1" in str(meta["also_ids"])
    assert "Agence Copie" in str(meta["also_sources"])
    # The copy arriving later, alone, is recognised too, and nothing is embedded again.
    later = _ingest(fresh_index, write_jsonl(tmp_path / "b.jsonl", [copy | {"id": "copy-2"}]))
    assert (later.duplicate, later.chunks_written) == (1, 0)


def test_prune_removes_articles_absent_from_inputs(fresh_index: NewsIndex, tmp_path: Path) -> None:
    records = sample_records(3)
    _ingest(fresh_index, write_jsonl(tmp_path / "all.jsonl", records))
    kept = write_jsonl(tmp_path / "kept.jsonl", records[:2])
    without = _ingest(fresh_index, kept)
    assert without.pruned == 0 and len(_chunks_by_article(fresh_index)) == 3
    report = _ingest(fresh_index, kept, prune=True)
    assert report.pruned == 1
    assert set(_chunks_by_article(fresh_index)) == {r["id"] for r in records[:2]}


def _start_ingest(data_dir: Path, corpus: Path) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSQA_")} | {
        "NEWSQA_DATA_DIR": str(data_dir),
        "NEWSQA_CACHE_DIR": str(MODEL_CACHE),
        "NEWSQA_EMBED_BATCH_SIZE": "2",
    }
    newsqa = Path(sys.executable).parent / "newsqa"
    return subprocess.Popen(
        [str(newsqa), "ingest", str(corpus)],
        stderr=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
        stdin=subprocess.DEVNULL,
    )


def _wait_for_first_write(proc: subprocess.Popen[str]) -> None:
    assert proc.stderr is not None
    for line in proc.stderr:
        if "embedding" in line:
            return
    raise AssertionError("ingest ended before writing anything")


def test_killed_or_interrupted_ingest_resumes_without_duplicates(tmp_path: Path) -> None:
    corpus = write_jsonl(tmp_path / "c.jsonl", sample_records(14, start=100))
    data_dir = tmp_path / "data"
    for sig in (signal.SIGKILL, signal.SIGINT):
        proc = _start_ingest(data_dir, corpus)
        _wait_for_first_write(proc)
        proc.send_signal(sig)
        _out, err = proc.communicate(timeout=120)
        if sig == signal.SIGINT:
            assert proc.returncode == 130 and "re-run the same command" in err
    settings = make_settings(data_dir)
    partial = NewsIndex.open(settings)
    done_before = len(partial.store.stored_articles())
    assert done_before < 14
    resumed = run_cli("ingest", str(corpus), env={"NEWSQA_DATA_DIR": str(data_dir)})
    assert resumed.returncode == 0, resumed.stderr
    index = NewsIndex.open(settings)
    _assert_consistent(index)
    assert set(_chunks_by_article(index)) == {r["id"] for r in sample_records(14, start=100)}
    again = run_cli("ingest", str(corpus), env={"NEWSQA_DATA_DIR": str(data_dir)})
    assert "articles unchanged        14" in again.stdout


def test_cli_reports_failures_and_exit_codes(tmp_path: Path) -> None:
    good = write_jsonl(tmp_path / "good.jsonl", sample_records(1))
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x00\x01binary")
    env = {"NEWSQA_DATA_DIR": str(tmp_path / "data")}
    mixed = run_cli("ingest", str(good), str(bad), env=env)
    assert mixed.returncode == 0, mixed.stderr
    assert "articles added             1" in mixed.stdout
    assert "articles failed            1" in mixed.stdout
    assert f"{bad}: binary file" in mixed.stdout
    strict = run_cli("ingest", str(good), str(bad), "--strict", env=env)
    assert strict.returncode == 1
    only_bad = run_cli("ingest", str(bad), env=env)
    assert only_bad.returncode == 1 and "Traceback" not in only_bad.stderr


def test_settings_mistake_is_one_line(tmp_path: Path) -> None:
    result = run_cli("search", "x", env={"NEWSQA_CHUNK_TOKENS": "lots"})
    assert result.returncode == 2
    assert result.stderr.startswith("error: invalid setting") and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_json_records_round_trip_metadata(fresh_index: NewsIndex, tmp_path: Path) -> None:
    record = sample_records(1)[0] | {"author": "Rédaction", "section": "monde"}
    _ingest(fresh_index, write_jsonl(tmp_path / "a.jsonl", [record]))
    meta = fresh_index.store.collection.get(include=["metadatas"])["metadatas"][0]
    assert meta["author"] == "Rédaction" and meta["published_at"] == record["published_at"]
    assert isinstance(meta["published_ts"], int) and meta["lang"] == "fr"
    assert json.loads(json.dumps(meta))  # flat, serialisable values only
