"""Cloze questions made from the training articles' own sentences, for a first pass of span
practice before the annotated questions.

A sentence gives a question by putting a question word where one of its names, dates or
numbers stood ("Le 3 octobre, qui reçoit le prix Nobel ?" from "Le 3 octobre, Yoshinori Ohsumi
reçoit le prix Nobel."), and the removed words are the answer, at their place in the paragraph.
The questions are rough French; what they teach is where answers sit and what they look like,
which 3,130 annotated questions show only so often. No model is involved: patterns only.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from index.text import sentence_spans
from index.training.examples import Article, Example

_MONTHS = "janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre"
_DAY = rf"(?:(?:le |du |au )?(?:1er|[1-9]|[12]\d|3[01]) (?:{_MONTHS}) )"
_DATE = re.compile(rf"\b{_DAY}?(?:en |l'an )?(1\d{{3}}|20\d{{2}})\b")
_NUMBER = re.compile(
    r"\b(\d{1,3}(?:[  .]\d{3})+|\d+(?:,\d+)?)"  # 3 000, 12,5
    r"\s?(%|millions? d[e']|milliards? d[e']|)"
    r"\s?([a-zéèêàâîôûç]{3,})?"  # what is counted
)
_NAME_WORD = r"[A-ZÉÈÀÂÎÔÛÇ][\w'’-]+"
_NAME = re.compile(rf"{_NAME_WORD}(?:\s(?:(?:de|du|des|d'|la|le|von|van)\s)?{_NAME_WORD}){{0,4}}")
_ROMAN = re.compile(r"[IVXLC]+(?:e|er|ème)")
_PLACE_BEFORE = re.compile(r"\b(?:à|au|aux|en|dans)\s$")
_PER_PARAGRAPH = 4
_CONTEXT_WORDS = 10  # words kept on each side of the gap: real questions are shorter than sentences


@dataclass(frozen=True)
class Gap:
    start: int  # the answer's characters in the sentence
    end: int
    cut: int  # where the words the question word replaces begin (a preposition, "en"...)
    word: str  # the question word put in their place


def make(
    articles: dict[str, Article], keep: Sequence[str], count: int, seed: int, titles: bool
) -> list[Example]:
    """At most `count` cloze questions over the paragraphs of the articles in `keep`."""
    rng = random.Random(seed)
    found: list[Example] = []
    for key in sorted(keep):
        article = articles[key]
        for span in article.paragraphs:
            context = article.paragraph(span, titles)
            head = len(context) - (span[1] - span[0])
            found += _from_paragraph(key, context, head, rng)
    rng.shuffle(found)
    return found[:count]


def _from_paragraph(key: str, context: str, head: int, rng: random.Random) -> list[Example]:
    """Up to `_PER_PARAGRAPH` questions per paragraph, from different sentences."""
    sentences = [(a + head, b + head) for a, b in sentence_spans(context[head:], "fr")]
    rng.shuffle(sentences)
    made: list[Example] = []
    for a, b in sentences:
        gaps = list(_gaps(context[a:b]))
        if not gaps:
            continue
        gap = rng.choice(gaps)
        question = _question(context[a:b], gap)
        answer = (a + gap.start, a + gap.end)
        made.append(
            Example(
                f"cloze-{key}-{answer[0]}",
                question,
                context,
                answer,
                (context[answer[0] : answer[1]],),
            )
        )
        if len(made) == _PER_PARAGRAPH:
            break
    return made


def _gaps(sentence: str) -> Iterator[Gap]:
    for m in _DATE.finditer(sentence):
        word = "en quelle année" if m.group(0) == m.group(1) else "quand"
        yield Gap(m.start(), m.end(), m.start(), word)
    for m in _NUMBER.finditer(sentence):
        if _DATE.fullmatch(m.group(1)) or not (m.group(2) or m.group(3)):
            continue
        noun = m.group(3) or ""
        if m.group(2) or not noun:
            what = "combien"
        else:
            what = "combien " + ("d'" if noun[0] in "aeiouyéèêàâîôûh" else "de ") + noun
        yield Gap(m.start(1), m.start() + len(m.group(0).rstrip()), m.start(1), what)
    for m in _NAME.finditer(sentence):
        if m.start() == 0 or sentence[m.start() - 1] != " " or _ROMAN.fullmatch(m.group(0)):
            continue  # a sentence's first word, a word after "l'", a century
        place = _PLACE_BEFORE.search(sentence[: m.start()])
        if place is not None:
            yield Gap(m.start(), m.end(), place.start(), "où")
        else:
            yield Gap(m.start(), m.end(), m.start(), "qui")


def _question(sentence: str, gap: Gap) -> str:
    left = sentence[: gap.cut].split()[-_CONTEXT_WORDS:]
    right = sentence[gap.end :].rstrip(" .;:!").split()[:_CONTEXT_WORDS]
    words = [*left, gap.word, *right]
    text = " ".join(words)
    return text[:1].upper() + text[1:] + " ?"
