"""One parsed tokenizer per vocabulary and process, shared by the embedder and the reader.

Both int8 runtimes carry e5-small's tokenizer.json (17 MB; parsing it takes about a second and
holds its vocabulary in memory once per copy). Their two files differ only in the padding
block, which both switch off, so the key is the file from its "added_tokens" field on: the
version, truncation and padding fields come before it in what `tokenizers` writes.
"""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tokenizers import Tokenizer

_BODY = b'"added_tokens"'
_loaded: dict[str, Tokenizer] = {}
_lock = threading.Lock()


def shared_tokenizer(path: Path) -> Tokenizer:
    """The tokenizer in `path`, padding and truncation off (callers pad and cut themselves).
    Encoding does not change it, so one instance serves every thread."""
    from tokenizers import Tokenizer

    data = path.read_bytes()
    body = data.find(_BODY)
    key = hashlib.sha256(data[body:] if body >= 0 else data).hexdigest()
    with _lock:
        found = _loaded.get(key)
        if found is None:
            found = Tokenizer.from_str(data.decode("utf-8"))
            found.no_padding()
            found.no_truncation()
            _loaded[key] = found
    return found
