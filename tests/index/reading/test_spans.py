"""From start and end scores to a span of the passage: the best pair, short, tidy, or none."""

from __future__ import annotations

import re

import numpy as np
import pytest

from index.reading.spans import MAX_ANSWER_TOKENS, Span, best_span, title_head, whole_words
from index.reading.windows import Window

TEXT = "Le prix revient à Yoshinori Ohsumi, biologiste japonais."
# Word tokens of TEXT with their character offsets, after `<s> q </s></s>` (4 tokens).
WORDS = [(m.start(), m.end()) for m in re.finditer(r"\S+", TEXT)]
HEAD = 4


def window() -> Window:
    ids = [0, 7, 2, 2, *range(10, 10 + len(WORDS)), 2]
    return Window(ids, HEAD, WORDS)


def scores(start: dict[int, float], end: dict[int, float]) -> tuple[np.ndarray, np.ndarray]:
    n = HEAD + len(WORDS) + 1
    s, e = np.zeros((1, n)), np.zeros((1, n))
    for i, v in start.items():
        s[0, i] = v
    for i, v in end.items():
        e[0, i] = v
    return s, e


def test_the_best_start_and_end_give_the_span_with_its_offsets() -> None:
    # "Yoshinori" is word 4, "Ohsumi," word 5: the comma is left out of the answer.
    s, e = scores({HEAD + 4: 5.0}, {HEAD + 5: 4.0})
    span = best_span(TEXT, [window()], s, e)
    assert span is not None and TEXT[span.start : span.end] == "Yoshinori Ohsumi"
    assert span.score == pytest.approx(9.0) and span.margin == pytest.approx(9.0)


def test_the_next_best_spans_come_with_the_best_one_each_once() -> None:
    s, e = scores({HEAD + 4: 5.0, HEAD + 1: 3.0}, {HEAD + 5: 4.0, HEAD + 1: 1.0})
    # The same pairs read in two overlapping windows are kept once, at their best margin.
    s2, e2 = s.copy(), e.copy()
    s2[0, 0] = 1.0
    span = best_span(TEXT, [window(), window()], np.vstack([s, s2]), np.vstack([e, e2]))
    assert span is not None and TEXT[span.start : span.end] == "Yoshinori Ohsumi"
    others = [TEXT[o.start : o.end] for o in span.runners_up]
    assert others[0] == "prix revient à Yoshinori Ohsumi"
    assert len(others) == len(set(others))
    margins = [span.margin, *(o.margin for o in span.runners_up)]
    assert margins == sorted(margins, reverse=True)
    assert span.runners_up[0].margin == pytest.approx(7.0)  # from the first window, null 0


def test_no_answer_wins_when_its_score_is_higher() -> None:
    s, e = scores({0: 6.0, HEAD + 4: 2.0}, {0: 6.0, HEAD + 5: 2.0})
    span = best_span(TEXT, [window()], s, e)
    assert span is not None and span.margin == pytest.approx(4.0 - 12.0)


def test_an_end_before_its_start_is_never_chosen() -> None:
    s, e = scores({HEAD + 5: 5.0, HEAD + 1: 1.0}, {HEAD + 2: 5.0, HEAD + 6: 0.5})
    span = best_span(TEXT, [window()], s, e)
    # Start 5 with end 2 would score 10: not a span. The best real one scores 6.
    assert span is not None and TEXT[span.start : span.end] == "prix revient"
    assert span.score == pytest.approx(6.0)


def test_spans_stay_short() -> None:
    long_text = " ".join(f"w{i}" for i in range(80))
    words = [(m.start(), m.end()) for m in re.finditer(r"\S+", long_text)]
    w = Window([0, 7, 2, 2, *range(10, 90), 2], HEAD, words)
    s, e = np.zeros((1, 85)), np.zeros((1, 85))
    s[0, HEAD] = 5.0
    e[0, HEAD + 70] = 5.0  # too far from the start
    e[0, HEAD + 3] = 1.0
    span = best_span(long_text, [w], s, e)
    assert span is not None and long_text[span.start : span.end] == "w0 w1 w2 w3"
    assert MAX_ANSWER_TOKENS < 70


def test_among_windows_the_one_beating_its_no_answer_most_wins() -> None:
    s1, e1 = scores({0: 8.0, HEAD + 0: 7.0}, {0: 8.0, HEAD + 1: 7.0})  # margin -2
    s2, e2 = scores({0: 1.0, HEAD + 4: 3.0}, {0: 1.0, HEAD + 5: 3.0})  # margin +4
    span = best_span(TEXT, [window(), window()], np.vstack([s1, s2]), np.vstack([e1, e2]))
    assert span is not None and TEXT[span.start : span.end] == "Yoshinori Ohsumi"


def test_balanced_brackets_and_abbreviations_are_kept() -> None:
    text = "Il vit à Washington (D.C.) depuis 2010."
    words = [(m.start(), m.end()) for m in re.finditer(r"\S+", text)]
    w = Window([0, 7, 2, 2, *range(10, 10 + len(words)), 2], HEAD, words)
    n = HEAD + len(words) + 1
    s, e = np.zeros((1, n)), np.zeros((1, n))
    s[0, HEAD + 3], e[0, HEAD + 4] = 5.0, 5.0
    span = best_span(text, [w], s, e)
    assert span is not None and text[span.start : span.end] == "Washington (D.C.)"


def test_a_span_read_after_a_title_is_placed_in_the_text_or_the_title() -> None:
    head = title_head("Turquie :  tentative de coup d'État.")
    assert head == "Turquie : tentative de coup d'État.\n"

    def placed(start: int, end: int) -> Span | None:
        return Span(start, end, 5.0, 1.0).without_head(len(head))

    # The runners-up are placed too; one left with the title's closing dot alone is dropped.
    others = (Span(0, 7, 4.0, 1.0), Span(len(head) - 2, len(head) - 1, 3.0, 1.0),
              Span(len(head) + 10, len(head) + 14, 2.0, 1.0))  # fmt: skip
    best = Span(len(head) + 3, len(head) + 9, 5.0, 1.0, runners_up=others).without_head(len(head))
    assert best is not None
    placed_others = [(o.start, o.end, o.in_title) for o in best.runners_up]
    assert placed_others == [(0, 7, True), (10, 14, False)]

    in_text = placed(len(head) + 3, len(head) + 9)
    assert in_text is not None and (in_text.start, in_text.end, in_text.in_title) == (3, 9, False)
    in_title = placed(0, 7)
    assert in_title is not None and in_title.in_title
    assert head[in_title.start : in_title.end] == "Turquie"
    across = placed(10, len(head) + 4)
    assert across is not None and across.in_title and across.end == len(head) - 2  # title's end
    assert placed(len(head) - 2, len(head) + 1) is None  # nothing but the title's full stop
    assert Span(2, 5, 1.0, 0.0).without_head(0) == Span(2, 5, 1.0, 0.0)


@pytest.mark.parametrize(
    ("text", "read", "answer"),
    [
        # Sub-word tokens may stop inside a word: the answer is the whole word.
        ("Armel Le Cléac'h remporte la course.", "Armel Le Cléac", "Armel Le Cléac'h"),
        ("La Britannique O’Brien gagne.", "O", "O’Brien"),
        ("Elle est Allemande.", "Allemand", "Allemande"),
        ("Il a gagné en 2016.", "201", "2016"),
        ("Le Britannique O'Neill gagne.", "Neill", "O'Neill"),
        ("Le taux atteint 3,5 %.", "3", "3,5"),
        ("Moon Jae-in est élu.", "Moon Jae", "Moon Jae-in"),
        ("Jean-Marie Le Pen parle.", "Marie Le Pen", "Jean-Marie Le Pen"),
        ("Il part vers l'Australie.", "Australie", "Australie"),
        # Not past a possessive, nor into the word after an elided one.
        ("Donald Trump's plan", "Donald Trump", "Donald Trump"),
        ("Il part vers l'Australie.", "Il part vers l", "Il part vers l"),
    ],
)
def test_a_span_read_inside_a_word_takes_the_whole_word(text: str, read: str, answer: str) -> None:
    start = text.index(read)
    widened = whole_words(text, start, start + len(read))
    assert text[widened[0] : widened[1]] == answer
