"""The layering that `make lint` checks (import-linter, contracts in pyproject.toml) holds, and
it catches an upward import: a copy of the packages with one module of `index` importing the
command line must fail the same check."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
PACKAGES = ("bot", "ingest", "index")


def lint(tree: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-logo", "--no-cache", "--config", str(tree / "pyproject.toml")],
        cwd=tree,
        env={**os.environ, "PYTHONPATH": str(tree)},
        capture_output=True,
        text=True,
        timeout=120,
    )


def copy_of_the_project(dest: Path) -> Path:
    for package in PACKAGES:
        shutil.copytree(
            ROOT / package, dest / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    shutil.copy(ROOT / "pyproject.toml", dest / "pyproject.toml")
    return dest


def test_the_packages_keep_their_layers(tmp_path: Path) -> None:
    done = lint(copy_of_the_project(tmp_path))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout


def test_an_upward_import_breaks_the_layering_check(tmp_path: Path) -> None:
    tree = copy_of_the_project(tmp_path)
    (tree / "index" / "upward_probe.py").write_text("from bot.cli import main\n")
    (tree / "index" / "storage" / "upward_probe.py").write_text("import index.answer\n")
    done = lint(tree)
    assert done.returncode != 0
    assert "index.upward_probe -> bot.cli" in done.stdout
    assert "index.storage.upward_probe -> index.answer" in done.stdout
    assert "2 broken" in done.stdout
