"""A live archive: poll feeds, pages and folders, and ingest only what is new or changed.

Each round asks every source whether it changed since the last one: URLs with the ETag and
Last-Modified their server sent (a 304 costs no parsing and no embedding), folders by each
file's size and modification time. What a source yields goes through the usual ingest, which
skips articles whose text it already holds. A failing source backs off (its wait doubles up to
`MAX_BACKOFF_S`) and never stops the others. State lives in `<data dir>/watch/state.json`, so a
restarted watcher does not fetch everything again.
"""

from __future__ import annotations

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

from index.engine import NewsIndex
from index.records import Article
from index.settings import Settings
from index.storage import write_lock
from ingest.fetch import FetchError, Validators, fetch
from ingest.pipeline import Ingestor, IngestReport
from ingest.readers import Failure, Source, list_folder, read_file, read_page

log = logging.getLogger(__name__)
MAX_BACKOFF_S = 6 * 3600.0


@dataclass
class SourceState:
    """What the watcher remembers of one source between rounds."""

    etag: str = ""
    last_modified: str = ""
    files: dict[str, list[int]] = field(default_factory=dict)  # path -> [mtime_ns, size]
    last_ok: str = ""  # ISO time of the last round this source was read without error
    failures: int = 0  # in a row
    retry_at: float = 0.0  # epoch seconds; before it, the source is left alone
    error: str = ""


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
        except (OSError, ValueError, TypeError) as exc:  # a torn or foreign file: start over
            log.warning("watch state unreadable (%s): every source is read again", exc)
            return cls()

    def save(self, settings: Settings) -> None:
        """Written aside, then renamed: a crash leaves the old state, never half of one."""
        path = self.path(settings)
        path.parent.mkdir(parents=True, exist_ok=True)
        data = {"sources": {k: asdict(v) for k, v in self.sources.items()}}
        data["last_round"] = self.last_round  # type: ignore[assignment]
        handle, aside = tempfile.mkstemp(dir=path.parent, prefix=".state-")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(data, out, ensure_ascii=False, indent=1)
        os.replace(aside, path)


@dataclass
class RoundReport:
    """What one round did."""

    new: int = 0
    changed: int = 0
    unchanged_sources: int = 0  # said "not modified", or no file changed
    waiting: int = 0  # backing off after errors
    failed: list[Failure] = field(default_factory=list)
    seconds: float = 0.0

    def line(self) -> str:
        parts = [
            f"{self.new} new",
            f"{self.changed} changed",
            f"{len(self.failed)} failed",
            f"{self.unchanged_sources} sources unchanged",
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
    ) -> None:
        self.settings = settings
        self.index = index
        self.sources = list(dict.fromkeys(sources))
        self.source_name = source_name
        self.clock = clock
        self.state = WatchState.load(settings)
        self._ingestor = Ingestor(settings, index)

    def round(self) -> RoundReport:
        """Ask every source once; ingest what changed; save the state."""
        started = time.perf_counter()
        report = RoundReport()
        for source in self.sources:
            state = self.state.sources.setdefault(source, SourceState())
            if state.retry_at > self.clock():
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
        if not report.failed:
            self.state.last_round = _now_iso()
        self.state.save(self.settings)
        report.seconds = time.perf_counter() - started
        return report

    def run(
        self,
        every_s: float,
        stop: threading.Event,
        rounds: int | None = None,
        on_round: Callable[[RoundReport], None] | None = None,
    ) -> None:
        """Rounds every `every_s` seconds until `stop` is set (or `rounds` are done)."""
        done = 0
        while not stop.is_set():
            try:
                report = self.round()
            except Exception:  # the index itself failed (disk full, server down): retry later
                log.exception("watch round failed: trying again in %g s", every_s)
            else:
                (on_round or (lambda r: log.info("%s", r.line())))(report)
            done += 1
            if rounds is not None and done >= rounds:
                return
            stop.wait(every_s)

    def _poll(self, source: str, state: SourceState, report: RoundReport) -> None:
        if source.startswith(("http://", "https://")):
            self._poll_url(source, state, report)
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
        items = read_page(page, url, self.settings, self.source_name)
        reasons = [item.reason for item in items if isinstance(item, Failure)]
        if items and len(reasons) == len(items):
            raise _SourceFailed("; ".join(reasons))
        done = self._ingest([Source(url, items)], report)
        if not (done.added or done.updated):
            report.unchanged_sources += 1
        # Remembered only once ingested: an interrupted round fetches the page again.
        state.etag, state.last_modified = page.validators.etag, page.validators.last_modified

    def _poll_path(self, path: Path, state: SourceState, report: RoundReport) -> None:
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
        rewritten = {str(f) for f in changed if str(f) in state.files}
        if rewritten and not done.failures:
            self._drop_old_versions(units, rewritten, report)
        if not (done.added or done.updated):
            report.unchanged_sources += 1
        # A file that failed is tried again next round.
        failed = {f.origin for f in done.failures}
        state.files = {f: v for f, v in seen.items() if f not in failed}

    def _drop_old_versions(
        self, units: list[Source], rewritten: set[str], report: RoundReport
    ) -> None:
        """A text file's article id comes from its text, so an edited file reads as a new
        article: the one its earlier version gave is removed, and the edit counts as a change."""
        current = {
            item.id
            for unit in units
            if unit.origin in rewritten
            for item in unit.items
            if isinstance(item, Article)
        }
        with write_lock(self.settings):
            for known in self.index.store.stored_articles().values():
                if known.origin in rewritten and known.id not in current:
                    self.index.store.delete_article(known.id)
                    report.new, report.changed = max(0, report.new - 1), report.changed + 1

    def _ingest(self, units: list[Source], report: RoundReport) -> IngestReport:
        done = self._ingestor.ingest(units)
        report.new += done.added
        report.changed += done.updated
        report.failed += done.failures
        return done

    def _failed(self, source: str, state: SourceState, reason: str, report: RoundReport) -> None:
        state.failures += 1
        state.error = reason
        wait = min(self.settings.watch_interval * 2 ** (state.failures - 1), MAX_BACKOFF_S)
        state.retry_at = self.clock() + wait
        report.failed.append(Failure(source, f"{reason} (next try in {wait:.0f} s)"))


class _SourceFailed(RuntimeError):
    """The source as a whole could not be read this round."""


@dataclass(frozen=True)
class Freshness:
    """How current a watched archive is: sources followed, last round with no failure."""

    sources: int
    last_round: datetime | None

    @classmethod
    def of(cls, settings: Settings, sources: Sequence[str]) -> Freshness:
        state = WatchState.load(settings)
        last = datetime.fromisoformat(state.last_round) if state.last_round else None
        return cls(len(set(sources)), last)


def _now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
