"""Examples as model inputs: windows with their target token positions, and the frozen lower
layers' output computed once so that each epoch only runs the layers being trained."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from index.reading.windows import Window, windows
from index.training.examples import Example


@dataclass
class Feature:
    example: int  # index into the example list
    window: Window
    start: int  # target token positions in the window; 0 and 0 mean "no answer here"
    end: int
    hidden: np.ndarray | None = None  # lower layers' output, float16 [tokens, hidden]


def featurize(tokenizer: Any, examples: Sequence[Example], window_tokens: int) -> list[Feature]:
    found = []
    for index, example in enumerate(examples):
        for window in windows(tokenizer, example.question, example.context, window_tokens):
            start, end = _targets(window, example.answer)
            found.append(Feature(index, window, start, end))
    return found


def _targets(window: Window, answer: tuple[int, int] | None) -> tuple[int, int]:
    if answer is None or not window.offsets:
        return 0, 0
    a, b = answer
    if window.offsets[0][0] > a or window.offsets[-1][1] < b:
        return 0, 0  # the answer is not whole in this window
    start = next(i for i, (_, e) in enumerate(window.offsets) if e > a)
    end = max(i for i, (s, _) in enumerate(window.offsets) if s < b)
    return window.context_start + start, window.context_start + max(end, start)


def cache_lower(
    base: Any, features: list[Feature], first_trained: int, pad: int, batch: int = 32
) -> None:
    """Run embeddings and the frozen layers once; keep their output in half precision."""
    import torch

    from index.embedding.onnx_int8 import padded

    order = sorted(range(len(features)), key=lambda i: len(features[i].window.ids))
    with torch.inference_mode():
        for at in range(0, len(order), batch):
            rows = order[at : at + batch]
            ids, mask = padded([features[i].window.ids for i in rows], pad)
            if first_trained == 0:
                # Every layer is trained: only the embeddings are frozen.
                states = base.embeddings(input_ids=torch.from_numpy(ids))
            else:
                out = base(
                    input_ids=torch.from_numpy(ids),
                    attention_mask=torch.from_numpy(mask),
                    output_hidden_states=True,
                )
                states = out.hidden_states[first_trained]
            hidden = states.numpy().astype(np.float16)
            for row, i in enumerate(rows):
                features[i].hidden = hidden[row, : len(features[i].window.ids)]
