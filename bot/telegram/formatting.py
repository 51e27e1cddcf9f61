"""Telegram HTML for answers: linked [n] markers, sources, quotes, help, interface texts.

Everything that comes from articles or the model is escaped; the only tags are the ones written
here (`<a>`, `<b>`, `<i>`, `<blockquote>`), which `bot.telegram.splitting` closes and reopens.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from html import escape
from urllib.parse import urlsplit

from bot.sources import grouped, one_per_article
from index.records import Answer, Citation, CorpusStats, Freshness, Passage
from index.text import MARKER
from index.written_dates import human_date, human_time

# Longer URLs are shown as text only: a 5,000-character link cannot be split across messages.
MAX_LINK_CHARS = 2048

TEXTS: dict[str, dict[str, str]] = {
    "fr": {
        "sources": "Sources",
        "closest": "Articles les plus proches",
        "quotes": "Passages cités",
        "show_quotes": "📖 Voir les citations",
        "no_answer_yet": "Pas encore de sources : posez d'abord une question.",
        "no_sources": "La dernière réponse ne cite aucun article.",
        "expired": "Cette réponse n'est plus en mémoire : reposez la question.",
        "reset": "Conversation oubliée. La prochaine question repart de zéro.",
        "not_allowed": "Désolé, ce bot est réservé à certains utilisateurs.",
        "empty_question": "Posez votre question après la mention, par exemple : {example}",
        "empty_private": "Posez une question avec des mots, par exemple : {example}",
        "unknown_command": (
            "Commande inconnue : {command}. Commandes : /help, /sources, /reset, /about."
        ),
        "not_text": "Je ne lis que le texte : posez votre question par écrit.",
        "failed": "Désolé, une erreur est survenue. Réessayez dans un instant.",
        "slow_down": (
            "Doucement : au plus {limit} questions par minute. Réessayez dans {seconds} s."
        ),
        "undated": "sans date",
        "empty_index": "Le fonds est vide pour l'instant : aucun article n'a encore été indexé.",
        "corpus": "Je réponds à partir de {articles} articles ({chunks} passages){span}{sources}.",
        "span": ", du {first} au {last}",
        "fresh": "Article le plus récent : {last}.",
        "watched": "Tenu à jour ({followed}), dernière relève le {when}.",
        "not_yet": "Tenu à jour ({followed}), première relève en cours.",
        "followed": "{n} source suivie|{n} sources suivies",
        "from": ", de {sources}",
        "help": (
            "Posez une question en une phrase, en français ou en anglais : je cherche dans les "
            "articles et je réponds en citant mes sources [1], [2]… Les questions de suivi "
            "(« Et ensuite ? ») tiennent compte de la conversation. Dans un groupe, "
            "mentionnez-moi ou répondez à un de mes messages."
        ),
        "examples": "Exemples",
        "commands": (
            "/sources : les passages cités par la dernière réponse\n"
            "/reset : oublier la conversation\n/about : d'où viennent les articles\n"
            "/help : ce message"
        ),
    },
    "en": {
        "sources": "Sources",
        "closest": "Closest articles",
        "quotes": "Quoted passages",
        "show_quotes": "📖 Show quotes",
        "no_answer_yet": "No sources yet: ask a question first.",
        "no_sources": "The last answer cites no article.",
        "expired": "This answer is no longer in memory: please ask again.",
        "reset": "Conversation forgotten. The next question starts afresh.",
        "not_allowed": "Sorry, this bot is restricted to some users.",
        "empty_question": "Ask your question after the mention, for example: {example}",
        "empty_private": "Ask a question in words, for example: {example}",
        "unknown_command": "Unknown command: {command}. Commands: /help, /sources, /reset, /about.",
        "not_text": "I only read text: please type your question.",
        "failed": "Sorry, something went wrong. Please try again in a moment.",
        "slow_down": "Easy there: at most {limit} questions a minute. Try again in {seconds} s.",
        "undated": "undated",
        "empty_index": "The archive is empty for now: no article has been indexed yet.",
        "corpus": "I answer from {articles} articles ({chunks} passages){span}{sources}.",
        "span": ", from {first} to {last}",
        "fresh": "Latest article: {last}.",
        "watched": "Kept current ({followed}), last round on {when}.",
        "not_yet": "Kept current ({followed}), first round running.",
        "followed": "{n} source followed|{n} sources followed",
        "from": ", from {sources}",
        "help": (
            "Ask a question in one sentence, in French or English: I search the articles and "
            "answer citing my sources [1], [2]… Follow-up questions (“and then?”) use the "
            "conversation so far. In a group, mention me or reply to one of my messages."
        ),
        "examples": "Examples",
        "commands": (
            "/sources: the passages quoted by the last answer\n"
            "/reset: forget the conversation\n/about: where the articles come from\n"
            "/help: this message"
        ),
    },
}
EXAMPLES = {
    "fr": (
        "Que s'est-il passé à Valence le 1er janvier 2016 ?",
        "Qu'a annoncé l'OMS au sujet d'Ebola ?",
        "Et qui l'a confirmé ?",
    ),
    "en": (
        "What happened in Valence on 1 January 2016?",
        "What did the WHO announce about Ebola?",
        "And who confirmed it?",
    ),
}
COMMANDS = {
    "fr": {
        "help": "Comment poser une question",
        "sources": "Passages cités par la dernière réponse",
        "reset": "Oublier la conversation",
        "about": "D'où viennent les articles",
    },
    "en": {
        "help": "How to ask a question",
        "sources": "Passages quoted by the last answer",
        "reset": "Forget the conversation",
        "about": "Where the articles come from",
    },
}


def ui_language(code: str | None) -> str:
    """The interface language for a Telegram language code: French first, English otherwise."""
    return "fr" if not code or code.lower().startswith("fr") else "en"


def text(lang: str, key: str, **values: object) -> str:
    """A fixed interface sentence (plain text: escape it before mixing it into HTML)."""
    template = TEXTS.get(lang, TEXTS["en"])[key]
    return template.format(**values) if values else template


def escape_text(value: str) -> str:
    """Text made safe between tags (quotes are left alone: they only matter in attributes)."""
    return escape(value, quote=False)


def sentence(lang: str, key: str, **values: object) -> str:
    """A fixed interface sentence, escaped for an HTML message."""
    return escape_text(text(lang, key, **values))


def link_target(url: str) -> str | None:
    """The URL if it may be a link: http(s) only (an article's `javascript:` URL is not), and
    short enough that the tag fits in a message with room to spare."""
    scheme = urlsplit(url).scheme.lower() if url else ""
    if scheme not in ("http", "https") or len(url) > MAX_LINK_CHARS:
        return None
    return url


def render_answer(answer: Answer) -> str:
    """The answer with its [n] markers linked, then the compact list of sources."""
    lang = answer.language if answer.language in TEXTS else "en"
    body = link_markers(answer.text, answer.citations)
    if answer.span and answer.text.startswith(answer.span):
        # The reader's short answer stands out; the escaped span is the body's first part.
        lead = escape_text(answer.span)
        body = f"<b>{lead}</b>{body[len(lead) :]}"
    if answer.refused:
        if not answer.closest:
            return body
        closest = "\n".join(f"• {_reference(p, lang)}" for p in one_per_article(answer.closest))
        return f"{body}\n\n<b>{sentence(lang, 'closest')}</b>\n{closest}"
    if not answer.citations:
        return body
    sources = "\n".join(f"[{s.n}] {_reference(s.passage, lang)}" for s in grouped(answer.citations))
    return f"{body}\n\n<b>{sentence(lang, 'sources')}</b>\n{sources}"


def link_markers(answer_text: str, citations: Iterable[Citation]) -> str:
    """Escape the text and turn each [n] into a link to the cited article, when it has a URL."""
    urls = {c.n: url for c in citations if (url := link_target(c.passage.url))}

    def link(marker: re.Match[str]) -> str:
        url = urls.get(int(marker.group(1)))
        number = marker.group(1)
        return f'[<a href="{escape(url)}">{number}</a>]' if url else marker.group()

    # Escaping leaves brackets and digits alone, so markers are found in the escaped text.
    return MARKER.sub(link, escape_text(answer_text))


def render_quotes(citations: Sequence[Citation], lang: str, *, expandable: bool = True) -> str:
    """Each cited passage's exact quote under its reference, one blockquote per source."""
    opening = "<blockquote expandable>" if expandable else "<blockquote>"
    blocks = [
        f"{opening}<b>[{s.n}]</b> {_reference(s.passage, lang)}\n"
        + "\n".join(f"<i>{escape_text(quote)}</i>" for quote in s.quotes)
        + "</blockquote>"
        for s in grouped(citations)
    ]
    return f"<b>{sentence(lang, 'quotes')}</b>\n" + "\n".join(blocks)


def render_help(stats: CorpusStats, lang: str, freshness: Freshness | None = None) -> str:
    """What the bot knows (size, dates, sources), how fresh it is, how to ask, example
    questions, commands."""
    if stats.articles == 0:
        corpus = text(lang, "empty_index")
    else:
        span = ""
        if stats.first_date and stats.last_date:
            first, last = human_date(stats.first_date, lang), human_date(stats.last_date, lang)
            span = text(lang, "span", first=first, last=last)
        sources = text(lang, "from", sources=", ".join(stats.sources)) if stats.sources else ""
        corpus = text(
            lang,
            "corpus",
            articles=stats.articles,
            chunks=stats.chunks,
            span=span,
            sources=sources,
        )
    if stats.last_date:
        corpus += " " + text(lang, "fresh", last=human_date(stats.last_date, lang))
    if freshness is not None and freshness.sources:
        one, many = text(lang, "followed", n=freshness.sources).split("|")
        followed = one if freshness.sources == 1 else many
        if freshness.last_round is None:
            corpus += " " + text(lang, "not_yet", followed=followed)
        else:
            when = human_time(freshness.last_round, lang)
            corpus += " " + text(lang, "watched", followed=followed, when=when)
    examples = "\n".join(f"• {escape_text(q)}" for q in EXAMPLES[lang])
    return (
        f"{escape_text(corpus)}\n\n{sentence(lang, 'help')}\n\n"
        f"<b>{sentence(lang, 'examples')}</b>\n{examples}\n\n{sentence(lang, 'commands')}"
    )


def _reference(passage: Passage, lang: str) -> str:
    """'Title (linked) — source, date', escaped."""
    title = escape_text(passage.title.strip() or passage.article_id)
    url = link_target(passage.url)
    if url:
        title = f'<a href="{escape(url)}">{title}</a>'
    day = human_date(passage.published_at, lang) if passage.published_at else text(lang, "undated")
    details = ", ".join(x for x in (escape_text(passage.source), day) if x)
    return f"{title} — {details}"
