"""`python -m index.training.blend`: one reader from the weights of several trained readers.

Readers fine-tuned from the same e5 layers with different data land close enough that their
weighted mean is a reader too, and a better one than either (a "model soup"; README, Training):
the one trained on PIAF alone and the one trained with the news questions as well make the
shipped reader. Every file must hold the same tensors, trained from the same first layer.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import torch
from safetensors import safe_open
from safetensors.torch import load_file, save_file

from index.reading.network import WEIGHTS


@dataclass(frozen=True)
class Part:
    path: Path
    share: float  # its weight in the mean, once all shares are scaled to sum to 1


class BlendError(ValueError):
    """The files cannot be blended: the message says which and why."""


def blend(parts: Sequence[Part], out: Path) -> None:
    """Write the share-weighted mean of the parts' tensors to `out`, with its recipe."""
    if not parts or any(p.share <= 0 for p in parts):
        raise BlendError("give at least one weights file, each with a share above 0")
    total = sum(p.share for p in parts)
    metadata = [_metadata(p.path) for p in parts]
    first_layers = {m.get("first_trained_layer") for m in metadata}
    if len(first_layers) != 1 or None in first_layers:
        raise BlendError("the readers were not all trained from the same first layer")
    mixed: dict[str, torch.Tensor] = {}
    dtypes: dict[str, torch.dtype] = {}
    for part in parts:
        tensors = load_file(part.path)
        if dtypes and set(tensors) != set(dtypes):
            raise BlendError(f"{part.path} does not hold the same tensors as the first file")
        for name, tensor in tensors.items():
            dtypes.setdefault(name, tensor.dtype)
            share = tensor.float() * (part.share / total)
            mixed[name] = share if name not in mixed else mixed[name] + share
    figures = {
        "blend": [
            {
                "file": p.path.name,
                "share": round(p.share / total, 4),
                **json.loads(m.get("figures", "{}")),
            }
            for p, m in zip(parts, metadata, strict=True)
        ]
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    save_file(
        {name: t.to(dtypes[name]).contiguous() for name, t in mixed.items()},
        out,
        metadata={"first_trained_layer": str(first_layers.pop()), "figures": json.dumps(figures)},
    )


def _metadata(path: Path) -> dict[str, str]:
    with safe_open(path, "pt") as f:
        return dict(f.metadata() or {})


def _part(text: str) -> Part:
    path, _, share = text.rpartition(":")
    if not path:
        return Part(Path(text), 1.0)
    try:
        return Part(Path(path), float(share))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text}: write FILE or FILE:SHARE") from None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m index.training.blend", description=__doc__)
    parser.add_argument("parts", nargs="+", type=_part, help="FILE or FILE:SHARE (default 1)")
    parser.add_argument("--out", type=Path, default=WEIGHTS, help="where the blend goes")
    args = parser.parse_args(argv)
    for part in args.parts:
        if not part.path.is_file():
            print(f"error: {part.path} not found", file=sys.stderr)
            return 2
    try:
        blend(args.parts, args.out)
    except BlendError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    print(f"blend of {len(args.parts)} readers written to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
