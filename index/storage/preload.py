"""Chroma's vector index, loaded in a thread while the process loads its models.

An embedded Chroma reads a collection's whole vector index on a process's first read of it
(2.3-2.5 s at a million passages, one core), and every read of any collection waits for that
load. A `get` releases the GIL while it loads (a `count` does not), so the process can load its
models meanwhile instead of after. Chroma serializes the load: a read made before it ends waits
for it rather than loading a second copy.
"""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from chromadb.api.models.Collection import Collection

log = logging.getLogger(__name__)
NO_SUCH_ID = "newsqa-load-index"  # read to make Chroma load a collection's vector index
# An index loaded within this is small (about 0.2 s per 100k passages): nothing to overlap.
QUICK_LOAD_S = 0.2


class IndexLoad:
    """One collection's vector index being loaded in a thread of its own."""

    def __init__(self, collection: Collection, daemon: bool) -> None:
        self.collection = collection
        # Embedded, not a daemon: a process that ends first waits for the load rather than
        # leave Chroma mid-read. Through a server it is an HTTP call, which must not hold up
        # an exit (Chroma's HTTP client has no timeout).
        self._thread = threading.Thread(target=self._load, name="chroma-load", daemon=daemon)
        self._thread.start()

    def running(self, after_s: float = QUICK_LOAD_S) -> bool:
        """Whether the load still runs after waiting up to `after_s` for it. Asks nothing of
        Chroma, which would wait for the load."""
        self._thread.join(after_s)
        return self._thread.is_alive()

    def _load(self) -> None:
        try:
            self.collection.get(ids=[NO_SUCH_ID], include=[])
        except Exception:  # the process's own reads will meet and report the same error
            log.debug("loading the vector index ahead failed", exc_info=True)
