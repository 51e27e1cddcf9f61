"""`newsqa watch`: one round prints one line per round, then `ask` answers from what it
fetched; a user's mistake gets one line."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.bot.cli.conftest import Newsqa
from tests.conftest import sample_records
from tests.fakes.live_feed import live_feed


def test_nothing_to_watch_or_a_bad_interval_is_one_line(newsqa: Newsqa, tmp_path: Path) -> None:
    env = {"NEWSQA_DATA_DIR": str(tmp_path / "data")}
    nothing = newsqa("watch", env=env)
    assert nothing.returncode == 2
    assert nothing.stderr.strip().splitlines() == [
        "error: nothing to watch: give feeds, URLs or folders, or set NEWSQA_WATCH_SOURCES"
    ]
    bad = newsqa("watch", "--every", "soon", str(tmp_path), env=env)
    assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1
    assert "--every" in bad.stderr and "15m" in bad.stderr


@pytest.mark.model
def test_one_round_then_ask_answers_from_the_feed(newsqa: Newsqa, tmp_path: Path) -> None:
    env = {"NEWSQA_DATA_DIR": str(tmp_path / "data"), "NEWSQA_ANSWER_BACKEND": "extractive"}
    story = sample_records(1, start=7)[0]
    with live_feed() as feed:
        feed.add(str(story["title"]), str(story["published_at"]), str(story["text"]))
        first = newsqa("watch", "--once", feed.url, env=env)
        again = newsqa("watch", "--once", feed.url, env=env)
    assert first.returncode == 0, first.stderr
    assert "watch round: 1 new, 0 changed, 0 failed" in first.stdout
    assert "watch round: 0 new, 0 changed, 0 failed, 1 source unchanged" in again.stdout
    assert feed.answers == [200, 304]
    asked = newsqa("search", str(story["title"]), "-k", "1", env=env)
    assert str(story["title"]) in asked.stdout


@pytest.mark.model
def test_once_tries_a_source_waiting_after_errors(newsqa: Newsqa, tmp_path: Path) -> None:
    """Run from cron or by hand after mending a source, `--once` reads it at once, not after
    its back-off."""
    env = {"NEWSQA_DATA_DIR": str(tmp_path / "data")}
    folder = tmp_path / "notes"
    missing = newsqa("watch", "--once", str(folder), env=env)
    assert missing.returncode == 1 and "no such file or folder" in missing.stdout
    assert missing.stdout.startswith("one round over 1 source\n")
    assert "next try" not in missing.stdout  # the next --once tries again, whatever the wait
    folder.mkdir()
    (folder / "note.txt").write_text("Le conseil municipal de Lyon a voté le budget 2017.\n")
    mended = newsqa("watch", "--once", str(folder), env=env)
    assert mended.returncode == 0, mended.stdout
    assert "watch round: 1 new, 0 changed, 0 failed" in mended.stdout
