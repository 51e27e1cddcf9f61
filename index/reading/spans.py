"""From the reader's start and end scores to the best answer span of a passage, or none.

SQuAD 2.0 style: the window's first token (`<s>`) stands for "no answer"; a span's score is its
start score plus its end score, and the null score is the same pair taken at `<s>`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from index.reading.windows import Window

MAX_ANSWER_TOKENS = 30
# Other spans kept beside a passage's best, for an answer of the kind a question asks (a
# country): the reader's first choice is sometimes a phrase next to it ("Aéroport international
# Tribhuvan" for "Népal").
RUNNERS_UP = 20
# French words that lose their vowel before an apostrophe: "l'Australie" is two words.
_ELIDED = frozenset(
    ["c", "d", "j", "l", "m", "n", "s", "t", "qu", "jusqu", "lorsqu", "puisqu", "quoiqu"]
)
_WORD_BEFORE = re.compile(r"\w+$")
_TRIM = " \t\n\u00a0\u202f,;:«»\"'“”()[]–—-"


@dataclass(frozen=True)
class Span:
    """The best span of one passage: character offsets into that passage's text."""

    start: int
    end: int
    score: float  # start + end score of the span
    null: float  # the no-answer score of the window it came from
    in_title: bool = False  # the offsets are into the passage's title, not its text
    runners_up: tuple[Span, ...] = ()  # the passage's next best spans, best first

    @property
    def margin(self) -> float:
        """How much the span beats "no answer"; below zero the reader prefers no answer."""
        return self.score - self.null

    def without_head(self, head: int) -> Span | None:
        """Offsets of a span read in `title_head(title) + text`, back into the text, or into
        the title (`in_title`) when the span starts there; None when only the title's closing
        punctuation is left."""
        if head == 0:
            return self
        best = self._unheaded(head)
        if best is None:
            return None
        others = (s._unheaded(head) for s in self.runners_up)
        return replace(best, runners_up=tuple(s for s in others if s is not None))

    def _unheaded(self, head: int) -> Span | None:
        if self.start >= head:
            return replace(self, start=self.start - head, end=self.end - head)
        end = min(self.end, head - len(TITLE_END))
        return replace(self, end=end, in_title=True) if end > self.start else None


TITLE_END = ".\n"


def title_head(title: str) -> str:
    """What the reader reads before a passage: its title, closed as a sentence."""
    title = " ".join(title.split())
    return title.rstrip(".") + TITLE_END if title else ""


def best_span(
    text: str, windows: Sequence[Window], starts: np.ndarray, ends: np.ndarray
) -> Span | None:
    """The highest-scoring span over a passage's windows (None when no span can be read), with
    up to RUNNERS_UP others as its `runners_up`."""
    found: dict[tuple[int, int], Span] = {}
    for row, window in enumerate(windows):
        null = float(starts[row][0] + ends[row][0])
        for i, j, score in _window_top(window, starts[row], ends[row], RUNNERS_UP + 1):
            start, end = tidy(text, *whole_words(text, window.offsets[i][0], window.offsets[j][1]))
            if start >= end:
                continue
            span = Span(start, end, score, null)
            # Windows overlap, and token pairs widen to the same words: a span keeps the most
            # it beats its own window's null by.
            if (start, end) not in found or span.margin > found[start, end].margin:
                found[start, end] = span
    if not found:
        return None
    ranked = sorted(found.values(), key=lambda s: -s.margin)
    return replace(ranked[0], runners_up=tuple(ranked[1 : RUNNERS_UP + 1]))


def _window_top(
    window: Window, starts: np.ndarray, ends: np.ndarray, count: int
) -> list[tuple[int, int, float]]:
    """The window's `count` best (start word, end word, score), best first."""
    n = len(window.offsets)
    if n == 0:
        return []
    first = window.context_start
    s = starts[first : first + n].astype(np.float64)
    e = ends[first : first + n].astype(np.float64)
    pair = s[:, None] + e[None, :]
    # Only spans that end after they start and stay short.
    i_idx, j_idx = np.indices(pair.shape)
    allowed = (j_idx >= i_idx) & (j_idx - i_idx < MAX_ANSWER_TOKENS)
    pair[~allowed] = -np.inf
    flat = pair.ravel()
    count = min(count, int(allowed.sum()))
    top = np.argpartition(-flat, count - 1)[:count]
    top = top[np.argsort(-flat[top], kind="stable")]
    return [(*divmod(int(k), n), float(flat[k])) for k in top]


def whole_words(text: str, start: int, end: int) -> tuple[int, int]:
    """The span widened to the words it starts and ends inside: a span read in sub-word tokens
    may stop within one ("Armel Le Cléac" of "Armel Le Cléac'h", "3" of "3,5")."""
    if start >= end:
        return start, end
    while start > 0 and text[start].isalnum():
        if text[start - 1].isalnum():
            start -= 1
        elif start > 1 and _joins(text, start - 1):
            start -= 2
        else:
            break
    while end < len(text) and text[end - 1].isalnum():
        if text[end].isalnum():
            end += 1
        elif end + 1 < len(text) and _joins(text, end):
            end += 2
        else:
            break
    return start, end


def _joins(text: str, at: int) -> bool:
    """Whether the character at `at` joins the letters or digits on either side into one word:
    an apostrophe inside a name ("Cléac'h", "O'Neill"; not an English possessive, "Trump's",
    nor after an elided French word, "l'Australie"), a decimal comma or point or a thin space
    inside a number ("3,5", "1 000"), a hyphen inside a name ("Jae-in")."""
    before, joint, after = text[at - 1], text[at], text[at + 1]
    if not (before.isalnum() and after.isalnum()):
        return False
    if joint in "'’":
        possessive = after == "s" and (at + 2 == len(text) or not text[at + 2].isalnum())
        word = _WORD_BEFORE.search(text, 0, at)
        return not possessive and word is not None and word[0].lower() not in _ELIDED
    if joint in ",.\u00a0\u202f":
        return before.isdigit() and after.isdigit()
    return joint == "-" and before.isalpha() and after.isalpha()


def tidy(text: str, start: int, end: int) -> tuple[int, int]:
    """Drop blanks and stray punctuation at the span's edges; keep balanced brackets."""
    while start < end and text[start] in _TRIM and not _opens_kept(text, start, end):
        start += 1
    while end > start and text[end - 1] in _TRIM + "." and not _closes_kept(text, start, end):
        end -= 1
    return start, end


def _opens_kept(text: str, start: int, end: int) -> bool:
    pairs = {"(": ")", "«": "»", "[": "]", "“": "”"}
    closer = pairs.get(text[start])
    return closer is not None and closer in text[start + 1 : end]


def _closes_kept(text: str, start: int, end: int) -> bool:
    pairs = {")": "(", "»": "«", "]": "[", "”": "“"}
    char = text[end - 1]
    if char == ".":
        # "J.-C." or "U.S.": a dot that closes an abbreviation stays.
        return end - start >= 2 and text[end - 3 : end - 2] == "."
    opener = pairs.get(char)
    return opener is not None and opener in text[start : end - 1]
