"""The one "I don't know" of every backend, in the question's language."""

from __future__ import annotations

DONT_KNOW = {
    "fr": "Je ne sais pas : les articles de l'archive ne répondent pas à cette question.",
    "en": "I don't know: the articles in the archive do not answer this question.",
}


def dont_know(language: str) -> str:
    """The refusal shown to the user (English for a language without its own text)."""
    return DONT_KNOW.get(language, DONT_KNOW["en"])
