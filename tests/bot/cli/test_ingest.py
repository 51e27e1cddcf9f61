"""`newsqa ingest` as a user runs it: the summary table, exit codes, interruptions, mistakes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from index.engine import NewsIndex
from tests.bot.cli.conftest import Newsqa, summary
from tests.conftest import MODEL_CACHE, make_settings, run_cli, sample_records, write_jsonl
from tests.ingest.test_pipeline import assert_consistent, chunks_by_article


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
        # A suite started in the background (`make test &`) hands its children SIGINT ignored,
        # which Python then keeps: give the command Ctrl-C as a terminal would.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )


def _wait_for_first_write(proc: subprocess.Popen[str]) -> None:
    assert proc.stderr is not None
    for line in proc.stderr:
        if "newsqa.progress: embedding" in line:  # the model is loaded, embedding is under way
            return
    raise AssertionError("ingest ended before writing anything")


@pytest.mark.model
def test_killed_or_interrupted_ingest_resumes_without_duplicates(tmp_path: Path) -> None:
    # Enough articles that the signal lands mid-run even on a loaded machine.
    records = sample_records(40, start=100)
    corpus = write_jsonl(tmp_path / "c.jsonl", records)
    data_dir = tmp_path / "data"
    for sig in (signal.SIGKILL, signal.SIGINT):
        proc = _start_ingest(data_dir, corpus)
        _wait_for_first_write(proc)
        proc.send_signal(sig)
        _out, err = proc.communicate(timeout=120)
        if sig == signal.SIGINT:
            assert proc.returncode == 130 and "re-run the same command" in err
    settings = make_settings(data_dir)
    done_before = len(NewsIndex.open(settings).store.stored_articles())
    assert done_before < 40
    resumed = run_cli("ingest", str(corpus), env={"NEWSQA_DATA_DIR": str(data_dir)})
    assert resumed.returncode == 0, resumed.stderr
    assert int(summary(resumed.stdout)["articles added"]) == 40 - done_before
    index = NewsIndex.open(settings)
    assert_consistent(index)
    assert set(chunks_by_article(index)) == {r["id"] for r in records}
    again = run_cli("ingest", str(corpus), env={"NEWSQA_DATA_DIR": str(data_dir)})
    rows = summary(again.stdout)
    assert (rows["articles unchanged"], rows["articles added"], rows["chunks written"]) == (
        "40",
        "0",
        "0",
    )


@pytest.mark.model
def test_cli_reports_failures_and_exit_codes(tmp_path: Path) -> None:
    good = write_jsonl(tmp_path / "good.jsonl", sample_records(1))
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x00\x01binary")
    env = {"NEWSQA_DATA_DIR": str(tmp_path / "data")}
    mixed = run_cli("ingest", str(good), str(bad), env=env)
    assert mixed.returncode == 0, mixed.stderr
    rows = summary(mixed.stdout)
    assert (rows["files read"], rows["articles added"], rows["articles failed"]) == ("2", "1", "1")
    assert mixed.stdout.splitlines()[-1].startswith(f"  {bad}: binary file")
    strict = run_cli("ingest", str(good), str(bad), "--strict", env=env)
    assert strict.returncode == 1 and summary(strict.stdout)["articles unchanged"] == "1"
    only_bad = run_cli("ingest", str(bad), env=env)
    assert only_bad.returncode == 1 and "Traceback" not in only_bad.stderr


def test_a_path_that_is_not_there_is_one_line(newsqa: Newsqa, tmp_path: Path) -> None:
    env = {"NEWSQA_DATA_DIR": str(tmp_path / "data")}
    typo = newsqa("ingest", str(tmp_path / "corpus.jsnol"), env=env)
    assert typo.returncode == 2
    assert typo.stderr.strip().splitlines() == [
        f"error: no such file or folder: {tmp_path / 'corpus.jsnol'}"
    ]
    assert not (tmp_path / "data").exists()  # stopped before the archive was opened
    # A path that cannot even be looked at is left for ingest to report, not a traceback.
    too_long = newsqa("ingest", str(tmp_path / ("a" * 300)), env=env)
    assert too_long.returncode == 1 and "Traceback" not in too_long.stderr
    assert "a" * 300 in too_long.stdout


def test_settings_mistake_is_one_line(tmp_path: Path) -> None:
    result = run_cli("search", "x", env={"NEWSQA_CHUNK_TOKENS": "lots"})
    assert result.returncode == 2
    assert result.stderr.startswith("error: invalid setting") and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_missing_model_is_one_clear_line(tmp_path: Path) -> None:
    corpus = write_jsonl(tmp_path / "c.jsonl", sample_records(1))
    result = run_cli(
        "ingest",
        str(corpus),
        env={
            "NEWSQA_DATA_DIR": str(tmp_path),
            "NEWSQA_EMBED_MODEL": "someone/not-downloaded-model",
        },
    )
    assert result.returncode == 2, result.stderr
    assert "not available" in result.stderr and "NEWSQA_ALLOW_DOWNLOADS" in result.stderr
    assert "Traceback" not in result.stderr
