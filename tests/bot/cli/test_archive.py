"""Knowing and managing the archive: `newsqa stats` and `newsqa forget`; help screens free of
type noise; `--verbose` that logs newsqa's steps, not the libraries'."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.bot.cli.conftest import Newsqa
from tests.conftest import sample_records, write_jsonl


@pytest.mark.model
def test_stats_then_forget_by_id_url_and_source(newsqa: Newsqa, tmp_path: Path) -> None:
    env = {"NEWSQA_DATA_DIR": str(tmp_path / "data")}
    wiki = sample_records(4)
    wire = [
        {"title": "Grève des dockers", "text": "Les dockers du Havre sont en grève depuis lundi.",
         "url": "https://wire.example/docks?utm_source=rss", "source": "Wire",
         "published_at": "2019-03-02", "lang": "fr"},
        {"title": "Port closed", "text": "The port of Le Havre stayed closed on Tuesday.",
         "url": "https://wire.example/port", "source": "Wire", "published_at": "2019-03-03",
         "lang": "en"},
    ]  # fmt: skip
    assert (
        newsqa("ingest", str(write_jsonl(tmp_path / "wiki.jsonl", wiki)), env=env).returncode == 0
    )
    assert (
        newsqa("ingest", str(write_jsonl(tmp_path / "wire.jsonl", wire)), env=env).returncode == 0
    )

    shown = newsqa("stats", env=env)
    assert shown.returncode == 0, shown.stderr
    assert "articles         6" in shown.stdout and "fr 5, en 1" in shown.stdout
    assert re.search(r"^Wire\s+2\s+2\s+2019-03-02 to 2019-03-03$", shown.stdout, re.M)
    data = json.loads(newsqa("stats", "--json", env=env).stdout)
    assert data["articles"] == 6 and data["embed_precision"] == "int8"
    assert data["last_ingest"] and data["disk_bytes"] > 0
    assert {s["name"]: s["articles"] for s in data["sources"]} == {"Wikinews (fr)": 4, "Wire": 2}
    assert data["first_date"] == str(wiki[0]["published_at"]) and data["last_date"] == "2019-03-03"

    by_id = newsqa("forget", str(wiki[0]["id"]), env=env)
    assert by_id.returncode == 0 and by_id.stdout.startswith("forgot 1 article (")
    assert str(wiki[0]["title"]) in by_id.stdout
    by_url = newsqa("forget", "HTTPS://WIRE.example/docks/", env=env)  # canonical form matches
    assert by_url.returncode == 0 and "Grève des dockers" in by_url.stdout
    unknown = newsqa("forget", "--source", "wire", env=env)
    assert unknown.returncode == 2 and unknown.stderr.startswith("error: unknown source 'wire': ")
    assert "'Wire'" in unknown.stderr
    by_source = newsqa("forget", "--source", "Wire", env=env)
    assert by_source.returncode == 0 and "Port closed" in by_source.stdout
    after = json.loads(newsqa("stats", "--json", env=env).stdout)
    assert after["articles"] == 3 and [s["name"] for s in after["sources"]] == ["Wikinews (fr)"]
    found = newsqa("search", str(wiki[0]["title"]), "-k", "3", "--json", env=env)
    assert str(wiki[0]["id"]) not in {p["article_id"] for p in json.loads(found.stdout)}

    nothing = newsqa("forget", "no-such-article", env=env)
    assert nothing.returncode == 2 and len(nothing.stderr.strip().splitlines()) == 1
    assert "no stored article matches" in nothing.stderr
    bare = newsqa("forget", env=env)
    assert bare.returncode == 2 and "article ids or URLs, or --source NAME" in bare.stderr


def test_help_screens_show_metavars_not_types(newsqa: Newsqa) -> None:
    for command in ("ingest", "search", "ask", "eval", "watch", "forget", "stats", "bot"):
        shown = newsqa(command, "--help").stdout
        for noise in ("<bool>", "<str>", "<list[str]>", "<int", "x>=1", "<path>", "{"):
            assert noise not in shown, (command, noise)
    # Usage lines name what is wanted plainly: "{QUESTION}" read like a list of choices.
    assert "ask [OPTIONS] QUESTION " in newsqa("ask", "--help").stdout
    assert "watch [OPTIONS] [SOURCE]... " in newsqa("watch", "--help").stdout
    assert " N " in newsqa("search", "--help").stdout  # -k N
    assert "NEWSQA_TELEGRAM_TOKEN" in newsqa("bot", "--help").stdout
    assert "NEWSQA_TELEGRAM_ALLOWED_USERS" in newsqa("bot", "--help").stdout


def test_a_mistyped_command_line_is_one_error_line(newsqa: Newsqa) -> None:
    # Typer's boxed usage screens were the one kind of mistake not said in one `error:` line.
    for args, said in [
        (("search", "x", "-k", "0"), "error: Invalid value for '-k' / '--top-k': "),
        (("ask",), "error: Missing argument 'QUESTION' (see `newsqa ask --help`)"),
        (("ask", "x", "--bogus"), "error: No such option: --bogus (see `newsqa ask --help`)"),
        (("frobnicate",), "error: No such command 'frobnicate' (see `newsqa --help`)"),
    ]:
        result = newsqa(*args)
        assert result.returncode == 2, args
        assert result.stderr.startswith(said) and len(result.stderr.splitlines()) == 1, args
    assert newsqa().returncode == 2 and "Usage: newsqa" in newsqa().stdout + newsqa().stderr
    assert newsqa("--version").returncode == 0
