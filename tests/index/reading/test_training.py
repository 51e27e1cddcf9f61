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
from tests.conftest import MODEL_CACHE, ROOT, WINDOW, cache_sharing_e5

PIAF = ROOT / "data" / "piaf-dev"


SENTENCE = "Matthew Whitaker le remplacera."


def _train(tmp_path: Path, *options: str) -> Path:
    """Run the training script as a user would; the weights file it wrote."""
    out = tmp_path / "reader.safetensors"
    run = subprocess.run(
        [sys.executable, "-m", "index.training", "--epochs", "1", "--out", str(out), *options],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
        env={"NEWSQA_CACHE_DIR": str(MODEL_CACHE), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert "validation (unseen articles, gold paragraph): exact_match" in run.stdout
    return out


def _reads(tmp_path: Path, weights: Path) -> None:
    """The weights load into a reader that reads, with offsets inside the passage."""
    reader = Reader(ensure_reader(cache_sharing_e5(tmp_path / "cache"), weights), 1, WINDOW)
    (span,) = reader.read("Qui ?", [SENTENCE])
    assert span is None or 0 <= span.start < span.end <= len(SENTENCE)


@pytest.mark.model
def test_the_training_script_runs_on_a_tiny_sample(tmp_path: Path) -> None:
    split = tmp_path / "split"
    split.mkdir()
    out = _train(tmp_path, "--limit", "6", "--split-dir", str(split))
    figures = weights_figures(out)
    assert figures["seed"] == 13 and 0.0 <= figures["f1"] <= 1.0

    # The split is by article: no article has questions on both sides.
    def articles(name: str) -> set[str]:
        lines = (split / name).read_text(encoding="utf-8").splitlines()
        return {json.loads(line)["evidence_ids"][0] for line in lines}

    train, validation = articles("qa.train.jsonl"), articles("qa.validation.jsonl")
    assert train and validation and not train & validation
    assert (split / "qa.validation.jsonl").read_text() == (PIAF / "qa.validation.jsonl").read_text()
    _reads(tmp_path, out)


@pytest.mark.model
def test_every_layer_can_be_trained(tmp_path: Path) -> None:
    # --first-trained-layer 0 leaves only the word embeddings frozen (measured in the README).
    # With windows of the size `newsqa ask` reads, recorded beside the figures.
    out = _train(tmp_path, "--limit", "2", "--first-trained-layer", "0", "--window-tokens", "384")
    assert weights_figures(out)["first_trained_layer"] == 0
    assert weights_figures(out)["window_tokens"] == 384
    _reads(tmp_path, out)


@pytest.mark.model
def test_averaged_weights_and_more_same_article_negatives_train_too(tmp_path: Path) -> None:
    out = tmp_path / "reader.safetensors"
    run = subprocess.run(
        [sys.executable, "-m", "index.training", "--epochs", "1", "--out", str(out), "--limit",
         "4", "--same-article-share", "1", "--tail-average", "0.5"],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
        env={"NEWSQA_CACHE_DIR": str(MODEL_CACHE), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    # The last weights are scored too, so that the average is chosen on figures.
    assert "validation with the last weights, not averaged: exact_match" in run.stdout
    figures = weights_figures(out)
    assert figures["tail_average"] == 0.5 and figures["same_article_share"] == 1.0
    _reads(tmp_path, out)


@pytest.mark.model
def test_questions_written_over_the_news_are_trained_on_and_measured(tmp_path: Path) -> None:
    shipped = (ROOT / "data" / "frwikinews" / "reader-questions.jsonl").read_text().splitlines()
    measured = (ROOT / "data" / "frwikinews" / "reader-validation.jsonl").read_text().splitlines()
    news, more, held = (tmp_path / f"{name}.jsonl" for name in ("news", "more", "held"))
    news.write_text("\n".join(shipped[:3]) + "\n", encoding="utf-8")
    more.write_text("\n".join(shipped[3:5]) + "\n", encoding="utf-8")
    held.write_text("\n".join(measured[:3]) + "\n", encoding="utf-8")
    out = _train(
        tmp_path, "--limit", "2", "--news-questions", str(news), str(more),
        "--news-validation", str(held),
    )  # fmt: skip
    figures = weights_figures(out)
    # Each question gives its positive, a negative from another article and at most one from
    # its own: more than three questions' worth means both files were read.
    assert figures["news_train_examples"] >= 10
    assert 0.0 <= figures["news_validation"]["f1"] <= 1.0
    _reads(tmp_path, out)


@pytest.mark.model
def test_a_run_can_go_on_from_trained_weights(tmp_path: Path) -> None:
    # From the shipped reader, a few steps at a low rate still read as the shipped reader
    # does; from e5's layers and a fresh head, the same steps cannot.
    shipped = ROOT / "index" / "reading" / "weights" / "reader.safetensors"
    went_on = weights_figures(
        _train(tmp_path, "--limit", "12", "--init", str(shipped), "--learning-rate", "1e-5")
    )
    assert went_on["init"] == "reader.safetensors" and went_on["learning_rate"] == 1e-5
    fresh = weights_figures(_train(tmp_path, "--limit", "12"))
    assert went_on["f1"] > 0.4 > fresh["f1"]

    # Weights trained from another first layer cannot be gone on from: one line says so.
    run = subprocess.run(
        [sys.executable, "-m", "index.training", "--limit", "2", "--init", str(shipped),
         "--first-trained-layer", "0", "--out", str(tmp_path / "other.safetensors")],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
        env={"NEWSQA_CACHE_DIR": str(MODEL_CACHE), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
    )  # fmt: skip
    assert run.returncode == 2
    assert run.stderr.strip().startswith("error: ") and "--first-trained-layer 4" in run.stderr
    assert not (tmp_path / "other.safetensors").exists()
