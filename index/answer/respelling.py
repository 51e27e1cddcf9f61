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

from bm25s.stopwords import STOPWORDS_EN

from index.text import fold

# A word, or a compound taken whole ("Royaume-Uni"; "Pays" in "Pays-Bas" says nothing of "pays").
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
# What ends a sentence or a title line: the word after it may be capitalized for that reason.
_SENTENCE_END = re.compile(r"(?:^|[.!?:«»\"\n–—]\s*|\n)$")


# After these, a word typed "remporte" is the participle "remporté" ("a remporte", "a ete
# arrete", "est decede").
_AUXILIARIES = frozenset(
    {"a", "ont", "ai", "as", "avons", "avez", "avait", "avaient", "eu", "ete", "est", "sont"}
    | {"etait", "etaient", "fut", "furent", "par"}
)
_PARTICIPLE = re.compile(r"é(?:e?s?)$")
_ENGLISH_FUNCTION_WORDS = frozenset(STOPWORDS_EN)


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


def _french_word(plain: str) -> str:
    """The most frequent French spelling of a plain word ("celebre" -> "célèbre"), else the
    word itself."""
    return next(iter(_french_forms().get(plain, ())), plain)


@cache
def _french_forms() -> dict[str, list[str]]:
    """Each folded French word with its spellings, most frequent first."""
    counts = _french_counts()
    forms: dict[str, list[str]] = defaultdict(list)
    for word in sorted(counts, key=lambda w: -counts[w]):
        forms[fold(word)].append(word)
    return forms


def _participle(plain: str) -> str | None:
    """The past participle a plain word may stand for ("arrete" -> "arrêté"), if French has
    one of that spelling."""
    return next((w for w in _french_forms().get(plain, ()) if _PARTICIPLE.search(w)), None)


def respell(question: str, texts: Iterable[str], language: str = "fr") -> str:
    """The French question with its plain words spelt as the texts spell them, or else as
    French usually spells them; a question in another language typed in capitals, in lower case
    past its first letter (the archive's French spelling is not its own).

    A question typed with capitals and accents is kept as typed. A plain word is one typed in
    lower case without accents (in a question typed in capitals, every word). Accents and
    capitals are decided apart:
    - accents, only for a word that is no French word as typed and that the texts do not hold
      as typed ("republique", "celebre", "ete"; not "dirige", "marie", "the"): the texts'
      most frequent accented form, else the word list's, and only when the question has no
      accent at all or the texts give one;
    - capitals, only in a question typed all in lower case or all in capitals, and only for a
      word the texts never write in lower case away from a sentence's start ("eurovision";
      not "premier", which "le premier tour" writes in lower case).
    In a question typed in capitals, a word that keeps no capital is put in lower case, but
    for a short acronym the word list does not know ("FMI", "UE")."""
    shouted = question.isupper()
    if language != "fr":
        return question[:1] + question[1:].lower() if shouted else question
    lowered = not shouted and question[1:] == question[1:].lower()
    accentless = fold(question) == question.lower()
    if not (shouted or lowered or accentless):
        return question
    seen = spellings(texts)
    words = _french_counts()
    parts: list[str] = []
    last = 0
    previous = ""
    for m in _WORD.finditer(question):
        word = m.group(0)
        plain = word.lower()
        after_auxiliary = fold(previous) in _AUXILIARIES
        previous = word
        if not shouted and word != fold(word):
            continue
        forms = seen.get(fold(word), Counter())
        new = plain
        participle = _participle(plain) if after_auxiliary and accentless else None
        if participle:
            new = participle  # "a remporte": "remporté", though "remporte" is a word too
        elif (
            plain == fold(plain)
            and plain not in words
            and plain not in _ENGLISH_FUNCTION_WORDS  # "the voice" is not "thé"
            and not any(f.lower() == plain for f in forms)
        ):
            accented = Counter({f.lower(): n for f, n in forms.items()})
            if accented:
                new = accented.most_common(1)[0][0]
            elif accentless:
                new = _french_word(plain)
        capitals = [f for f in forms if f != f.lower()]
        if (shouted or lowered) and capitals and len(capitals) == len(forms):
            new = max(capitals, key=lambda f: forms[f])
        elif shouted and 2 <= len(word) <= 4 and plain not in words and new == plain:
            new = word  # an acronym: "FMI"
        elif not shouted and new == plain:
            new = word
        parts += [question[last : m.start()], new]
        last = m.end()
    parts.append(question[last:])
    respelt = "".join(parts)
    return respelt[:1].upper() + respelt[1:] if shouted else respelt
