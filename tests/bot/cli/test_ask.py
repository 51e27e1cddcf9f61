"""`newsqa ask` and `newsqa chat` as a user runs them, over the shared small index."""

from __future__ import annotations

import json
from pathlib import Path

from index.engine import NewsIndex
from tests.conftest import run_cli

SEED_QUESTION = "Qui remplace Pete Hegseth à la réunion du groupe de contact ?"


def _env(index: NewsIndex) -> dict[str, str]:
    return {"NEWSQA_DATA_DIR": str(index.settings.data_dir)}


def test_ask_prints_a_cited_answer_and_its_sources(indexed: NewsIndex) -> None:
    result = run_cli("ask", SEED_QUESTION, env=_env(indexed))
    assert result.returncode == 0, result.stderr
    answer, _, sources = result.stdout.partition("\nSources\n")
    assert "Matthew Whitaker" in answer and "[1]" in answer
    assert sources.startswith("[1] Il s'agit de la première fois")
    assert "« " in sources  # the quoted passage


def test_ask_json_has_the_documented_shape(indexed: NewsIndex) -> None:
    result = run_cli("ask", SEED_QUESTION, "--json", env=_env(indexed))
    data = json.loads(result.stdout)
    assert data["language"] == "fr" and data["refused"] is False
    first = data["citations"][0]
    assert set(first) >= {
        "n", "chunk_id", "article_id", "title", "source", "published_at", "url", "quote",
        "start", "end",
    }  # fmt: skip
    assert [c["n"] for c in data["citations"]] == list(range(1, len(data["citations"]) + 1))
    assert first["end"] - first["start"] == len(first["quote"])


def test_ask_as_of_and_user_mistakes(indexed: NewsIndex, tmp_path: Path) -> None:
    bad = run_cli("ask", "Qui ?", "--as-of", "hier", env=_env(indexed))
    assert bad.returncode == 2 and bad.stderr.startswith("error: --as-of wants a date")
    empty = run_cli("ask", SEED_QUESTION, env={"NEWSQA_DATA_DIR": str(tmp_path)})
    assert empty.returncode == 2 and "run `newsqa ingest" in empty.stderr


def test_chat_keeps_the_conversation_until_reset(indexed: NewsIndex) -> None:
    typed = "\n".join(
        [SEED_QUESTION, "Et combien ont-ils fourni ?", "/sources", "/reset", "/sources", "/quit"]
    )
    result = run_cli("chat", env=_env(indexed), input=typed + "\n")
    assert result.returncode == 0, result.stderr
    turns = result.stdout.split("> ")
    assert "Matthew Whitaker" in turns[1]
    assert "126 milliards" in turns[2]  # the follow-up understood from the first question
    assert "[1] " in turns[3] and "126 milliards" in turns[3]  # /sources: the full quotes
    assert "Conversation forgotten." in turns[4] and "(no sources yet)" in turns[5]
