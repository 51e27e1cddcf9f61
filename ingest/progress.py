"""Progress: a bar with counts and ETA on a terminal, plain log lines otherwise."""

from __future__ import annotations

import logging
import sys
import time

log = logging.getLogger("newsqa.progress")  # ingest and eval both report through it


class Progress:
    """Counts units of work; subclasses decide how to show it."""

    def start(self, total: int, label: str, unit: str = "chunks") -> None:
        self.total, self.label, self.unit, self.done = total, label, unit, 0

    def advance(self, n: int) -> None:
        self.done += n

    def finish(self) -> None:
        pass

    @staticmethod
    def for_terminal() -> Progress:
        return BarProgress() if sys.stderr.isatty() else LogProgress()


class BarProgress(Progress):
    def start(self, total: int, label: str, unit: str = "chunks") -> None:
        from tqdm import tqdm

        super().start(total, label, unit)
        self._bar = tqdm(total=total, desc=label, unit=unit.rstrip("s"), dynamic_ncols=True)

    def advance(self, n: int) -> None:
        super().advance(n)
        self._bar.update(n)

    def finish(self) -> None:
        self._bar.close()


class LogProgress(Progress):
    """One line at most every few seconds, with rate and ETA."""

    EVERY_S = 5.0

    def start(self, total: int, label: str, unit: str = "chunks") -> None:
        super().start(total, label, unit)
        self._t0 = time.perf_counter()
        self._last = self._t0 - self.EVERY_S  # the first batch is reported at once

    def advance(self, n: int) -> None:
        super().advance(n)
        now = time.perf_counter()
        if now - self._last >= self.EVERY_S or self.done >= self.total:
            self._last = now
            rate = self.done / max(now - self._t0, 1e-9)
            eta = (self.total - self.done) / rate if rate else 0.0
            log.info(
                "%s %d/%d %s (%.1f/s, ETA %.0f s)",
                self.label,
                self.done,
                self.total,
                self.unit,
                rate,
                eta,
            )
