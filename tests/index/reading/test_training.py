"""The training script as anyone re-runs it, on a tiny sample: it trains, reports, and its
weights load into a reader that reads."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from index.reading.network import weights_figures
from index.reading.runtime import Reader, ensure_reader
from tests.conftest import MODEL_CACHE, ROOT, cache_sharing_e5

PIAF = ROOT / "data" / "piaf-dev"


@pytest.mark.model
def test_the_training_script_runs_on_a_tiny_sample(tmp_path: Path) -> None:
    out = tmp_path / "reader.safetensors"
    split = tmp_path / "split"
    split.mkdir()
    run = subprocess.run(
        [sys.executable, "-m", "index.training", "--limit", "6", "--epochs", "1",
         "--out", str(out), "--split-dir", str(split)],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
        env={"NEWSQA_CACHE_DIR": str(MODEL_CACHE), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert "validation (unseen articles, gold paragraph): exact_match" in run.stdout
    figures = weights_figures(out)
    assert figures["seed"] == 13 and 0.0 <= figures["f1"] <= 1.0

    # The split is by article: no article has questions on both sides.
    def articles(name: str) -> set[str]:
        lines = (split / name).read_text(encoding="utf-8").splitlines()
        return {json.loads(line)["evidence_ids"][0] for line in lines}

    train, validation = articles("qa.train.jsonl"), articles("qa.validation.jsonl")
    assert train and validation and not train & validation
    assert (split / "qa.validation.jsonl").read_text() == (PIAF / "qa.validation.jsonl").read_text()

    reader = Reader(ensure_reader(cache_sharing_e5(tmp_path / "cache"), out), threads=1)
    (span,) = reader.read("Qui ?", ["Matthew Whitaker le remplacera."])
    assert span is None or 0 <= span.start < span.end <= len("Matthew Whitaker le remplacera.")


@pytest.mark.model
def test_every_layer_can_be_trained(tmp_path: Path) -> None:
    # --first-trained-layer 0 leaves only the word embeddings frozen (measured in the README).
    out = tmp_path / "reader.safetensors"
    run = subprocess.run(
        [sys.executable, "-m", "index.training", "--limit", "2", "--epochs", "1",
         "--first-trained-layer", "0", "--out", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
        env={"NEWSQA_CACHE_DIR": str(MODEL_CACHE), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert weights_figures(out)["first_trained_layer"] == 0
    reader = Reader(ensure_reader(cache_sharing_e5(tmp_path / "cache"), out), threads=1)
    (span,) = reader.read("Qui ?", ["Matthew Whitaker le remplacera."])
    assert span is None or 0 <= span.start < span.end <= len("Matthew Whitaker le remplacera.")
