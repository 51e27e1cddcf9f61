"""Question and passage as the reader sees them: token ids in windows, with character offsets.

A window is `<s> question </s></s> passage slice </s>` (XLM-RoBERTa's pair layout). Passages
longer than a window are cut into overlapping slices so that an answer near a cut is whole in
at least one of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tokenizers import Tokenizer

MAX_TOKENS = 256  # the windows the reader is trained on
MAX_QUESTION_TOKENS = 48
OVERLAP_TOKENS = 64
QUESTION_PREFIX = "query: "  # the prompt e5 was trained with for questions


@dataclass(frozen=True)
class Window:
    """One slice of a passage, ready for the model."""

    ids: list[int]
    context_start: int  # index of the first passage token in `ids`
    offsets: list[tuple[int, int]]  # character span in the passage of each passage token


@dataclass(frozen=True)
class Specials:
    cls: int
    sep: int
    pad: int

    @classmethod
    def of(cls, tokenizer: Tokenizer) -> Specials:
        def token(name: str, fallback: int) -> int:
            found = tokenizer.token_to_id(name)
            return fallback if found is None else found

        return cls(token("<s>", 0), token("</s>", 2), token("<pad>", 1))


def windows(
    tokenizer: Tokenizer, question: str, passage: str, max_tokens: int = MAX_TOKENS
) -> list[Window]:
    """The passage cut into windows that each carry the question in front."""
    special = Specials.of(tokenizer)
    question_ids = tokenizer.encode(QUESTION_PREFIX + question, add_special_tokens=False).ids
    question_ids = question_ids[:MAX_QUESTION_TOKENS]
    encoded = tokenizer.encode(passage, add_special_tokens=False)
    ids, offsets = encoded.ids, [tuple(o) for o in encoded.offsets]
    head = [special.cls, *question_ids, special.sep, special.sep]
    room = max_tokens - len(head) - 1
    step = max(room - OVERLAP_TOKENS, 1)
    found: list[Window] = []
    start = 0
    while True:
        piece = slice(start, start + room)
        found.append(
            Window(
                [*head, *ids[piece], special.sep],
                len(head),
                [(int(a), int(b)) for a, b in offsets[piece]],
            )
        )
        if start + room >= len(ids):
            return found
        start += step
