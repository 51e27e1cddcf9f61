"""Every bench script the README names starts: its imports still resolve and it prints its
usage (a renamed function once left one failing on start while the suite stayed green)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

SCRIPTS = sorted(
    path
    for path in (ROOT / "bench").glob("*.py")
    if "argparse" in path.read_text(encoding="utf-8")  # the others are modules they share
)


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda path: path.name)
def test_the_bench_script_prints_its_usage(script: Path) -> None:
    run = subprocess.run(
        [sys.executable, str(script), "--help"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("usage: ")


def test_every_script_is_checked() -> None:
    assert len(SCRIPTS) >= 15
