"""How the int8 runtime cuts texts into batches, which the ingest follows call by call."""

from __future__ import annotations

import random

from index.embedding.onnx_int8 import BATCH_TOKENS, token_capped_batches


def test_batches_are_longest_first_capped_in_rows_and_tokens() -> None:
    rng = random.Random(7)
    lengths = [rng.randint(3, 300) for _ in range(700)]
    batches = token_capped_batches(lengths, batch_size=32)

    assert sorted(i for batch in batches for i in batch) == list(range(700))  # each text once
    order = [lengths[i] for batch in batches for i in batch]
    assert order == sorted(lengths, reverse=True)
    for batch in batches:
        longest = lengths[batch[0]]
        assert len(batch) <= 32 and len(batch) * longest <= BATCH_TOKENS
    # Long texts fill a batch up to the token cap, short ones up to the row cap.
    assert len(batches[0]) == BATCH_TOKENS // lengths[batches[0][0]]
    assert [len(b) for b in token_capped_batches([10] * 100, batch_size=32)] == [32, 32, 32, 4]


def test_a_subset_taken_at_batch_boundaries_is_cut_the_same_way() -> None:
    # The ingest hands the runtime a few whole batches per call: re-cut, they must come out
    # as the same batches, or each call would end on a short one.
    rng = random.Random(11)
    lengths = [rng.randint(50, 290) for _ in range(400)]
    batches = token_capped_batches(lengths, batch_size=32)
    for start in range(0, len(batches), 4):
        rows = [i for batch in batches[start : start + 4] for i in batch]
        again = token_capped_batches([lengths[i] for i in rows], batch_size=32)
        assert [[rows[k] for k in batch] for batch in again] == batches[start : start + 4]
