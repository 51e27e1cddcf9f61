"""A live archive: poll feeds, pages and folders, and ingest only what is new or changed.

Each round asks every source whether it changed since the last one: URLs with the ETag and
Last-Modified their server sent (a 304 costs no parsing and no embedding), folders by each
file's size and modification time. What a source yields goes through the usual ingest, which
skips articles whose text it already holds. A failing source backs off (its wait doubles up to
`MAX_BACKOFF_S`) and never stops the others. State lives in `<data dir>/watch/state.json`, so a
restarted watcher does not fetch everything again.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from index.engine import NewsIndex
from index.records import Article, Freshness
from index.settings import Settings
from index.text import counted
from ingest.fetch import FetchError, Validators, fetch
from ingest.pipeline import Ingestor, IngestReport
from ingest.readers import (
    TEASER_FAILED,
    WEB_SCHEMES,
    Failure,
    Item,
    Source,
    list_folder,
    read_file,
    read_page,
    unsupported_scheme,
    url_scheme,
)

log = logging.getLogger(__name__)
MAX_BACKOFF_S = 6 * 3600.0
TEASER_TRIES = 5  # rounds in a row a teaser's page may fail before it is no longer fetched
TEASER_GIVE_UP_S = 24 * 3600.0  # ... and for at least this long
MAX_PAGES = 2000  # teaser pages remembered per feed, the latest kept


@dataclass
class SourceState:
    """What the watcher remembers of one source between rounds."""

    etag: str = ""
    last_modified: str = ""
    files: dict[str, list[int]] = field(default_factory=dict)  # path -> [mtime_ns, size]
    articles: dict[str, list[str]] = field(default_factory=dict)  # path -> the ids it gave
    last_ok: str = ""  # ISO time of the last round this source was read without error
    failures: int = 0  # in a row
    retry_at: float = 0.0  # epoch seconds; before it, the source is left alone
    error: str = ""
    # A feed's teasers: pages read and stored (not fetched again), pages failing (rounds in a row).
    pages: list[str] = field(default_factory=list)
    page_failures: dict[str, list[float]] = field(default_factory=dict)  # [tries, first at]


@dataclass
class WatchState:
    sources: dict[str, SourceState] = field(default_factory=dict)
    last_round: str = ""  # ISO time of the last round that ended with no failed source

    @staticmethod
    def path(settings: Settings) -> Path:
        return settings.data_dir / "watch" / "state.json"

    @classmethod
    def load(cls, settings: Settings) -> WatchState:
        try:
            raw = json.loads(cls.path(settings).read_text(encoding="utf-8"))
            sources = {k: SourceState(**v) for k, v in raw.get("sources", {}).items()}
            return cls(sources, str(raw.get("last_round") or ""))
        except FileNotFoundError:
            return cls()
        except (OSError, ValueError, TypeError, AttributeError) as exc:  # torn or foreign
            log.warning("watch state unreadable (%s): every source is read again", exc)
            return cls()

    def save(self, settings: Settings, mine: Sequence[str] | None = None) -> None:
        """Written aside, then renamed: a crash leaves the old state, never half of one.

        With `mine`, only those sources are taken from here and the others from the file, under
        a lock: the bot's poller and a `newsqa watch` may share a data folder."""
        path = self.path(settings)
        path.parent.mkdir(parents=True, exist_ok=True)
        with (path.parent / "state.lock").open("a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if mine is not None:
                on_disk = WatchState.load(settings)
                on_disk.sources.update({k: self.sources[k] for k in mine if k in self.sources})
                on_disk.last_round = self.last_round or on_disk.last_round
                on_disk._write(path)
            else:
                self._write(path)

    def _write(self, path: Path) -> None:
        data: dict[str, Any] = {
            "sources": {k: asdict(v) for k, v in self.sources.items()},
            "last_round": self.last_round,
        }
        handle, aside = tempfile.mkstemp(dir=path.parent, prefix=".state-")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                # Escaped: a file name that is not UTF-8 (a lone surrogate) round-trips.
                json.dump(data, out, ensure_ascii=True, indent=1)
            os.replace(aside, path)
        except BaseException:
            Path(aside).unlink(missing_ok=True)  # no half-written state left beside it
            raise


@dataclass
class RoundReport:
    """What one round did."""

    new: int = 0
    changed: int = 0
    unchanged_sources: int = 0  # said "not modified", or no file changed
    waiting: int = 0  # backing off after errors
    sources_failed: int = 0  # could not be read at all this round
    failed: list[Failure] = field(default_factory=list)  # sources, files and articles
    seconds: float = 0.0

    def line(self) -> str:
        parts = [
            f"{self.new} new",
            f"{self.changed} changed",
            f"{len(self.failed)} failed",
            f"{counted(self.unchanged_sources, 'source')} unchanged",
        ]
        if self.waiting:
            parts.append(f"{self.waiting} waiting after errors")
        text = "watch round: " + ", ".join(parts) + f" ({self.seconds:.1f} s)"
        return text + "".join(f"\n  failed: {f.origin}: {f.reason}" for f in self.failed)


class Watcher:
    """Polls a fixed list of sources into the index, one round at a time."""

    def __init__(
        self,
        settings: Settings,
        index: NewsIndex,
        sources: Sequence[str],
        source_name: str = "",
        clock: Callable[[], float] = time.time,
        retry_waiting: bool = False,
    ) -> None:
        self.settings = settings
        self.index = index
        self.sources = list(dict.fromkeys(sources))
        self.source_name = source_name
        self.clock = clock
        self.state = WatchState.load(settings)
        self._ingestor = Ingestor(settings, index)
        # False: a source that failed waits out its back-off; True: every round tries them all
        # (`newsqa watch --once`, run by hand or by cron after the trouble was mended).
        self.retry_waiting = retry_waiting

    def round(self) -> RoundReport:
        """Ask every source once; ingest what changed; save the state."""
        started = time.perf_counter()
        report = RoundReport()
        for source in self.sources:
            state = self.state.sources.setdefault(source, SourceState())
            if state.retry_at > self.clock() and not self.retry_waiting:
                report.waiting += 1
                continue
            try:
                self._poll(source, state, report)
            except Exception as exc:  # one source's trouble never stops the round
                log.debug("watching %s failed", source, exc_info=True)
                self._failed(source, state, str(exc) or type(exc).__name__, report)
            else:
                state.failures, state.retry_at, state.error = 0, 0.0, ""
                state.last_ok = _now_iso()
        if report.new or report.changed:
            self.index.sync_lexical()  # the next question sees the new articles
        if not report.sources_failed:  # a bad file inside a source is that file's trouble
            self.state.last_round = _now_iso()
        self.state.save(self.settings, self.sources)
        report.seconds = time.perf_counter() - started
        return report

    def run(
        self,
        every_s: float,
        stop: threading.Event,
        rounds: int | None = None,
        on_round: Callable[[RoundReport], None] | None = None,
    ) -> RoundReport | None:
        """Rounds every `every_s` seconds until `stop` is set (or `rounds` are done); the last
        round's report (None if it failed as a whole)."""
        done, last = 0, None
        while not stop.is_set():
            try:
                last = self.round()
            except Exception:  # the index itself failed (disk full, server down): retry later
                log.exception("watch round failed: trying again in %g s", every_s)
                last = None
            else:
                (on_round or (lambda r: log.info("%s", r.line())))(last)
            done += 1
            if rounds is not None and done >= rounds:
                break
            stop.wait(every_s)
        return last

    def _poll(self, source: str, state: SourceState, report: RoundReport) -> None:
        scheme = url_scheme(source)
        if scheme in WEB_SCHEMES:
            self._poll_url(source, state, report)
        elif scheme is not None:
            raise _SourceFailed(unsupported_scheme(scheme))
        else:
            self._poll_path(Path(source), state, report)

    def _poll_url(self, url: str, state: SourceState, report: RoundReport) -> None:
        known = Validators(state.etag, state.last_modified)
        try:
            page = fetch(url, self.settings, known if (known.etag or known.last_modified) else None)
        except FetchError as exc:
            raise _SourceFailed(str(exc)) from None
        if page.not_modified:
            report.unchanged_sources += 1
            return
        now = self.clock()
        given_up = {u: f for u, f in state.page_failures.items() if _given_up(f, now)}
        items = read_page(page, url, self.settings, self.source_name, {*state.pages, *given_up})
        reasons = [item.reason for item in items if isinstance(item, Failure)]
        # A teaser's page that fails is that entry's trouble, not the feed's (whose other
        # entries may all be stored already, and so not read again).
        if items and len(reasons) == len(items) and not any(_teaser(r) for r in reasons):
            raise _SourceFailed("; ".join(reasons))
        items, retry = _count_teaser_failures(items, state, now, given_up)
        done = self._ingest([Source(url, items)], report)
        if not (done.added or done.updated or reasons or done.failures):
            report.unchanged_sources += 1
        _note_pages_read(items, done, state)
        # Remembered only once everything is in: after an interrupted round, or an entry that
        # failed (a teaser whose page did not load, until it is given up), the next round reads
        # the feed again.
        if not retry and not done.failures:
            state.etag, state.last_modified = page.validators.etag, page.validators.last_modified

    def _poll_path(self, path: Path, state: SourceState, report: RoundReport) -> None:
        unlistable: list[Failure] = []
        if path.is_dir():
            files, unlistable = list_folder(path)
            report.failed += unlistable
        elif path.exists():
            files = [path]
        else:
            raise _SourceFailed("no such file or folder")
        seen: dict[str, list[int]] = {}
        changed: list[Path] = []
        for file in files:
            try:
                info = file.stat()
            except OSError:
                changed.append(file)  # read_file says why
                continue
            seen[str(file)] = [info.st_mtime_ns, info.st_size]
            if state.files.get(str(file)) != seen[str(file)]:
                changed.append(file)
        units = [Source(str(f), read_file(f, self.settings, self.source_name)) for f in changed]
        done = self._ingest(units, report) if units else IngestReport()
        # A file that could not be read waits until it changes; one whose write failed (the
        # store's trouble, not the file's) is tried again next round.
        write_failed = set(done.unwritten.values())
        self._replace_old_versions(units, write_failed, state, report)
        if not (done.added or done.updated or done.failures or unlistable):
            report.unchanged_sources += 1
        state.files = {f: v for f, v in seen.items() if f not in write_failed}

    def _replace_old_versions(
        self, units: list[Source], write_failed: set[str], state: SourceState, report: RoundReport
    ) -> None:
        """A text file's article id comes from its text, so an edited file reads as a new
        article: the ones its earlier version gave are removed (unless another file still
        gives them), and the edit counts as a change, not as something new."""
        replaced: list[str] = []
        for unit in units:
            if unit.origin in write_failed or any(isinstance(i, Failure) for i in unit.items):
                continue
            now = [item.id for item in unit.items if isinstance(item, Article)]
            before = state.articles.get(unit.origin, [])
            claimed = {a for p, ids in state.articles.items() if p != unit.origin for a in ids}
            replaced += [a for a in before if a not in now and a not in claimed]
            state.articles[unit.origin] = now
        if replaced:
            gone = len(self.index.forget(ids=replaced))
            report.new, report.changed = max(0, report.new - gone), report.changed + gone

    def _ingest(self, units: list[Source], report: RoundReport) -> IngestReport:
        done = self._ingestor.ingest(units)
        report.new += done.added
        report.changed += done.updated
        report.failed += done.failures
        return done

    def _failed(self, source: str, state: SourceState, reason: str, report: RoundReport) -> None:
        report.sources_failed += 1
        state.failures += 1
        state.error = reason
        wait = min(self.settings.watch_interval * 2 ** (state.failures - 1), MAX_BACKOFF_S)
        state.retry_at = self.clock() + wait
        # With retry_waiting (--once), the next run tries again whatever the back-off says.
        after = "" if self.retry_waiting else f" (next try in {wait:.0f} s)"
        report.failed.append(Failure(source, reason + after))


def _teaser(reason: str) -> bool:
    return reason.startswith(TEASER_FAILED)


def _given_up(failed: list[float], now: float) -> bool:
    """[rounds in a row, when the first failed]: given up after TEASER_TRIES rounds and a day,
    so that a site down for an afternoon loses none of its pages."""
    tries, since = failed
    return tries >= TEASER_TRIES and since <= now - TEASER_GIVE_UP_S


def _count_teaser_failures(
    items: list[Item], state: SourceState, now: float, given_up: dict[str, list[float]]
) -> tuple[list[Item], bool]:
    """Count each teaser page that failed again; one that has failed TEASER_TRIES rounds in a
    row over a day is given up (said once, then left out of the feed's reading, and kept in
    `given_up` beside the pages still failing). Returns the items, the give-up said in its
    failure, and whether something should bring the feed back next round."""
    failing: dict[str, list[float]] = {}
    counted_items: list[Item] = []
    retry = False
    for item in items:
        if isinstance(item, Failure) and _teaser(item.reason):
            tries, since = state.page_failures.get(item.origin, [0, now])
            failing[item.origin] = [tries + 1, since]
            if _given_up(failing[item.origin], now):
                reason = f"{item.reason} ({tries + 1:.0f} rounds in a row: given up)"
                item = Failure(item.origin, reason)
            else:
                retry = True
        elif isinstance(item, Failure):
            retry = True
        counted_items.append(item)
    state.page_failures = dict(list({**given_up, **failing}.items())[-MAX_PAGES:])
    return counted_items, retry


def _note_pages_read(items: list[Item], done: IngestReport, state: SourceState) -> None:
    """Remember the feed's articles now stored, so that a teaser's page is fetched only once."""
    failing = {i.origin for i in items if isinstance(i, Failure)}
    stored = [
        i.url
        for i in items
        if isinstance(i, Article) and i.url and i.id not in done.unwritten and i.url not in failing
    ]
    state.pages = list(dict.fromkeys([*state.pages, *stored]))[-MAX_PAGES:]


class _SourceFailed(RuntimeError):
    """The source as a whole could not be read this round."""


def freshness(settings: Settings, sources: Sequence[str]) -> Freshness:
    """How current the watched archive is, from the saved state."""
    state = WatchState.load(settings)
    try:
        last = datetime.fromisoformat(state.last_round) if state.last_round else None
    except ValueError:
        last = None
    return Freshness(len(set(sources)), last)


def _now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
