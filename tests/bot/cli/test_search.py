"""`newsqa search` as a user runs it, over the shared small index."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from index.engine import NewsIndex
from tests.bot.cli.conftest import Newsqa
from tests.conftest import MODEL_CACHE, run_cli

SEED_QUESTION = "Qui remplace Pete Hegseth à la réunion du groupe de contact ?"


def test_cli_search_json(indexed: NewsIndex) -> None:
    result = run_cli(
        "search",
        SEED_QUESTION,
        "-k",
        "2",
        "--json",
        env={"NEWSQA_DATA_DIR": str(indexed.settings.data_dir)},
    )
    assert result.returncode == 0, result.stderr
    hits = json.loads(result.stdout)
    assert len(hits) == 2 and hits[0]["title"].startswith("Il s'agit de la première fois")
    assert set(hits[0]) >= {"score", "title", "source", "published_at", "url", "text"}
    text = run_cli(
        "search", SEED_QUESTION, "-k", "1", env={"NEWSQA_DATA_DIR": str(indexed.settings.data_dir)}
    )
    assert text.stdout.startswith("[1] ") and "Pete Hegseth" in text.stdout


def test_bytes_that_are_not_utf8_are_read_not_a_traceback(indexed: NewsIndex) -> None:
    # A Latin-1 terminal sends "é" as the byte 0xE9: the question is read as typed.
    newsqa = str(Path(sys.executable).parent / "newsqa")
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSQA_")} | {
        "NEWSQA_DATA_DIR": str(indexed.settings.data_dir),
        "NEWSQA_CACHE_DIR": str(MODEL_CACHE),
        "NEWSQA_ANSWER_BACKEND": "extractive",
        "LC_ALL": "C.UTF-8",
    }
    latin1 = "Qui remplace Pete Hegseth à la réunion du groupe de contact ?".encode("latin-1")
    found = subprocess.run([newsqa, "search", latin1, "-k", "1"], capture_output=True, env=env)
    assert found.returncode == 0, found.stderr.decode()
    assert b"Pete Hegseth" in found.stdout
    typed = latin1 + b"\n/aide\n/quit\n"
    chat = subprocess.run([newsqa, "chat"], input=typed, capture_output=True, env=env)
    assert chat.returncode == 0, chat.stderr.decode()
    said = chat.stdout.decode()
    assert "Matthew Whitaker" in said and "Traceback" not in chat.stderr.decode()
    assert "Commande inconnue : /aide. Commandes : /reset, /sources, /quit." in said


def test_search_k_setting_is_the_default_and_k_wins(indexed: NewsIndex, newsqa: Newsqa) -> None:
    env = {"NEWSQA_DATA_DIR": str(indexed.settings.data_dir), "NEWSQA_SEARCH_K": "3"}
    shown = newsqa("search", SEED_QUESTION, "--json", env=env)
    assert shown.returncode == 0, shown.stderr
    assert len(json.loads(shown.stdout)) == 3
    asked = newsqa("search", SEED_QUESTION, "-k", "1", "--json", env=env)
    assert len(json.loads(asked.stdout)) == 1
