"""Turn the `[k]` markers a model writes into numbered citations quoting exact article spans.

Accepted markers: `[1]`, `[1, 3]`, `[1][2]`, `[1-3]`, `[ 1 ]`, `【1】`, `［１］`, `[^1]`,
`[Source 2]`, `[sources 1 et 2]`, and the parenthesised form only with a label, `(source 2)`.
A bare `(1)` is left alone: in prose it is more often an enumeration than a citation.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from index.records import Citation, Passage
from index.text import MARKER, sentence_spans, tokenize

_LABEL = (
    r"(?:(?:sources?|passages?|documents?|docs?|r[ée]f(?:[ée]rences?)?s?|extraits?)\s*[:.#°n]*\s*)"
)
_ITEM = rf"(?:{_LABEL}?[#^]?\d+(?:\s*[-–—]\s*{_LABEL}?[#^]?\d+)?)"
_SEP = r"(?:\s*[,;，、&]\s*|\s+(?:and|et)\s+|\s+)"
_ITEMS = rf"\s*{_ITEM}(?:{_SEP}{_ITEM})*\s*"
_MARKER = rf"(?:[\[【［]{_ITEMS}[\]】］]|\(\s*{_LABEL}{_ITEMS}\))"
# A run: markers separated only by spaces, e.g. "[1] [2][1]", with the blanks before it.
_RUN = re.compile(rf"(?P<lead>[ \t\u00a0\u202f]*)(?P<run>{_MARKER}(?:\s*{_MARKER})*)", re.I)
_NUMBER = re.compile(r"(\d+)(?:\s*[-–—]\s*\D*?(\d+))?")
_BLANKS = " \t\u00a0\u202f"
_MAX_RANGE = 20  # "[1-3]" is a range; "[1-2019]" is not one worth expanding
_QUOTE_SENTENCES = 3
_MIN_CLAUSE_TERMS = 3


def resolve_citations(text: str, passages: Sequence[Passage]) -> tuple[str, tuple[Citation, ...]]:
    """Renumber valid markers 1..n by first appearance, drop the others, quote what they cite.

    Passages of one article share a number: the reader sees one source per article. Returns
    the tidied text and one citation per distinct cited passage, in marker order.
    """
    renumber: dict[int, int] = {}  # passage position (1-based) -> new marker number
    by_article: dict[str, int] = {}
    pieces: list[str] = []
    pos = 0
    for match in _RUN.finditer(text):
        pieces.append(text[pos : match.start()])
        numbers = _cited(match.group("run"), len(passages))
        for k in numbers:
            article = passages[k - 1].article_id
            renumber.setdefault(k, by_article.setdefault(article, len(by_article) + 1))
        if numbers:
            marks = dict.fromkeys(f"[{renumber[k]}]" for k in numbers)
            pieces.append(match.group("lead") + "".join(marks))
            pos = _skip_blanks_before_stop(text, match.end())
        else:
            pos = _drop(pieces, text, match.end())
    pieces.append(text[pos:])
    cleaned = "".join(pieces).strip()
    if not renumber:
        return cleaned, ()

    lang = passages[0].lang
    claims = _claims(cleaned, lang)
    citations = []
    for k, n in sorted(renumber.items(), key=lambda item: (item[1], item[0])):
        passage = passages[k - 1]
        quote, start, end = best_quote(passage, " ".join(claims.get(n, [])))
        citations.append(Citation(n, passage, quote, start, end))
    return cleaned, tuple(citations)


def best_quote(passage: Passage, claim: str) -> tuple[str, int, int]:
    """The passage sentence(s) sharing most words with `claim`, with article offsets.

    Falls back to the first sentence when nothing overlaps. Neighbouring sentences are added
    (up to three in all) when they cover at least two more of the claim's words.
    """
    spans = sentence_spans(passage.text, passage.lang) or [(0, len(passage.text))]
    wanted = set(tokenize(claim, passage.lang))
    terms = [set(tokenize(passage.text[a:b], passage.lang)) & wanted for a, b in spans]
    best = max(range(len(spans)), key=lambda i: (len(terms[i]), -i))
    first, last = best, best
    covered = set(terms[best])
    while terms[best] and last - first + 1 < _QUOTE_SENTENCES:
        options = [i for i in (first - 1, last + 1) if 0 <= i < len(spans)]
        gains = {i: len(terms[i] - covered) for i in options}
        pick = max(gains, key=lambda i: gains[i], default=None)
        if pick is None or gains[pick] < 2:
            break
        covered |= terms[pick]
        first, last = min(first, pick), max(last, pick)
    a, b = quote_bounds(passage.text, spans[first][0], spans[last][1])
    return passage.text[a:b], passage.start + a, passage.start + b


# What may open a quoted sentence and is not part of it: a dateline's dash, list bullets.
_QUOTE_DEBRIS = " \t\n\u00a0\u202f–—-•·*:;,|"


_MONTH = (
    r"(?i:janvier|f[ée]vrier|mars|avril|mai|juin|juillet|ao[uû]t|septembre|octobre|novembre|"
    r"d[ée]cembre|january|february|march|april|may|june|july|august|september|october|"
    r"november|december)"
)
_DATE = (
    rf"(?:\d{{1,2}}(?:er)?\s+{_MONTH}\s+\d{{4}}|{_MONTH}\s+\d{{1,2}},?\s+\d{{4}}"
    r"|\d{4}-\d\d-\d\d)"
)
# A dateline opening a quote: "19 décembre 2016. – ", "3 mai 2018 – ", "May 3, 2018 - ",
# "2018-05-03 — ". Only a date, then a dash between blanks, then words: a date that starts a
# sentence is part of it, and "19 décembre 2016 – 31 janvier 2017 : …" is a span of time.
_DATELINE = re.compile(rf"{_DATE}\.?\s+[–—-]\s+(?=[^\W\d])")
# A sentence that is nothing but a dateline ("19 décembre 2016.", "7 janvier 2016, 11 h 40
# UTC.", "12 mars 2016, Montpellier."): Wikinews opens articles so.
_DATE_ALONE = re.compile(
    rf"\W*{_DATE}(?:,\s+(?:\d{{1,2}}\s*h(?:\s*\d\d)?(?:\s+UTC)?|[A-ZÀ-Ý][\w'’-]*"
    r"(?:[\s-][A-ZÀ-Ý][\w'’-]*)*))?[\s.–—-]*"
)


def quote_bounds(text: str, start: int, end: int, keep: int | None = None) -> tuple[int, int]:
    """`text[start:end]` without blanks at either end or dateline debris ("– ", "3 mai 2018 –")
    in front; never past `keep` (where the answer the quote supports begins)."""
    limit = end if keep is None else min(keep, end)
    while start < limit and text[start] in _QUOTE_DEBRIS:
        start += 1
    dateline = _DATELINE.match(text, start, end)
    if dateline is not None and dateline.end() <= limit:
        start = dateline.end()
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _cited(run: str, n_passages: int) -> list[int]:
    """Distinct valid passage positions of a marker run, in the order written."""
    found: list[int] = []
    for match in _NUMBER.finditer(run):
        low = int(match.group(1))
        high = int(match.group(2)) if match.group(2) else low
        expand = low <= high <= low + _MAX_RANGE
        numbers = list(range(low, high + 1)) if expand else [low, high]
        found.extend(k for k in numbers if 1 <= k <= n_passages and k not in found)
    return found


def _drop(pieces: list[str], text: str, end: int) -> int:
    """Remove a marker run without leaving " ." or a double space; returns where to resume."""
    before = "".join(pieces[-1:])
    at_line_start = not before or before.endswith("\n")
    if at_line_start:
        while end < len(text) and text[end] in _BLANKS:
            end += 1
    elif end < len(text) and (text[end].isalnum() or text[end] in "(«\"'") and before[-1:] != " ":
        pieces.append(" ")  # "mot [7]suite" must not become "motsuite"
    return end


def _skip_blanks_before_stop(text: str, end: int) -> int:
    """After a kept marker, "[1] ." becomes "[1].": skip the blanks before a full stop or comma."""
    after = end
    while after < len(text) and text[after] in _BLANKS:
        after += 1
    return after if after < len(text) and text[after] in ".,)…" else end


def _claims(text: str, lang: str) -> dict[int, list[str]]:
    """For each marker number, the clauses of the answer that carry it.

    A clause runs from the previous marker of the sentence to this one; when it is too short
    to compare (a marker right after another), the whole sentence is used. A marker that opens
    a sentence ("... fin. [1] Suite") belongs to the sentence before it.
    """
    spans = sentence_spans(text, lang)
    claims: dict[int, list[str]] = {}
    for i, (a, b) in enumerate(spans):
        clause_start = a
        for marker in MARKER.finditer(text, a, b):
            if not text[a : marker.start()].strip(" []0123456789") and i > 0:
                clause = text[spans[i - 1][0] : spans[i - 1][1]]
            else:
                clause = text[clause_start : marker.start()]
                if len(tokenize(MARKER.sub(" ", clause), lang)) < _MIN_CLAUSE_TERMS:
                    clause = text[a:b]
                clause_start = marker.end()
            claims.setdefault(int(marker.group(1)), []).append(MARKER.sub(" ", clause))
    return claims


def is_date_alone(text: str) -> bool:
    """True for a sentence that holds only a date: no quote for an answer."""
    return _DATE_ALONE.fullmatch(text) is not None
