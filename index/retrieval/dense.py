"""Dense search under a source or date filter, without a Chroma metadata filter.

A Chroma `where` on dates or sources reads the metadata of every row it matches before the
vector search starts: 0.25 s for one year of a 100k-passage archive, ten times that at 1M. The
word index already holds each chunk's source and date in memory-mapped columns, so the filter
is applied there instead:
- a filter that keeps a small share of the archive: the matching ids are handed to Chroma,
  which searches among those alone (exact, nothing missed);
- a filter that keeps most of it (typically "nothing after today"): an unfiltered search that
  fetches enough extra neighbours for the share kept, then drops those that fail the filter.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence

import chromadb.errors
import numpy as np

from index.storage import ChunkStore, LexicalIndex

log = logging.getLogger(__name__)

# At or above this share of the archive kept, fetching extra neighbours costs less than
# handing Chroma the matching ids (bench/scale_bench.py: 100k ids ~60 ms, 1,000 neighbours 7 ms).
WIDE_SHARE = 0.1
OVERFETCH = 1.5  # neighbours fetched per one wanted, over the share kept
MAX_FETCH = 5000
MAX_IDS = 200_000  # above this many matching ids, over-fetching is cheaper whatever the share


def dense_ids(
    store: ChunkStore,
    lexical: LexicalIndex,
    vector: np.ndarray,
    k: int,
    sources: Sequence[str] = (),
    published: tuple[int, int] | None = None,
) -> list[str]:
    """Ids of the `k` chunks nearest to `vector` among those from `sources` published within
    `published` (timestamps, both ends included; undated chunks are -1)."""
    if not sources and published is None:
        return store.nearest(vector, k)
    matching = lexical.matching(sources, published, ids_up_to=MAX_IDS)
    if matching.count == 0:
        return []
    share = matching.count / max(matching.live, 1)
    if matching.ids is not None and share < WIDE_SHARE:
        try:
            return store.nearest(vector, k, among=matching.ids)
        except chromadb.errors.ChromaError as exc:
            # Seen on a large embedded collection whose vector index lags its metadata
            # ("Error finding id"): the unfiltered search still answers.
            log.warning("a filtered vector search failed (%s): filtering afterwards", exc)
    fetch = min(MAX_FETCH, matching.live, math.ceil(k * OVERFETCH / share))
    return lexical.passing(store.nearest(vector, fetch), sources, published)[:k]
