"""Keep every library off the network unless the user opts in.

Hugging Face libraries read their offline switches when imported, so `go_offline` must run
at the entry point before anything imports transformers or sentence-transformers.
"""

from __future__ import annotations

import os
from importlib import util
from pathlib import Path

_HF_SWITCHES = ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_DATASETS_OFFLINE")


def go_offline(allow_downloads: bool) -> None:
    """Set the offline switches and point NLTK/tiktoken at the data llama-index bundles."""
    os.environ["ANONYMIZED_TELEMETRY"] = "False"  # chromadb's posthog client
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ["HF_HUB_DISABLE_TELEMETRY"] = "1"
    os.environ["HF_HUB_DISABLE_PROGRESS_BARS"] = "1"
    if allow_downloads:
        return
    for switch in _HF_SWITCHES:
        os.environ[switch] = "1"
    static = _llama_index_static()
    if static is not None:
        # llama-index downloads punkt/stopwords (or tiktoken files) when these point elsewhere.
        os.environ["NLTK_DATA"] = str(static / "nltk_cache")
        os.environ["TIKTOKEN_CACHE_DIR"] = str(static / "tiktoken_cache")


def nltk_data_dir() -> Path | None:
    static = _llama_index_static()
    return static / "nltk_cache" if static else None


def _llama_index_static() -> Path | None:
    spec = util.find_spec("llama_index.core")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / "_static"
