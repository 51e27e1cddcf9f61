"""News time in the ranking: nothing from after the question's "today", recent news first.

A question that names no period ("Qui est le Premier ministre ?") is about the state of things
on its reference date, so articles close before that date count more. The boost is bounded
(score x (1 + weight x 2^(-age / half-life))) rather than a plain decay: a plain decay ranks a
two-year-old archive by date alone, while a bounded one reorders within a factor of 1 + weight
(with the defaults, a chunk of today can pass one ranked about tenth), and fades to nothing for
an archive far older than the reference date.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, timedelta

from index.retrieval.dates import DateRange
from index.storage import timestamp
from index.text import fold

DAY_S = 86_400
# "Qui est", "quel pays est", "qui préside", "who is", "what is the current", "actuel": the
# answer is whatever holds on the reference date, so the latest article that answers is the
# one to trust.
_STATE = re.compile(
    r"^\s*(?:qui|quel(?:le)?s?|who|what|which)\s+(?:\w+\s+)?(?:est|sont|is|are)\b"
    # "qui préside / dirige …": a role verb in the present asks who holds the role now
    r"|^\s*(?:qui|who)\s+(?:preside|dirige|gouverne|commande|entraine|detient|occupe|"
    r"leads|heads|runs|governs|rules|chairs|coaches|holds)\b"
    r"|\b(?:actuel(?:le)?s?|actuellement|maintenant|en\s+ce\s+moment|current(?:ly)?|now|nowadays|"
    r"aujourd'hui|today|dernier(?:e|s|es)?\s+(?:vainqueur|gagnant|laureat|elu|president)|"
    # "le dernier acte", "la dernière finale": the latest of them ("le dernier à marcher sur
    # la Lune" is no such one; "la semaine dernière" is a period, told before)
    r"(?:le|la|les|du|au|aux|l')\s*dernier(?:e|s|es)?\s+(?!(?:a|de|du|des|d'|en)\b)[a-z]+|"
    # "so far": a count or a state as it stands on the reference date
    r"a\s+ce\s+jour(?!-)|jusqu'(?:ici|a\s+present|a\s+maintenant)|pour\s+l'instant|"
    r"pour\s+le\s+moment|on\s+en\s+est|ou\s+en\s+est|qu'en\s+est-il|toujours|so\s+far|"
    r"to\s+date|until\s+now|still)\b"
)
# "Le plus récemment", "most recent(ly)", "latest": the latest one is asked, even of an event
# ("Quel cycliste est mort le plus récemment ?").
_LATEST = re.compile(
    r"\b(?:le\s+plus\s+recemment|(?:le|la|les)\s+plus\s+recente?s?|most\s+recent(?:ly)?|"
    r"latest)\b"
)
# "Quel jour est né…", "Qui est mort…", "Which president is buried…": a past participle after
# the verb tells of an event, not of a state (read before accents are folded away).
_EVENT = re.compile(
    r"^\s*(?:qui|quel(?:le)?s?|who|what|which)\s+(?:\w+\s+)?(?:est|sont|is|are)\s+"
    r"(?:\w+(?:é|ée|és|ées|ed)|née?s?|morte?s?|sortie?s?|partie?s?|(?:de|re)?venue?s?|born|dead)\b"
)
# "Combien de morts …", "how many people were killed …": a toll news revises as it goes (84
# dead, then 86), so the latest article that counts is the one to trust.
_TOLL = re.compile(
    r"\b(?:combien|nombre)\b[^?]*\b(?:morts?|mortes|victimes|blesses|tues|tuees|deces|decedee?s|"
    r"disparus|peri|perdu\s+la\s+vie)\b"
    r"|\bhow\s+many\b[^?]*\b(?:dead|deaths|died|killed|victims|injured|wounded|casualties|"
    r"missing)\b|\bdeath\s+toll\b"
    # "le bilan" alone may be a government's; a disaster's or a human one is a toll.
    r"|\bbilan\s+(?:humain|provisoire|definitif|officiel|des\s+(?:morts|victimes))\b"
    r"|\bbilan\b[^?]*\b(?:attentat|attaque|seisme|tremblement|accident|crash|catastrophe|"
    r"explosion|incendie|inondations?|ouragan|tempete|cyclone|typhon|fusillade|naufrage|coulee|"
    r"glissement|eruption|avalanche|effondrement|deraillement|collision|epidemie)"
)
# "Combien", "how many", "le nombre de": a figure, which news may revise.
_COUNT = re.compile(
    r"\b(?:combien|how\s+(?:many|much)|nombre\s+(?:de|d')|number\s+of|au\s+total)\b"
)
_YEAR = re.compile(r"(?<!\d)(?:1[5-9]\d\d|20\d\d)(?!\d)")
# What looks ahead: a future ("aura lieu", "se tiendra", "will"), a plan or a schedule. An
# article written before a period can only speak of it that way. (Read on the question's
# words in lower case: "Laura", "Honduras" are no futures.)
_AHEAD = re.compile(
    r"\b(?:sera|seront|aura|auront|fera|feront|ira|iront|\w{3,}(?:era|ira|dra|ra|ront)|"
    r"va\s+\w+(?:er|ir|re)|vont|doit|doivent|devrait|devraient|pourrait|pourraient|"
    r"\w+rait|\w+raient|prevue?s?|prevoi\w*|programmee?s?|a\s+venir|prochaine?s?|"
    r"will|shall|going\s+to|due|planned|scheduled|expected|upcoming|next|would|could)\b"
)
# What looks back: a past tense ("a gagné", "est mort", "a-t-il dit", "présidait", "fut",
# "won", "did", "was"), the question of what happened in a period.
_BACK = re.compile(
    r"\b(?:a|ont|est|sont|as|ai|avait|avaient|etait|etaient)(?:-t)?(?:-(?:il|elle|ils|elles|on))?"
    r"\s+(?:(?:deja|bien|ete|eu|jamais|finalement|officiellement)\s+)*"
    r"(?!(?:le|la|les|un|une|des|du|de|l|d|lieu|il|elle|ils|elles|on|en|y|plus|moins|pas|"
    r"ce|cette|ces|son|sa|ses|leur|leurs)\b)[a-z]+(?:e|es|ee|ees|i|is|ie|ies|u|us|ue|ues|t|ts)\b"
    r"|\b\w+(?:ait|aient)\b|\b(?:fut|furent|eut|eurent)\b|s'est\s+(?:passe|produit|deroule)"
    r"|\b(?:did|was|were|had|happened|won|lost|died|became|took|made|said|went|came)\b"
    r"|\b[a-z]{3,}ed\b"
)


def asks_current_state(question: str) -> bool:
    """Whether the question asks how things stand now ("Qui est le Premier ministre ?", "Qui
    préside la FIFA ?", "quel pays est …", "actuel", a toll) or for the latest one ("le plus
    récemment", "latest"), names no year and tells of no other event ("Quel jour est né …")."""
    folded = fold(question)
    state = _STATE.search(folded) is not None and not _EVENT.search(question.lower())
    state = state or _LATEST.search(folded) is not None
    return (state or asks_a_toll(question)) and not years_named(question)


def asks_a_toll(question: str) -> bool:
    """Whether the question asks for a count of dead, injured or missing, which news revises
    from one article to the next."""
    return bool(_TOLL.search(fold(question)))


def asks_a_count(question: str) -> bool:
    """Whether the question asks for a number or a toll ("combien", "how many", "le bilan du
    séisme"): asked of how things stand, news revises it from one article to the next (day 29,
    then 39 of a protest), so a later article's figure is worth some of the reader's
    confidence."""
    return bool(_COUNT.search(fold(question))) or asks_a_toll(question)


def years_named(text: str) -> set[str]:
    """The years a question names ("Eurovision 2016"): such a question is about that year,
    not pushed toward recent news nor answered from another year's."""
    return set(_YEAR.findall(text))


def not_after(today: date, grace_days: int = 0) -> tuple[int, int]:
    """Publication timestamps up to `today` (and `grace_days` after), undated articles (stored
    as -1) included."""
    return -1, timestamp(today + timedelta(days=grace_days))


def within(period: tuple[int, int], limit: tuple[int, int] | None) -> tuple[int, int]:
    """The part of `period` that `limit` allows."""
    if limit is None:
        return period
    return max(period[0], limit[0]), min(period[1], limit[1])


def boosted(
    fused: Sequence[tuple[str, float]],
    published: Sequence[int],
    today: date,
    half_life_days: float,
    weight: float,
) -> list[tuple[str, float]]:
    """The fused (id, score) list with recent chunks boosted, best first; undated ones unboosted.

    `published` holds each chunk's publication timestamp (-1: undated), in `fused` order."""
    if weight <= 0 or not fused:
        return list(fused)
    now = timestamp(today)
    out = []
    for (cid, score), ts in zip(fused, published, strict=True):
        if ts >= 0:
            age_days = max(0.0, (now - ts) / DAY_S)
            score *= 1.0 + weight * 0.5 ** (age_days / half_life_days)
        out.append((cid, score))
    return sorted(out, key=lambda pair: -pair[1])


# Who won: an outcome, which only an article written after the event can tell. ("Élu" is
# left out: a city "élue pour les JO 2024" was chosen years before.)
_OUTCOME = re.compile(
    r"\b(?:gagne|gagnee|gagnes|gagnees|gagna|remporte|remportee|remportes|remportees|remporta|"
    r"vainqueur|gagnante?|won|winner)\b"
)
# A host, a bid, a contract or a budget is won long before its year: "Quelle ville a remporté
# les JO 2024 ?" was told in 2017.
_WON_AHEAD = re.compile(
    r"\b(?:villes?|city|cities|droit|organis\w*|accueil\w*|candidatures?|bids?|host\w*|"
    r"contrats?|contracts?|budgets?|marches?|appels? d'offres|tenders?|attribution)\b"
)


def outcome_after(newest: date | None, question: str) -> bool:
    """Whether the question asks who won an event of a year that began after the newest
    article it may read ("Qui a gagné l'Eurovision 2019 ?" of an archive that ends in 2018):
    an article written before could only look ahead ("…dont le gagnant
    représentera la France l'année prochaine"). Asked ahead ("Qui va gagner…", "Who will
    win…"), it is answered from what was expected."""
    if newest is None or not any(int(year) > newest.year for year in years_named(question)):
        return False
    words = _lower_words(question)
    if _WON_AHEAD.search(words):
        return False
    return _OUTCOME.search(words) is not None and _AHEAD.search(words) is None


def _lower_words(question: str, name: str = "") -> str:
    """Its words in lower case, the first one included ("Qu'a dit…"), folded: names are no
    tenses. They are left out, or held as `name` where the words around them matter."""
    words = (question[:1].lower() + question[1:]).split()
    return fold(" ".join(w if w.islower() else name for w in words if w.islower() or name))


# What is still to come, said as the time of the event ("Qui est mort demain ?"), not as what
# a thing is for or of ("annoncé pour l'an prochain", "l'école de demain", "the next week" of
# a story, "next year's budget", "à demain"). Read on the lower-case words: "le film Demain",
# "Tomorrow Never Dies" are names.
_TO_COME = re.compile(
    r"\b(?:apres-demain|demain|tomorrow|(?:(?:la|le) |l')?(?:semaine|mois|annee|an) prochaine?"
    r"|next (?:week|month|year))\b(?!'s)"
)
# Words before such a period that make it what a thing is for or of.
_FOR_OR_OF = re.compile(r"\b(?:de|d'|du|des|pour|a|d'ici|the|for|of|until|by)\s*$")


def past_of_what_is_to_come(question: str) -> bool:
    """Whether the question asks in a past tense what happened at a time still to come ("Qui
    est mort demain ?", "Who won the election next month?"): no article can tell it. Asked
    ahead ("Qui jouera demain ?", "Qu'est-ce qui est prévu la semaine prochaine ?") it is
    answered from what was announced."""
    words = _lower_words(question, name="_")  # "élu maire de Vernon demain" is no "de demain"
    for found in _TO_COME.finditer(words, 1):  # opening on "Demain": a title, or a future
        if _FOR_OR_OF.search(words, 0, found.start()):
            continue
        rest = words[: found.start()] + " " + words[found.end() :]
        return _BACK.search(rest) is not None and _AHEAD.search(rest) is None
    return False


def before_the_period(
    newest: date | None, period: DateRange | None, question: str, today: date
) -> bool:
    """Whether the question asks what happened in a period that began after the newest article
    it may read ("Qui a été élu en mai 2020 ?" of an archive that ends in 2018, "Qui est mort
    hier ?" of a stale one): no article was written then, and one written before could only
    have looked ahead. Only a question in a past tense is meant; one in the present may ask for
    a schedule ("Où se déroulent les Jeux en 2024 ?"), and how things stand "aujourd'hui" or
    "cette année" is still asked of the latest news ("Qui est le président aujourd'hui ?")."""
    if newest is None or period is None or period.start is None or newest >= period.start:
        return False
    asked = question.replace(period.text, " ")
    words = _lower_words(asked)
    now = period.end is None or period.end >= today
    state = _STATE.search(fold(asked)) is not None
    looks_back = _BACK.search(words) is not None and not _AHEAD.search(words)
    return looks_back and not (now and state and not _EVENT.search(question.lower()))
