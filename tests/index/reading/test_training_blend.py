"""Blending trained readers: the shipped reader is the weighted mean of two training runs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch
from safetensors import safe_open
from safetensors.torch import load_file, save_file

from index.training.blend import BlendError, Part, blend, main


def reader(path: Path, value: float, first: str = "4", extra: bool = False) -> Path:
    tensors = {"head.weight": torch.full((2, 3), value, dtype=torch.float16)}
    if extra:
        tensors["head.bias"] = torch.zeros(2, dtype=torch.float16)
    figures = json.dumps({"f1": value})
    save_file(tensors, path, metadata={"first_trained_layer": first, "figures": figures})
    return path


def test_the_blend_is_the_share_weighted_mean_and_says_what_it_was_made_of(
    tmp_path: Path,
) -> None:
    a, b = reader(tmp_path / "piaf.safetensors", 1.0), reader(tmp_path / "news.safetensors", 3.0)
    out = tmp_path / "out" / "reader.safetensors"
    blend([Part(a, 3.0), Part(b, 1.0)], out)  # shares 0.75 and 0.25
    mixed = load_file(out)["head.weight"]
    assert mixed.dtype == torch.float16 and torch.all(mixed == 1.5)
    with safe_open(out, "pt") as f:
        meta = f.metadata()
    assert meta["first_trained_layer"] == "4"
    made_of = json.loads(meta["figures"])["blend"]
    assert [(p["file"], p["share"], p["f1"]) for p in made_of] == [
        ("piaf.safetensors", 0.75, 1.0),
        ("news.safetensors", 0.25, 3.0),
    ]


def test_readers_that_cannot_be_blended_are_refused_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a = reader(tmp_path / "a.safetensors", 1.0)
    out = tmp_path / "out.safetensors"
    with pytest.raises(BlendError, match="same first layer"):
        blend([Part(a, 1), Part(reader(tmp_path / "b.safetensors", 2.0, first="6"), 1)], out)
    with pytest.raises(BlendError, match="same tensors"):
        blend([Part(a, 1), Part(reader(tmp_path / "c.safetensors", 2.0, extra=True), 1)], out)
    assert not out.exists()
    assert main([f"{a}:0", "--out", str(out)]) == 2
    assert main([str(tmp_path / "missing.safetensors"), "--out", str(out)]) == 2
    errors = capsys.readouterr().err.splitlines()
    assert [line.split(":")[0] for line in errors] == ["error", "error"]
    assert main([str(a), f"{a}:3", "--out", str(out)]) == 0 and out.exists()
