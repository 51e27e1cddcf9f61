"""Text helpers every layer shares: folding, BM25 tokens, sentences, citation markers, overlap.

Each lives here once, so that retrieval, answers, evaluation and the front ends agree on what a
word, a sentence and a `[n]` marker are.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import cache
from typing import Any

Span = tuple[int, int]

WORD = re.compile(r"\w+")  # a word as `tokenize` sees it
# Ligatures spelt out, and typographic apostrophes ("qu’est-ce") made plain, so that patterns
# written with "'" match either.
_PLAIN_APOSTROPHE = {"’": "'", "‘": "'", "ʼ": "'"}
_APOSTROPHES = str.maketrans(_PLAIN_APOSTROPHE)
_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ß": "ss"} | _PLAIN_APOSTROPHE)
_STEMMERS = {"fr": "french", "en": "english"}
QUESTION_WORDS = (
    "combien comment pourquoi quand où qui quoi quel quelle quels quelles lequel laquelle "
    "lesquels lesquelles what which who whom whose when where why how"
)
_PUNKT_LANGS = {
    "fr": "french",
    "en": "english",
    "de": "german",
    "es": "spanish",
    "it": "italian",
    "pt": "portuguese",
    "nl": "dutch",
}
_PARAGRAPH = re.compile(r"[^\n]+")

# A citation marker as answers carry it once resolved: "[3]". (What a model may write, such as
# "[sources 1 et 2]", is parsed by `index.answer.citations`.)
MARKER = re.compile(r"\[(\d+)\]")
_MARKER_WITH_SPACE = re.compile(r"\s*\[\d+\]")


def plain_apostrophes(text: str) -> str:
    """The text with its typographic apostrophes made plain: a question typed on a phone
    ("Qu’est-il arrivé ?") reads like one typed on a keyboard, and like the reader's training."""
    return text.translate(_APOSTROPHES)


# Characters no text of ours needs: C0 controls but tab, newline and carriage return, DEL and
# C1 controls. ESC and BEL in a stored title would drive the user's terminal (OSC sequences).
# Some are line breaks (Word's vertical tab, form feed, the separators, NEL), and C1 characters
# in text are mostly Windows-1252 read as Latin-1 ("l\x92homme" is "l’homme").
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_BREAKS = {ord(c): "\n" for c in "\x0b\x0c\x1c\x1d\x1e\x85"}
_C1 = {
    code: bytes([code]).decode("cp1252", errors="ignore")
    for code in range(0x80, 0xA0)
    if code != 0x85
}


def without_controls(text: str) -> str:
    """The text without control characters: what a feed or a file writes is not a command to
    the terminal that prints it. Those that break lines become a newline, C1 characters the
    Windows-1252 character they stand for."""
    if not _CONTROLS.search(text):
        return text
    return _CONTROLS.sub("", text.translate(_BREAKS).translate(_C1))


def repaired(text: str) -> str:
    """Text typed where bytes were not UTF-8 (a Latin-1 terminal, a pasted byte): Python hands
    each such byte over as a lone surrogate, which no tokenizer or database takes. Each is read
    as Windows-1252, the usual other encoding of French text ("gagn\\xe9" -> "gagné"); any
    other lone surrogate becomes U+FFFD."""
    if not any("\ud800" <= ch <= "\udfff" for ch in text):
        return text
    return "".join(_byte_read(ch) if "\ud800" <= ch <= "\udfff" else ch for ch in text)


def _byte_read(surrogate: str) -> str:
    code = ord(surrogate)
    if 0xDC80 <= code <= 0xDCFF:
        return bytes([code - 0xDC00]).decode("cp1252", errors="replace")
    return "\ufffd"


def fold(text: str) -> str:
    """Lower case without accents or ligatures: 'Élysée' and 'elysee' match."""
    decomposed = unicodedata.normalize("NFKD", text.lower().translate(_LIGATURES))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _base_letter(letter: str) -> str | None:
    """The ASCII letter under a precomposed accented one ("é" -> "e"), else None."""
    decomposed = unicodedata.normalize("NFD", letter)
    marks = decomposed[1:]
    plain = decomposed[0].isascii() and marks and all(unicodedata.combining(c) for c in marks)
    return decomposed[0] if plain else None


# Accented Latin letters and typographic apostrophes and hyphens to ASCII, one character for one,
# so that positions in the folded text are those of the original. Per-character NFD, the general
# way, took ~50 µs a question.
_FOLD_TABLE = {code: base for code in range(0xC0, 0x250) if (base := _base_letter(chr(code)))}
_FOLD_TABLE.update({ord(c): "'" for c in "’‘ʼ"} | {ord(c): "-" for c in "‐‑"})
_COMBINING = re.compile(r"[\u0300-\u036f]")


def fold_keeping_offsets(text: str) -> tuple[str, list[int] | None]:
    """Folded text and where each of its characters came from (None: at the same offsets).

    Unlike `fold`, ligatures stay one character, so a match in the folded text maps back to
    the original with `original_span`."""
    folded = text.translate(_FOLD_TABLE).lower()
    if len(folded) == len(text) and not _COMBINING.search(folded):
        return folded, None
    chars: list[str] = []  # decomposed accents or a letter whose lower case is longer
    origin: list[int] = []
    for i, ch in enumerate(text.translate(_FOLD_TABLE)):
        for c in unicodedata.normalize("NFD", ch.lower()):
            if not unicodedata.combining(c):
                chars.append(c)
                origin.append(i)
    return "".join(chars), origin


def original_span(text: str, origin: list[int] | None, start: int, end: int) -> Span:
    """The span of `text` that the folded span [start, end) came from."""
    if origin is None:
        return start, end
    stop = origin[end - 1] + 1
    while stop < len(text) and unicodedata.combining(text[stop]):
        stop += 1  # a decomposed accent belongs to the letter before it
    return origin[start], stop


@cache
def _stopwords() -> frozenset[str]:
    from bm25s.stopwords import STOPWORDS_EN, STOPWORDS_FRENCH

    words = {fold(w) for w in (*STOPWORDS_FRENCH, *STOPWORDS_EN)}
    # Elided articles and pronouns ("l'", "qu'") split off as single letters.
    words |= set("abcdefghijklmnopqrstuvwxyz") | {"qu", "jusqu", "lorsqu", "puisqu"}
    # Question words say what kind of answer is wanted, not what it is about (MRR@10 on
    # piaf-dev +0.01 without them).
    words |= {fold(w) for w in QUESTION_WORDS.split()}
    return frozenset(words)


@cache
def _stemmer(lang: str) -> Any:
    import Stemmer

    return Stemmer.Stemmer(_STEMMERS.get(lang, "french"))


def tokenize(text: str, lang: str = "fr") -> list[str]:
    """Content words, folded, then stemmed in the text's language (French by default).

    Folding first makes accented and bare spellings stem alike ("Élysée", "elysee")."""
    stop = _stopwords()
    words = [w for w in WORD.findall(fold(text)) if w not in stop]
    return list(_stemmer(lang).stemWords(words))


@cache
def _punkt(lang: str) -> Any:
    import nltk.data
    from nltk.tokenize.punkt import PunktTokenizer

    from index.offline import nltk_data_dir

    # llama-index ships punkt_tab; pointing NLTK at it keeps this offline.
    data = nltk_data_dir()
    if data is not None and str(data) not in nltk.data.path:
        nltk.data.path.append(str(data))
    return PunktTokenizer(_PUNKT_LANGS.get(lang, "english"))


def load_sentence_splitter(lang: str = "fr") -> None:
    """Load the splitter now (importing NLTK takes most of a second), not at its first use."""
    _punkt(lang)


_OPENERS = ("«", "“")


def sentence_spans(text: str, lang: str = "") -> list[Span]:
    """Sentences as (start, end) offsets into `text`; paragraphs never share a sentence."""
    punkt = _punkt(lang)
    spans: list[Span] = []
    for para in _PARAGRAPH.finditer(text):
        base = para.start()
        for start, end in punkt.span_tokenize(para.group()):
            spans.append((base + start, base + end))
    return _openers_moved(text, spans)


def _openers_moved(text: str, spans: list[Span]) -> list[Span]:
    """Punkt ends a sentence after the « that opens the next one ("…Philippe. « C'est la
    décision…"): the « goes back to the sentence it opens."""
    moved = list(spans)
    for i in range(len(moved) - 1):
        start, end = moved[i]
        inside = text[start:end].rstrip()
        if not inside.endswith(_OPENERS) or len(inside) < 2:
            continue
        opener = start + len(inside) - 1
        if "\n" in text[opener + 1 : moved[i + 1][0]]:
            continue  # the next sentence is another paragraph's
        moved[i] = (start, start + len(text[start:opener].rstrip()))
        moved[i + 1] = (opener, moved[i + 1][1])
    return moved


def sentences_holding(text: str, start: int, end: int, lang: str = "") -> Span:
    """The sentence(s) of `text` that hold the characters from `start` to `end` (that very
    range if none does)."""
    spans = sentence_spans(text, lang) or [(0, len(text))]
    holding = [(a, b) for a, b in spans if a < end and b > start]
    if not holding:
        return start, end
    return holding[0][0], holding[-1][1]


def counted(count: int, noun: str) -> str:
    """ "1 source", "3 sources": an English count for the lines the tools print."""
    return f"{count} {noun}" + ("" if count == 1 else "s")


def strip_markers(text: str) -> str:
    """The text without its `[n]` markers (and the blanks before them)."""
    return _MARKER_WITH_SPACE.sub("", text)


def jaccard(a: Iterable[str], b: Iterable[str]) -> float:
    """Shared words over all words of the two; 0 when either is empty."""
    first, second = set(a), set(b)
    return len(first & second) / len(first | second) if first and second else 0.0
