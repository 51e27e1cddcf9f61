"""A `newsqa chat` left open answers every question while another shell ingests into the same
embedded index, and finds the new articles afterwards; user mistakes get one line."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from index.engine import NewsIndex
from ingest.pipeline import Ingestor
from tests.bot.cli.conftest import Newsqa
from tests.conftest import MODEL_CACHE, make_settings, run_cli, sample_records, write_jsonl
from tests.fakes.encoder import fake_embedder


@pytest.mark.model
def test_chat_answers_before_during_and_after_a_side_ingest(tmp_path: Path) -> None:
    env = {"NEWSQA_DATA_DIR": str(tmp_path / "data")}
    first, later = sample_records(40), sample_records(120, start=40)
    done = run_cli("ingest", str(write_jsonl(tmp_path / "first.jsonl", first)), env=env)
    assert done.returncode == 0, done.stderr
    newsqa = Path(sys.executable).parent / "newsqa"
    clean = {k: v for k, v in os.environ.items() if not k.startswith("NEWSQA_")}
    full_env = clean | {"NEWSQA_CACHE_DIR": str(MODEL_CACHE)} | env
    chat = subprocess.Popen(
        [str(newsqa), "chat"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=full_env,
    )
    assert chat.stdin is not None and chat.stdout is not None and chat.stderr is not None
    # Both pipes are drained by threads of their own: `communicate` would read stdout too,
    # racing the reader for the answers.
    output: list[str] = []
    logged: list[str] = []
    stdout, stderr = chat.stdout, chat.stderr
    readers = [
        threading.Thread(target=lambda: output.extend(iter(stdout.readline, ""))),
        threading.Thread(target=lambda: logged.extend(iter(stderr.readline, ""))),
    ]
    for reader in readers:
        reader.start()

    def ask(question: str) -> None:
        assert chat.stdin is not None
        chat.stdin.write(question + "\n")
        chat.stdin.flush()

    ask(str(first[0]["title"]))
    time.sleep(5)
    side = subprocess.Popen(
        [str(newsqa), "ingest", str(write_jsonl(tmp_path / "later.jsonl", later))],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=full_env,
    )
    asked_during = 0
    while side.poll() is None and asked_during < 6:
        ask(str(first[asked_during + 1]["title"]))
        asked_during += 1
        time.sleep(2)
    assert asked_during >= 1  # the ingest was still running when these were asked
    _, side_err = side.communicate(timeout=600)
    assert side.returncode == 0, side_err
    newest = later[-1]
    ask(str(newest["title"]))
    ask("/quit")
    chat.wait(timeout=600)
    for reader in readers:
        reader.join()
    for pipe in (chat.stdin, stdout, stderr):
        pipe.close()
    errors = "".join(logged)

    assert chat.returncode == 0, errors
    assert "Traceback" not in errors and "Error" not in errors
    answers = "".join(output).split("> ")[1:]  # the prompt before each question
    assert len(answers) == asked_during + 3  # each question, and the quit
    assert all("Sources" in a or "Je ne sais pas" in a for a in answers[:-1])
    assert str(newest["title"]) in answers[-2]  # the article ingested meanwhile is found


def test_empty_questions_and_bad_settings_get_one_line(tmp_path: Path, newsqa: Newsqa) -> None:
    env = {"NEWSQA_DATA_DIR": str(tmp_path / "data")}
    for command in (["ask", ""], ["search", "  "], ["ask", "🙂 ?"]):
        result = newsqa(*command, env=env)
        assert result.returncode == 2
        assert result.stderr.startswith("error: ask a question in words")
        assert result.stderr.count("\n") == 1
    bad = newsqa("search", "Nobel", env=env | {"NEWSQA_SEARCH_K": "beaucoup"})
    assert bad.returncode == 2
    assert bad.stderr.startswith("error: invalid setting NEWSQA_SEARCH_K='beaucoup'")
    off = {"NEWSQA_READER_REFUSAL_THRESHOLD": "nan"}  # would have switched refusals off
    nan = newsqa("search", "Nobel", env=env | off)
    assert nan.returncode == 2 and "should be a finite number" in nan.stderr
    (tmp_path / "a-file").write_text("")
    misplaced = newsqa("search", "Nobel", env={"NEWSQA_DATA_DIR": str(tmp_path / "a-file")})
    assert misplaced.returncode == 2 and misplaced.stderr.count("\n") == 1
    assert "NEWSQA_DATA_DIR" in misplaced.stderr and "Not a directory" in misplaced.stderr


def test_chat_asks_for_words_when_given_only_emoji(tmp_path: Path, newsqa: Newsqa) -> None:
    settings = make_settings(tmp_path / "data")
    index = NewsIndex.open(settings, embedder=fake_embedder())
    Ingestor(settings, index).run([str(write_jsonl(tmp_path / "a.jsonl", sample_records(3)))])
    result = newsqa("chat", env={"NEWSQA_DATA_DIR": str(settings.data_dir)}, input="🙂👍\n/quit\n")
    assert result.returncode == 0, result.stderr
    assert "Posez une question avec des mots" in result.stdout and "Sources" not in result.stdout


def test_ask_on_an_empty_archive_says_to_ingest_before_loading_any_model(
    tmp_path: Path, newsqa: Newsqa
) -> None:
    # Not marked `model`: a model loaded before the check would fail this test.
    settings = make_settings(tmp_path / "data")
    index = NewsIndex.open(settings, embedder=fake_embedder())
    Ingestor(settings, index).run([str(write_jsonl(tmp_path / "a.jsonl", sample_records(2)))])
    index.forget(ids=[str(r["id"]) for r in sample_records(2)])
    model = tmp_path / "model.gguf"
    model.write_bytes(b"not a model: loading it would fail another way")
    local_llm = {"NEWSQA_ANSWER_BACKEND": "llamacpp", "NEWSQA_LLM_MODEL_PATH": str(model)}
    # Never written; emptied by `forget`; and with a backend whose set-up loads a model.
    for data, more in (
        (tmp_path / "fresh", {}),
        (settings.data_dir, {}),
        (settings.data_dir, local_llm),
    ):
        env = {"NEWSQA_DATA_DIR": str(data)} | more
        result = newsqa("ask", "Qui a gagné l'élection ?", env=env)
        assert result.returncode == 2
        assert result.stderr.startswith("error: the index is empty: run `newsqa ingest PATH`")
        assert result.stderr.count("\n") == 1
