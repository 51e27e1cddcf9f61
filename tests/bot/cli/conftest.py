"""Helpers of the command-line tests: running a command, reading what it printed."""

from __future__ import annotations

import io
import os
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from bot.cli import main
from tests.conftest import MODEL_CACHE

_ROW = re.compile(r"^(\S.*?)\s{2,}(\S+)$")


def summary(printed: str) -> dict[str, str]:
    """The rows of a printed two-column table: name -> value, however the columns are spaced."""
    return {m[1]: m[2] for line in printed.splitlines() if (m := _ROW.match(line))}


@dataclass(frozen=True)
class Ran:
    """What a `newsqa` command left: its exit status and what it printed."""

    returncode: int
    stdout: str
    stderr: str


Newsqa = Callable[..., Ran]


@pytest.fixture()
def newsqa(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Newsqa:
    """`newsqa ARGS` through the console entry point, in this process: the user's view (exit
    status, output, one-line errors) without a second of interpreter start-up per command.

    `run_cli` (a real process) stays for what only a process shows: signals, a model loaded
    from the cache, several processes on one index."""

    def run(*args: str, env: dict[str, str] | None = None, input: str | None = None) -> Ran:
        for key in [k for k in os.environ if k.startswith("NEWSQA_")]:
            monkeypatch.delenv(key)
        for key, value in (env or {}).items():
            monkeypatch.setenv(key, value)
        monkeypatch.setenv("NEWSQA_CACHE_DIR", str(MODEL_CACHE))
        monkeypatch.setattr(sys, "argv", ["newsqa", *args])
        monkeypatch.setattr(sys, "stdin", io.StringIO(input or ""))
        capsys.readouterr()  # what the test printed before is not the command's
        try:
            main()
            code = 0
        except SystemExit as done:
            code = done.code if isinstance(done.code, int) else 1
        out, err = capsys.readouterr()
        return Ran(code, out, err)

    return run
