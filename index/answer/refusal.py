"""The one "I don't know" of every backend, in the question's language."""

from __future__ import annotations

from datetime import date

from index.written_dates import human_date

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


# ... and where the archive ends, when that is before the question's "today".
ARCHIVE_ENDS = {
    "fr": "Je ne sais pas : l'archive n'a aucun article de cette période ; elle s'arrête au {}.",
    "en": "I don't know: the archive holds no article from that period; it ends on {}.",
}


def no_news_then(language: str, ends: date | None = None) -> str:
    """The refusal for a question about a period after the archive's newest article, saying
    the day the archive ends on when given."""
    if ends is None:
        return NO_NEWS_THEN.get(language, NO_NEWS_THEN["en"])
    said = language if language in ARCHIVE_ENDS else "en"
    return ARCHIVE_ENDS[said].format(human_date(ends, said))
