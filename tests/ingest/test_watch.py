"""`newsqa watch` keeps the archive current: conditional requests against a real loopback feed
server, folders by file changes, one broken source beside good ones, state across restarts.

Over the fake encoder and a real embedded Chroma: what is fetched, embedded and skipped does
not depend on the model. The bot answering from a watched article is in tests/bot/telegram.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from index.engine import NewsIndex
from index.errors import UserError
from index.settings import load_settings
from ingest.watch import Watcher, WatchState
from tests.conftest import make_settings, sample_records
from tests.fakes.encoder import BagOfWordsEncoder, fake_embedder
from tests.fakes.live_feed import LiveFeed, live_feed


@pytest.fixture()
def feed() -> Iterator[LiveFeed]:
    with live_feed() as served:
        yield served


def story(n: int) -> tuple[str, str, str]:
    """A sample article as a full-text feed item (long enough not to be fetched again)."""
    record = sample_records(1, start=n)[0]
    return str(record["title"]), str(record["published_at"]), str(record["text"])


def embedded(index: NewsIndex) -> int:
    encoder = index.embedder.encoder
    assert isinstance(encoder, BagOfWordsEncoder)
    return len(encoder.encoded)


def test_an_unchanged_feed_is_answered_304_and_nothing_is_embedded(
    fake_index: NewsIndex, feed: LiveFeed
) -> None:
    feed.add(*story(0))
    feed.add(*story(1))
    watcher = Watcher(fake_index.settings, fake_index, [feed.url])
    first = watcher.round()
    assert (first.new, first.changed, first.failed) == (2, 0, [])
    texts = embedded(fake_index)

    second = watcher.round()
    assert feed.answers == [200, 304]
    assert (second.new, second.changed, second.unchanged_sources) == (0, 0, 1)
    assert embedded(fake_index) == texts
    assert "0 new, 0 changed, 0 failed, 1 source unchanged" in second.line()


def test_a_teaser_whose_page_fails_is_not_stored_and_is_tried_again(
    fake_index: NewsIndex, feed: LiveFeed
) -> None:
    feed.add(*story(0))
    title, day, text = story(1)
    feed.add(title, day, text)
    feed.teasers.add(1)  # the feed shows "Lire la suite…": the linked page is read
    feed.missing_pages.add(1)
    watcher = Watcher(fake_index.settings, fake_index, [feed.url])
    first = watcher.round()
    assert first.new == 1 and [f.origin for f in first.failed] == [f"{feed.url}/1"]
    assert "did not load" in first.failed[0].reason and "HTTP 404" in first.failed[0].reason
    assert "0 sources unchanged" in first.line()
    assert not [p for p in fake_index.search("Lire la suite", 5) if "Lire la suite" in p.text]

    feed.missing_pages.clear()
    second = watcher.round()
    assert feed.answers == [200, 200]  # the feed read in full again, not answered 304
    assert (second.new, second.failed) == (1, [])
    found = fake_index.search(title, 3)
    assert found[0].title == title and "Lire la suite" not in found[0].text


def test_a_teasers_page_is_fetched_once_and_a_failing_one_given_up_after_a_day(
    fake_index: NewsIndex, feed: LiveFeed
) -> None:
    for n in range(3):
        feed.add(*story(n))
    feed.teasers.update({0, 1, 2})  # only teasers: the feed's other entries are all stored
    feed.missing_pages.add(2)
    now = [1_000_000.0]
    watcher = Watcher(fake_index.settings, fake_index, [feed.url], clock=lambda: now[0])
    rounds = [watcher.round()]
    assert rounds[0].new == 2 and sorted(feed.pages_asked) == [0, 1, 2]
    for _ in range(4):  # the feed is read again for the failing page, not for the good ones
        now[0] += 6 * 3600
        rounds.append(watcher.round())
    assert feed.answers == [200] * 5
    assert sorted(feed.pages_asked) == [0, 1, *[2] * 5]
    assert all(r.sources_failed == 0 for r in rounds)  # the feed itself reads fine
    reasons = [r.failed[0].reason for r in rounds]
    assert all("did not load" in reason for reason in reasons)
    # Five rounds in a row over a day: given up, said once.
    assert "given up" not in reasons[3] and "(5 rounds in a row: given up)" in reasons[4]

    feed.add(*story(3))  # the feed changes: read again, its new teaser's page only
    feed.teasers.add(3)
    later = watcher.round()
    assert (later.new, later.failed) == (1, [])
    assert sorted(feed.pages_asked) == sorted([0, 1, 3, *[2] * 5])
    assert watcher.round().unchanged_sources == 1 and feed.answers[-1] == 304
    failures = WatchState.load(fake_index.settings).sources[feed.url].page_failures
    assert list(failures) == [f"{feed.url}/2"] and failures[f"{feed.url}/2"][0] == 5


def test_a_teaser_page_failing_for_an_afternoon_is_not_given_up(
    fake_index: NewsIndex, feed: LiveFeed
) -> None:
    feed.add(*story(0))
    feed.teasers.add(0)
    feed.missing_pages.add(0)  # the site's pages are down, its feed is not
    now = [1_000_000.0]
    watcher = Watcher(fake_index.settings, fake_index, [feed.url], clock=lambda: now[0])
    for _ in range(6):
        assert "given up" not in watcher.round().failed[0].reason
        now[0] += 3600
    feed.missing_pages.clear()
    back = watcher.round()
    assert (back.new, back.failed) == (1, [])


def test_items_added_later_are_ingested_alone_and_found(
    fake_index: NewsIndex, feed: LiveFeed
) -> None:
    feed.add(*story(0))
    watcher = Watcher(fake_index.settings, fake_index, [feed.url])
    watcher.round()
    before, chunks = embedded(fake_index), fake_index.store.count()
    title, day, text = story(5)
    feed.add(title, day, text)

    later = watcher.round()
    assert (later.new, later.changed) == (1, 0)
    new_chunks = fake_index.store.count() - chunks
    assert new_chunks > 0 and embedded(fake_index) - before == new_chunks  # only the new item
    found = fake_index.search(title, 3)
    assert found and found[0].title == title


def test_a_broken_feed_fails_alone_and_backs_off(fake_index: NewsIndex, feed: LiveFeed) -> None:
    feed.add(*story(0))
    now = [1_000_000.0]
    watcher = Watcher(
        fake_index.settings, fake_index, [feed.broken_url, feed.url], clock=lambda: now[0]
    )
    first = watcher.round()
    assert first.new == 1
    assert [f.origin for f in first.failed] == [feed.broken_url]
    assert "HTTP 500" in first.failed[0].reason
    assert f"failed: {feed.broken_url}: HTTP 500" in first.line()

    waiting = watcher.round()  # within the back-off the broken feed is left alone
    assert (waiting.waiting, waiting.failed) == (1, [])
    now[0] += fake_index.settings.watch_interval + 1
    retried = watcher.round()
    assert len(retried.failed) == 1
    state = watcher.state.sources[feed.broken_url]
    assert state.failures == 2
    # The wait doubles after each failure in a row.
    assert state.retry_at - now[0] == pytest.approx(2 * fake_index.settings.watch_interval)


def test_a_restarted_watcher_asks_conditionally(fake_index: NewsIndex, feed: LiveFeed) -> None:
    feed.add(*story(0))
    Watcher(fake_index.settings, fake_index, [feed.url]).round()
    saved = WatchState.load(fake_index.settings)
    assert saved.sources[feed.url].etag and saved.last_round

    again = Watcher(fake_index.settings, fake_index, [feed.url]).round()
    assert feed.answers == [200, 304] and again.unchanged_sources == 1


def test_a_folder_yields_its_new_and_changed_files_only(
    fake_index: NewsIndex, tmp_path: Path
) -> None:
    folder = tmp_path / "inbox"
    folder.mkdir()
    first = folder / "a.txt"
    first.write_text("Séisme en Italie\n" + story(0)[2], encoding="utf-8")
    watcher = Watcher(fake_index.settings, fake_index, [str(folder)])
    assert watcher.round().new == 1
    texts = embedded(fake_index)

    unchanged = watcher.round()
    assert (unchanged.new, unchanged.changed, unchanged.unchanged_sources) == (0, 0, 1)
    assert embedded(fake_index) == texts

    (folder / "b.md").write_text(
        "---\ntitle: Élection\ndate: 2017-05-07\n---\n" + story(3)[2], encoding="utf-8"
    )
    first.write_text("Séisme en Italie\n" + story(0)[2] + "\n\nMise à jour : bilan.", "utf-8")
    later = watcher.round()
    assert (later.new, later.changed) == (1, 1)
    dated = fake_index.search("Élection", 1)
    assert dated and str(dated[0].published_at) == "2017-05-07"
    # The edited file's earlier version is gone: one article per file.
    origins = sorted(Path(a.origin).name for a in fake_index.store.stored_articles().values())
    assert origins == ["a.txt", "b.md"]


def test_an_edit_beside_a_bad_file_still_replaces_and_a_shared_text_stays(
    fake_index: NewsIndex, tmp_path: Path
) -> None:
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "scan.pdf").write_bytes(b"%PDF-1.4 not read")
    (folder / "empty.md").write_text("---\ntitle: Rien\n---\n", encoding="utf-8")
    text = "Inondations\n" + story(2)[2]
    (folder / "a.txt").write_text(text, encoding="utf-8")
    (folder / "copy.txt").write_text(text, encoding="utf-8")  # the same article twice
    (folder / "b.txt").write_text("Séisme\n" + story(4)[2], encoding="utf-8")
    watcher = Watcher(fake_index.settings, fake_index, [str(folder)])
    first = watcher.round()
    reasons = {Path(f.origin).name: f.reason for f in first.failed}
    assert set(reasons) == {"scan.pdf", "empty.md"}
    assert "no text after the front matter" in reasons["empty.md"]
    assert first.new == 2  # a.txt and b.txt; copy.txt is a duplicate of a.txt
    assert watcher.round().failed == []  # bad files wait until they change

    (folder / "b.txt").write_text("Séisme\n" + story(4)[2] + "\nBilan revu.", "utf-8")
    (folder / "a.txt").write_text("Inondations\n" + story(2)[2] + "\nDécrue.", "utf-8")
    later = watcher.round()
    # b.txt's edit replaces its article; a.txt's earlier text is still copy.txt's, so it stays
    # and a.txt's new text is one more article.
    assert (later.new, later.changed) == (1, 1)
    documents = fake_index.store.collection.get(include=["documents"])["documents"] or []
    stored = fake_index.store.stored_articles()
    assert len(stored) == 3
    by_file = {Path(a.origin).name for a in stored.values()}
    assert by_file == {"a.txt", "b.txt"}  # copy.txt's text was stored once, under a.txt
    assert sum(d.endswith("Décrue.") for d in documents) == 1
    assert sum(d.endswith("Bilan revu.") for d in documents) == 1


def test_a_missing_folder_is_a_failure_not_a_crash(fake_index: NewsIndex, tmp_path: Path) -> None:
    report = Watcher(fake_index.settings, fake_index, [str(tmp_path / "nowhere")]).round()
    assert report.failed and "no such file or folder" in report.failed[0].reason
    other = Watcher(fake_index.settings, fake_index, ["ftp://127.0.0.1/news"]).round()
    assert other.failed and "unsupported URL scheme 'ftp'" in other.failed[0].reason


def test_a_file_name_that_is_not_utf8_is_watched_like_any(
    fake_index: NewsIndex, tmp_path: Path
) -> None:
    import os

    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / os.fsdecode(b"caf\xe9.txt")).write_text("Au café\nLe patron a servi le café.\n")
    watcher = Watcher(fake_index.settings, fake_index, [str(folder)])
    first = watcher.round()
    assert (first.new, first.failed) == (1, [])
    again = Watcher(fake_index.settings, fake_index, [str(folder)]).round()  # state read back
    assert (again.new, again.failed, again.unchanged_sources) == (0, [], 1)
    assert not list((fake_index.settings.data_dir / "watch").glob(".state-*"))


def test_intervals_read_with_units(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSQA_WATCH_INTERVAL", "15m")
    monkeypatch.setenv("NEWSQA_WATCH_SOURCES", "https://example.org/rss, ./inbox")
    settings = load_settings()
    assert settings.watch_interval == 900
    assert settings.watch_sources == ["https://example.org/rss", "./inbox"]
    monkeypatch.setenv("NEWSQA_WATCH_INTERVAL", "soon")
    with pytest.raises(UserError, match="NEWSQA_WATCH_INTERVAL"):
        load_settings()


def test_a_server_front_end_sees_a_watch_round_without_restarting(
    tmp_path: Path, feed: LiveFeed, chroma_server: tuple[str, int]
) -> None:
    host, port = chroma_server
    server = {"chroma_host": host, "chroma_port": port, "collection": "watched"}
    # The watcher and a bot are two processes on one server, each with its own data folder.
    watching = NewsIndex.open(make_settings(tmp_path / "w", **server), embedder=fake_embedder())
    serving = NewsIndex.open(make_settings(tmp_path / "r", **server), embedder=fake_embedder())
    feed.add(*story(0))
    watcher = Watcher(watching.settings, watching, [feed.url])
    watcher.round()
    assert serving.search(story(0)[0], 1)[0].title == story(0)[0]
    title = story(9)[0]
    assert all(p.title != title for p in serving.search(title, 3))
    feed.add(*story(9))
    assert watcher.round().new == 1
    assert serving.search(title, 1)[0].title == title


def test_two_watchers_on_one_data_folder_keep_each_others_state(
    fake_index: NewsIndex, feed: LiveFeed, tmp_path: Path
) -> None:
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "a.txt").write_text("Séisme\n" + story(0)[2], encoding="utf-8")
    feed.add(*story(1))
    by_bot = Watcher(fake_index.settings, fake_index, [feed.url])
    by_cli = Watcher(fake_index.settings, fake_index, [str(folder)])
    by_bot.round()
    by_cli.round()  # saved after the bot's round, from a state loaded before it
    saved = WatchState.load(fake_index.settings)
    assert saved.sources[feed.url].etag and saved.sources[str(folder)].files
