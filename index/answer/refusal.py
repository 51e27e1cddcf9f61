"""The one "I don't know" of every backend, in the question's language."""

from __future__ import annotations

DONT_KNOW = {
    "fr": "Je ne sais pas : les articles de l'archive ne répondent pas à cette question.",
    "en": "I don't know: the articles in the archive do not answer this question.",
}


def dont_know(language: str) -> str:
    """The refusal shown to the user (English for a language without its own text)."""
    return DONT_KNOW.get(language, DONT_KNOW["en"])


# A period the archive has no article from ("in May 2020" of an archive that ends in 2018):
# the user is told why, since asking otherwise will not help.
NO_NEWS_THEN = {
    "fr": "Je ne sais pas : l'archive n'a aucun article de cette période.",
    "en": "I don't know: the archive holds no article from that period.",
}


def no_news_then(language: str) -> str:
    """The refusal for a question about a period after the archive's newest article."""
    return NO_NEWS_THEN.get(language, NO_NEWS_THEN["en"])
