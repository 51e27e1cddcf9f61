"""`newsqa search` as a user runs it, over the shared small index."""

from __future__ import annotations

import json

from index.engine import NewsIndex
from tests.conftest import run_cli

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
