"""What kind of answer a question wants (a person, a number, a date, a place), and whether a
sentence offers one the question does not already contain.

A sentence that merely restates the question ("Pete Hegseth participera à la réunion") shares
the most words with it; the one that answers it ("Matthew Whitaker le remplacera") brings
something new of the wanted kind.
"""

from __future__ import annotations

import re

from index.text import fold

# Words that may stand between "quel"/"which" and a word for a person or a place: "Quel ancien
# chancelier allemand", "Which former French president", "Which Japanese city".
_QUALIFIER = (
    r"ancien(ne)?s?|former|new|nouvel(le)?|nouveau|grand(e)?s?|jeune|young|famous|celebre|ex|"
    r"belge|suisse|russe|turc|turque|grec(que)?|"
    r"[a-z-]+(an|ian|ese|ish|ch|ien(ne)?|ain(e)?|ais(e)?|ois(e)?|and(e)?|ol(e)?)s?|"
    r"[a-z]{2,3}"  # "US", "NBA", and "est le" in "quel est le président"
)
_PERSON_WORDS = (
    r"president(e)?|premier(e)? ministre|prime minister|ministre|minister|chanteu(r|se)|"
    r"singer|acteur|actrice|actor|actress|comedien(ne)?|joueu(r|se)|player|footballeur|"
    r"footballer|athlete|sporti(f|ve)|ecrivain(e)?|writer|auteur|autrice|author|dirigeant(e)?|"
    r"leader|patron(ne)?|boss|candidat(e)?|candidate|entraineu(r|se)|homme|femme|woman|"
    r"musicien(ne)?|musician|artiste|artist|realisat(eur|rice)|director|journaliste|"
    r"journalist|cycliste|cyclist|patineu(r|se)|skater|boxeu(r|se)|boxer|nageu(r|se)|swimmer|"
    r"coureu(r|se)|runner|pape|pope|roi|reine|chanceli(er|ere)|chancellor|couturier|designer|"
    r"rappeu(r|se)|rapper|astronaute|astronaut|scientifique|scientist|chercheu(r|se)|"
    r"researcher|mp|depute(e)?|senat(eur|rice)|senator|maire|mayor|vice-president(e)?|"
    r"capitaine|captain|chef"
)
_KINDS: list[tuple[str, re.Pattern[str]]] = [
    (
        "number",
        re.compile(
            r"\b(combien|quel(le)?s? (est le |est la )?(montant|nombre|age|somme|prix|taux|"
            r"pourcentage|bilan)|how (many|much|old)|what (percentage|number|amount))\b"
        ),
    ),
    (
        "date",
        re.compile(
            r"\b(quand|depuis quand|en quelle annee|quel(le)? (jour|annee|date|mois)|when|"
            r"what (year|date|day|month)|which (year|day))\b"
        ),
    ),
    (
        "person",
        re.compile(
            r"\b(qui|who|whom|par qui|(quel(le)?s?|which|what) "
            rf"(({_QUALIFIER}) ){{0,2}}(ex-)?({_PERSON_WORDS})s?)\b"
        ),
    ),
    (
        "place",
        re.compile(
            r"\b(ou|d'ou|where|(quel(le)?s?|which|what) "
            rf"(({_QUALIFIER}) ){{0,2}}(pays|villes?|regions?|country|countries|city|cities|"
            r"towns?)(?! (singer|star|music|player|song|club|team)|'s))\b"
        ),
    ),
]
_NUMBER = re.compile(
    r"\d|\b(un|une|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|treize|quatorze|"
    r"quinze|seize|vingt|trente|quarante|cinquante|soixante|cent|mille|million|milliard|one|two|"
    r"three|four|five|seven|eight|nine|ten|eleven|twelve|(thir|four|fif|six|seven|eigh|"
    r"nine)teen|(twen|thir|for|fif|six|seven|eigh|nine)ty|hundred|thousand|billion|"
    r"dozen|(diz|douz|quinz|vingt|trent|quarant|cinquant|soixant|cent)aine)s?\b"
)
_DATE = re.compile(
    r"\b(1[5-9]\d\d|20\d\d|janvier|fevrier|mars|avril|mai|juin|juillet|aout|septembre|octobre|"
    r"novembre|decembre|january|february|march|april|may|june|july|august|september|october|"
    r"november|december|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|monday|tuesday|"
    r"wednesday|thursday|friday|saturday|sunday|hier|yesterday|aujourd'hui|today)\b"
)
_NAME = re.compile(r"\b[A-ZÀ-Ý][\w'-]+(?:\s+(?:de |du |von |van |el |al-)?[A-ZÀ-Ý][\w'-]+)+")
_CAPITAL = re.compile(r"(?<![.!?]\s)\b[A-ZÀ-Ý][\w'-]{2,}")


def answer_kind(question: str) -> str | None:
    """The kind of answer wanted, from the question word; None when it is not clear."""
    folded = fold(question)
    for kind, pattern in _KINDS:
        if pattern.search(folded):
            return kind
    return None


# "Quel pays…", "Dans quel pays…", "Which country…": one country is the answer ("Quels pays…"
# may want a list; "country singer", "country-wide" and "le pays de Galles" ask for none).
_ONE_COUNTRY = re.compile(
    r"\b(quel pays|quel est le pays|(which|what) country)\b"
    r"(?!-| (de galles|basque|singer|music|star|club|house|road|song|album|band)\b)"
)


def asks_a_country(question: str) -> bool:
    """True when the question asks which one country."""
    return _ONE_COUNTRY.search(fold(question)) is not None


def gives_a_number(text: str) -> bool:
    """True when a text holds a figure: digits or a number word ("12 personnes", "seize",
    "une trentaine", "une année"; so "un" / "une" too, which is as often a count as an
    article)."""
    return _NUMBER.search(fold(text)) is not None


def offers(sentence: str, kind: str | None, question: str) -> bool:
    """True when the sentence holds something of that kind that the question lacks."""
    if kind is None:
        return False
    asked = fold(question)
    if kind == "number":
        return any(m.group(0) not in asked for m in _NUMBER.finditer(fold(sentence)))
    if kind == "date":
        return any(m.group(0) not in asked for m in _DATE.finditer(fold(sentence)))
    pattern = _NAME if kind == "person" else _CAPITAL
    return any(fold(m.group(0)) not in asked for m in pattern.finditer(sentence[1:]))


# Questions whose answer is a reason, a manner or a summary: a sentence answers them, a span
# does not. "Comment s'appelle / s'appelait / se nomme..." and "how many" ask for a name or a
# number.
_EXPLANATION = re.compile(
    r"\b(pourquoi|pour quelle raison|comment(?! (s'appel|se nomm|(est|etait|a ete) (appele|nomme|"
    r"surnomme|baptise)))|why|how(?! (many|much|old|long|far|"
    r"big|tall))|resum\w*|explique\w*|summar\w*|explain\w*|que s'est-il passe|"
    r"qu'est[- ]ce (qui|qu'il) s'est passe|qu'est[- ]ce qui se passe|que se passe-t-il|"
    r"qu'est-il arrive|what (has )?happened|what's happened|what is happening|what's happening|"
    r"decri\w*|describe\w*|en quoi|(quel(le)?s?|what) (est|etait|sont|etaient|is|was|were|are) "
    r"(le |la |les |the )?(raison|reason|motif|motive)s?|for what reason|tell me about|"
    r"parle[sz]?[- ]moi (de|d'|du|des)|que (sais[- ]tu|savez[- ]vous) (de|d'|sur)|"
    r"what do you know about)\b"
)
# A question asked yes or no ("Paul Bocuse est-il mort ?", "Est-ce que…", "Is he dead?"):
# the sentence that says it answers, not a span.
_YES_NO = re.compile(
    r"^(est[- ]ce qu|(is|are|was|were|am|do|does|did|has|have|had|can|could|will|would|should)"
    r"\b)|\w-(t-)?(il|elle|ils|elles|on)\b"
)
_POLITE = re.compile(
    r"((can|could|would) you (tell|give|show|find)|do you know|does anyone know|"
    r"(sais|peux|pourrais)[- ]tu|(savez|pouvez|pourriez)[- ]vous|sait[- ]on|connait[- ]on|"
    r"est[- ]ce qu'on (sait|connait))\b"
)
_ASKS_WHAT = re.compile(
    r"\b(qui|que|qu'|quoi|quel(le)?s?|lequel|laquelle|ou|quand|comment|pourquoi|combien|who|"
    r"whom|whose|what|which|when|where|why|how)\b"
)


def wants_explanation(question: str) -> bool:
    """True when the question asks why, how, for a summary or yes or no rather than for a
    fact."""
    folded = fold(question)
    if _EXPLANATION.search(folded) is not None:
        return True
    if _POLITE.match(folded):
        return False  # "Do you know the capital…", "Sait-on le nombre…": a fact, asked politely
    asked = re.sub(r"^est[- ]ce qu(e|')", "", folded)
    return _YES_NO.search(folded) is not None and _ASKS_WHAT.search(asked) is None
