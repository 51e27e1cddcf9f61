"""Language of an article or a question, by py3langid (its model ships in the package)."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

# Function words settle short questions, where character n-grams hesitate
# ("Qui remplace Pete Hegseth ?" scores as English on n-grams alone).


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_MARKERS = {
    "fr": _words(
        "qui que quoi quel quelle quels quelles combien comment pourquoi où quand est sont "
        "le la les des du de un une et à au aux pour dans sur avec ont il elle ils elles "
        "ce cette ces son sa ses leur été était a-t-il a-t-elle t-il t-elle y"
    ),
    "en": _words(
        "who what when where why how which the an of in on is are was were did does do "
        "to and for with about has have had it he she they this that these those"
    ),
}
_WORD = re.compile(r"[\w-]+")


def detect_language(text: str) -> str:
    """ISO 639-1 code of the text's language, from its first few thousand characters."""
    sample = text[:4000]
    if not sample.strip():
        return ""
    import py3langid

    lang, _score = py3langid.classify(sample)
    return str(lang)


def question_language(question: str, default: str = "fr") -> str:
    """French or English (the languages newsqa answers in), for a short question."""
    words = _WORD.findall(question.lower())
    votes = {lang: sum(w in markers for w in words) for lang, markers in _MARKERS.items()}
    if votes["fr"] != votes["en"]:
        return max(votes, key=lambda lang: votes[lang])
    lang, probability = _fr_en_identifier().classify(question)
    return str(lang) if probability >= 0.7 else default


@cache
def _fr_en_identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(["fr", "en"])
    return identifier
