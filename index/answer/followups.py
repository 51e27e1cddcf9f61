"""Follow-up questions made standalone without an LLM: carry the previous question's key terms."""

from __future__ import annotations

import re
from collections.abc import Sequence

from index.records import Turn
from index.text import fold, tokenize

# Openings and pronouns that lean on what was said before.
_LEANING_START = re.compile(
    r"^\s*(et|mais|puis|ensuite|and|but|what about|how about|what of|same for|et pour|et en)\b",
    re.IGNORECASE,
)
_PRONOUN_LIST = (
    "il elle ils elles lui leur leurs eux celui celle ceux celles ce cet cette ces son sa ses "
    "he she they him her them his its their it this that these those there"
)
_PRONOUNS = frozenset(_PRONOUN_LIST.split())
SHORT = 4  # content words: a question this short rarely stands alone
_WORD = re.compile(r"[\w'-]+")
# A year, said as one: first, after "en", "in", "de", "année", "season", "entre"… or after a
# dash ("2016-2017"); not "le 1500 mètres" or "2000 euros".
_YEAR = re.compile(
    r"(?:^|\b(?:en|in|de|d'|of|l'an|annee|year|saison|season|entre|between|et|and|depuis|since|"
    r"from|a|to|au|until|jusqu'en|about|for|pour)\s+|[-/])((?:1[89]|20)\d\d)\b"
)


# The reader's answer to a fact question: a short span, then its one source number.
_SPAN_ANSWER = re.compile(r"(?P<span>[^\n\[?!]{1,80}) \[\d+\]")
NAME_WORDS = 8  # a longer span is a phrase or a sentence, not a name to carry
_ASKING_LIST = (
    "qui quand ou comment pourquoi combien quel quelle quels quelles que quoi lequel laquelle "
    "who when where how why what which whom whose"
)
_ASKING = frozenset(_ASKING_LIST.split())


def recent_turns(history: Sequence[Turn], turns: int) -> list[Turn]:
    """The last `turns` exchanges (none for 0): how much of a conversation a question sees."""
    return list(history)[-turns:] if turns > 0 else []


def is_follow_up(question: str) -> bool:
    words = [fold(w) for w in _WORD.findall(question)]
    return (
        bool(_LEANING_START.match(question))
        or len(tokenize(question)) < SHORT
        or any(w in _PRONOUNS for w in words)
    )


def standalone_question(question: str, history: Sequence[Turn]) -> str:
    """The question, followed by the previous question's key terms when it leans on it.

    A name in the follow-up ("et la France ?", "what about Germany?") takes the place of the
    previous question's first name, its likely subject, so the new subject is searched instead;
    a year in it ("et en 2017 ?") takes the place of the previous question's years.
    """
    if not history or not is_follow_up(question):
        return question
    previous = history[-1].question
    dropped: set[str] = set()
    old_names, new_names = _names(previous), _names(question)
    new_year = _YEAR.search(fold(question))
    if new_names and old_names:
        dropped = set(old_names[0].split())
    if new_year:
        dropped |= set(_YEAR.findall(fold(previous)))
    carried = [w for w in _content_words(previous) if w not in dropped]
    subject = _answered_name(history[-1].answer)
    # "Et quand ?", "Où est-il né ?" after "Qui est mort le 14 janvier 2016 ?" answered "Alan
    # Rickman": a new question about the answer, which is now the subject. "Et en 2017 ?" or
    # "Et la France ?" ask the same question again of something else.
    asks_anew = bool(_asks(question) - _asks(previous)) or any(
        fold(w) in _PRONOUNS for w in _WORD.findall(question)
    )
    if subject and asks_anew and not new_names and not new_year:
        carried += [w for w in _WORD.findall(subject) if w not in carried]
    return f"{question.rstrip(' ?')} {' '.join(carried)}".strip() + " ?"


def _answered_name(answer: str) -> str:
    """The previous answer when it was a name the reader gave ("Alan Rickman [1]"), else "".
    Sums and dates are seldom what the next question is about; sentences and refusals never."""
    found = _SPAN_ANSWER.fullmatch(answer.strip())
    span = found["span"].strip() if found else ""
    named = span[:1].isupper() and not span.endswith(".") and len(span.split()) <= NAME_WORDS
    return span if named else ""


def _asks(text: str) -> set[str]:
    """The question words of a question: what it asks for (a person, a date, a place...)."""
    return {w for w in (fold(w) for w in _WORD.findall(text)) if w in _ASKING}


def _content_words(text: str) -> list[str]:
    """Words that survive BM25's stop list, in their written form."""
    kept = []
    for word in _WORD.findall(text):
        bare = word.split("'")[-1]
        if bare and tokenize(bare) and bare not in kept:
            kept.append(bare)
    return kept


def _names(text: str) -> list[str]:
    """Runs of capitalised words, the sentence's first word aside: the subjects in play."""
    names: list[str] = []
    run: list[str] = []
    for i, word in enumerate(w.split("'")[-1] for w in _WORD.findall(text)):
        if word[:1].isupper() and (i > 0 or "'" in text.split()[0]):
            run.append(word)
            continue
        if run:
            names.append(" ".join(run))
            run = []
    if run:
        names.append(" ".join(run))
    return names
