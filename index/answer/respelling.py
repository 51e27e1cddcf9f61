"""A question typed without accents or capitals, re-spelt the way the archive spells its words.

Users type "qui a gagne l'eurovision en 2016" or "QUI EST LE PRESIDENT ?"; the lexical search
folds case and accents away, but the embeddings and the reader see another string than the one
they learned from, and answer worse (`bench/typing_bench.py`: of 40 French dev questions, 34
answered right as written, 28 without accents, 19 in capitals). The passages retrieved for the
question spell its words properly: each plain word takes the spelling those passages use most,
away from a sentence's start (so "eurovision" becomes "Eurovision" and "republique"
"République").
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from functools import cache

from index.text import fold, is_stopword

# A word, or a compound taken whole ("Royaume-Uni"; "Pays" in "Pays-Bas" says nothing of "pays").
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
# What ends a sentence or a title line: the word after it may be capitalized for that reason.
_SENTENCE_END = re.compile(r"(?:^|[.!?:«»\"\n–—]\s*|\n)$")


def spellings(texts: Iterable[str]) -> dict[str, Counter[str]]:
    """Each folded word of the texts with how often each spelling of it occurs, leaving out
    words that open a sentence (their capital says nothing)."""
    seen: dict[str, Counter[str]] = defaultdict(Counter)
    for text in texts:
        for m in _WORD.finditer(text):
            if _SENTENCE_END.search(text[max(0, m.start() - 3) : m.start()]):
                continue
            seen[fold(m.group(0))][m.group(0)] += 1
    return seen


@cache
def _french_counts() -> dict[str, int]:
    """French words, in lower case, with their frequency (pyspellchecker's list, about 140,000
    words)."""
    from spellchecker import SpellChecker

    return dict(SpellChecker(language="fr", distance=1).word_frequency.dictionary)


@cache
def _french_words() -> dict[str, str]:
    """Each folded French word with its most frequent spelling: "celebre" -> "célèbre"."""
    counts = _french_counts()
    best: dict[str, str] = {}
    for word, count in counts.items():
        key = fold(word)
        if key not in best or count > counts[best[key]]:
            best[key] = word
    return best


def respell(question: str, texts: Iterable[str], language: str = "fr") -> str:
    """The French question with its plain words spelt as the texts spell them, or else as
    French usually spells them; a question in another language typed in capitals, in lower case
    past its first letter (the archive's French spelling is not its own).

    A question typed with capitals and accents is kept as typed. In one typed in capitals,
    every word is plain, and a word neither source knows is put in lower case. Otherwise a
    plain word is one typed in lower case without accents: in a question without any capital
    past its first letter it takes the texts' spelling, capitals included ("eurovision"); when
    the user did capitalize, it only takes accents ("Qui est le president de l'Ukraine ?").
    The word list only adds accents, and only to a question typed without any. A function word
    is kept as typed when it is a word as typed ("ou" and "où" fold alike)."""
    shouted = question.isupper()
    if language != "fr":
        return question[:1] + question[1:].lower() if shouted else question
    lowered = not shouted and question[1:] == question[1:].lower()
    accentless = fold(question) == question.lower()
    if not (shouted or lowered or accentless):
        return question
    seen = spellings(texts)
    lexicon = _french_words() if accentless else {}
    parts: list[str] = []
    last = 0
    for m in _WORD.finditer(question):
        word = m.group(0)
        if not shouted and word != fold(word):
            continue
        forms = seen.get(fold(word), Counter())
        if not (shouted or lowered):
            forms = Counter({f: n for f, n in forms.items() if f == f.lower()})
        if is_stopword(word):
            # "ou" and "a" are words as typed, as are "où" and "à": kept. "ete" is none: "été".
            plain = word.lower()
            new = plain if not lexicon or plain in _french_counts() else lexicon.get(plain, plain)
            new = word if new == plain and not shouted else new
        elif forms:
            new = forms.most_common(1)[0][0]
        else:
            new = lexicon.get(fold(word), word.lower() if shouted else word)
        parts += [question[last : m.start()], new]
        last = m.end()
    parts.append(question[last:])
    respelt = "".join(parts)
    return respelt[:1].upper() + respelt[1:] if shouted else respelt
