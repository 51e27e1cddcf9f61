"""Who holds an office on a date: the latest article that names the holder in that office.

"Qui est le Premier ministre ?" is answered by whichever article last wrote "le Premier ministre
Bernard Cazeneuve", often in passing in a story about something else, not by the article most
about prime ministers (the obituary of a former one). So a question that asks who holds an
office also has the reader read the sentences of the latest articles that name the office as
held then ("l'ancien Premier ministre" does not count); the latest holder named right beside
the office ("le Premier ministre, Manuel Valls," or "Castaner, le ministre de l'Intérieur,")
is the answer.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from itertools import groupby
from typing import TypeAlias

from index.answer.office_names import (
    OtherName,
    adjectives,
    country_names,
    english_names,
    initials_names,
    is_adjective_of,
    is_country,
    names_a_country,
    usual_names,
)
from index.answer.reading import Candidate, SpanReader, sentence_around
from index.reading import Span
from index.records import Passage
from index.retrieval import DateRange, years_named
from index.text import (
    WORD,
    fold,
    fold_keeping_offsets,
    original_span,
    sentences_holding,
    tokenize,
)

# "qui est le", "c'est qui la", "qui était", "who is the", "who was the" + the office; one
# holder is asked for, so "qui sont les …" is not such a question.
_ASKS = re.compile(
    r"^\s*(?P<ask>qui\s+(?:est|etait)|c'est\s+qui|who\s+(?:is|was))\s+"
    r"(?:actuellement\s+|currently\s+|now\s+|still\s+|toujours\s+)?"
    r"(?P<article>(?:le|la|the)\s+|l')?(?P<office>[^?]+?)\s*\??\s*$"
)
# Words that say "now" after the office ("Who is Japan's prime minister right now?"); they
# are no part of it.
_TRAILING_WHEN = re.compile(
    r"([\s,]+(right\s+now|now|currently|today|nowadays|at\s+the\s+moment|at\s+present|"
    r"these\s+days|actuellement|maintenant|aujourd'hui|en\s+ce\s+moment|a\s+l'heure\s+actuelle|"
    r"de\s+nos\s+jours|desormais|pour\s+l'instant|a\s+present|pour\s+le\s+moment|so\s+far|"
    r"to\s+date|still|toujours|jusqu'ici|a\s+ce\s+jour))+$"
)
# Words that say "now" between a verb and the office; they are dropped from it.
_NOW = r"(?:(?:actuellement|aujourd'hui|desormais|en\s+ce\s+moment|toujours)\s+)?"


def _asked(verb: str, rest: str) -> re.Pattern[str]:
    """A folded question opening on "qui" + `verb` (its imperfect in the group `past`)."""
    return re.compile(rf"^\s*qui\s+{verb}\s+{_NOW}{rest}")


_IS = r"(?:est|(?P<past>etait))"
# Other ways to ask who holds or held an office, said as "qui est le …" or "qui était le …"
# (folded): "qui occupe le poste de ministre du Travail", "qui préside la Colombie", "qui
# présidait le Parlement européen en 2016", "qui dirige le ministère de la Défense", "qui
# dirigeait le gouvernement italien" (its chief, "le Premier ministre").
_SAID_OTHERWISE = (
    (_asked(r"occup(?:e|(?P<past>ait))", r"(?:le\s+poste|la\s+fonction|la\s+charge)\s+d(?:e\s+|')"),
     "le "),
    (_asked(r"presid(?:e|(?P<past>ait))", r"(?=l'|la\s|le\s|les\s)"), "le president de "),
    (_asked(r"dirige(?P<past>ait)?", r"le\s+ministere\s+"), "le ministre "),
    (_asked(_IS, r"a\s+la\s+tete\s+du\s+ministere\s+"), "le ministre "),
    (_asked(r"dirige(?P<past>ait)?", r"le\s+gouvernement\b"), "le chef du gouvernement"),
    (_asked(_IS, r"a\s+la\s+tete\s+du\s+gouvernement\b"), "le chef du gouvernement"),
)  # fmt: skip
# Words that say when, not what: "en ce moment", "actuel", "nouveau", "current", "today".
_WHEN = frozenset(
    tokenize(
        "actuel actuelle actuellement moment maintenant aujourd'hui jour nouveau nouvelle "
        "current currently now nowadays today present new",
    )
)
# Just before the office: not its holder now ("l'ancien Premier ministre", "ex-président",
# "the former president", "le futur président").
_NOT_NOW_JUST_BEFORE = frozenset(
    {"ancien", "ancienne", "ex", "former", "feu", "late", "futur", "future", "prochain",
     "prochaine", "next", "defunt", "defunte"}
)  # fmt: skip
# A few words before it: "sera le 45e président", "qui vont élire le président", "pour
# remplacer le chef de l'armée".
_NOT_NOW_BEFORE = frozenset(
    {"sera", "seront", "serait", "deviendra", "elire", "will", "would", "remplacer", "remplace",
     "succede", "succeder", "replace", "replaces", "succeeds", "deputy", "vice"}
)  # fmt: skip
# Just after it: not in office yet, or no longer ("le président élu", "la présidente
# destituée"), or not the office itself ("le secrétaire général adjoint").
_NOT_NOW_AFTER = frozenset(
    {"elu", "elue", "designe", "designee", "pressenti", "elect", "sortant", "sortante",
     "destitue", "destituee", "dechu", "dechue", "adjoint", "adjointe", "suppleant"}
)  # fmt: skip
# The words before an office that make it another noun's complement: "du", "de la", "au".
_OF_ANOTHER = frozenset({"du", "au", "aux", "des"})
_OF_THE = frozenset({("de", "la"), ("de", "l"), ("a", "la"), ("of", "the")})
# People named by their tie to an office holder: "l'épouse du Premier ministre, Penelope Fillon".
_ATTACHED_PEOPLE = frozenset(
    {"compagne", "compagnon", "epouse", "epoux", "femme", "mari", "fils", "fille", "frere",
     "soeur", "conseiller", "conseillere", "directeur", "directrice", "cabinet", "porte",
     "secretaire", "adjoint", "adjointe", "collaborateur", "collaboratrice", "assistant",
     "assistante", "proche", "avocat", "avocate", "entourage", "successeur", "predecesseur",
     "rival", "adversaire", "opposant", "wife", "husband", "adviser", "advisor", "spokesman",
     "spokeswoman", "deputy", "aide", "son", "daughter"}
)  # fmt: skip
# A nationality adjective ("français", "américain") qualifies the office without being its
# name; news often leaves it out ("le Premier ministre Manuel Valls").
_NATIONALITY = re.compile(
    r"(?:ais|aise|ain|aine|ien|ienne|een|eenne|ois|oise|an|ish|ese)$"
    r"|^(?:britannique|allemande?|espagnole?|russe|turc|turque|belge|suisse|grecq?u?e?|"
    r"british|german|french|dutch|swiss|greek)$"
)
_COMPLEMENT = frozenset({"de", "du", "des", "d", "la", "le", "l", "les", "of", "the"})
_PLACE = frozenset({"en", "in", "au", "aux"})
# Offices written with a capital by convention; any other capitalized word after a bare "qui
# est" is a name ("Qui est Emmanuel Macron ?"), not an office.
_CAPITALIZED_OFFICES = frozenset({"premier", "prime"})
# A verb after a bare "qui est" / "who was": "devenu", "élue", "awarded".
_PARTICIPLE = re.compile(r"(?:é|ée|és|ées|u|ue|us|ed)$")
NEAR = 4  # words between the office's head and its other words in a mention, at least
ARTICLES = 5  # the latest articles naming the office whose mentions the reader reads
MENTIONS = 2  # mentions read per article
ARTICLES_PER_READ = 2  # articles whose mentions go to the reader in one call
GAP_CHARS = 24  # at most this between a mention and its holder's name
# What may stand between them: "le ministre de l'Intérieur, Bruno Le Roux", "Bruno Le Roux,
# l'actuel ministre de l'Intérieur", "M. Valls".
_BETWEEN = frozenset({"le", "la", "l", "the", "actuel", "actuelle", "current", "m", "mme", "mr"})
# The rest of a ministry's title after the words asked: "le ministre de l'Économie et des
# Finances Michel Sapin", "ministre de l'Économie, de l'Industrie et du Numérique", "ministre de
# la Transition écologique et solidaire François de Rugy" (an adjective, before a name or a comma).
_MORE_TITLE = re.compile(
    r"(?:\s*,\s*|\s+et\s+)(?:de\s+la\s+|de\s+l['’]|du\s+|des\s+|d['’])[A-ZÀ-Ý][\w-]*"
    r"|\s+et\s+[a-zà-ÿ]+(?:aire|ique|al|ale|el|elle|if|ive|eux|euse|ien|ienne|ais|aise|é|ée)"
    r"(?=\s+[A-ZÀ-Ý]|\s*,)"
)
# Years right after the office, which say when it was held: "de 1994 à 1995", "en 2012",
# "(1995-2002)"; not "depuis 2014", which says it still is.
_YEARS_HELD = re.compile(r"\s*(?:\(\s*|(?:de|en|entre|from|in|between)\s+)(?:1[89]|20)\d\d\b")
# A person's name as news writes it: capitalized words, with the particles names carry.
_NAME = (
    r"[A-ZÀ-Ý][\w'’-]+"
    r"(?:\s+(?:(?:de|du|des|d['’]|le|la|van|von|der|al|el|ben|bin)\s*)?[A-ZÀ-Ý][\w'’-]+){0,3}"
)
# A name right after an office's title, or right before it with a comma between.
_NAME_AFTER = re.compile(rf"[\s,]*(?:(?:M\.|Mme|Mr\.?)\s+)?(?P<name>{_NAME})")
_NAME_BEFORE = re.compile(
    rf"(?<![\w'’-])(?P<name>{_NAME})\s*,\s*(?:l['’]actuel(?:le)?\s+|le\s+|la\s+|l['’])?$"
)
# A preposition before a name makes it no apposition's subject: "Après Angela Merkel, le
# président de la République, …", "Face à Marine Le Pen, le président, …".
_PREPOSITION_BEFORE = re.compile(
    r"(?<!\w)(?:à|après|avant|comme|face|selon|pour|avec|contre|chez|par|de|d['’]|du|des|sans)"
    r"\s*$",
    re.IGNORECASE,
)
# Between a name and the office it has just taken: "Bernard Cazeneuve a été nommé par François
# Hollande premier ministre", "Donald Trump est devenu officiellement le 45e président". Not
# "élu" (a president elect is not in office yet) nor "devient" ("devient le plus jeune président").
_TAKES_OFFICE = (
    r"\s*(?:,\s*qui\s+)?(?:a\s+été|est|vient\s+d['’]être)\s+(?:officiellement\s+)?"
    r"(?:nommée?|désignée?|investie?|devenue?|reconduite?|intronisée?)"
    rf"(?:\s+(?:par\s+{_NAME}|officiellement|hier|aujourd['’]hui))*\s+"
    r"(?:au\s+poste\s+d[eu]\s+|comme\s+|en\s+tant\s+que\s+)?"
    r"(?:(?:le|la|l['’]|nouvel|nouveau|nouvelle|\d+e|\d+ème)\s*)*"
)
# A name right before such words, not a title's complement ("l'Intérieur Bernard Cazeneuve").
_APPOINTED = re.compile(rf"(?<![\w'’-])(?P<name>{_NAME}){_TAKES_OFFICE}$")
# Who follows a holder who leaves: the holder named with the office leaves ("Ban Ki-moon,
# cesse ses fonctions", "démissionne"), and the next sentence opens on the one who follows ("Il
# est remplacé par le portugais Antonio Guterres", "Son successeur, …", "… lui succède").
_LEAVES = re.compile(
    r"\b(?:cesse|quitte)\s+(?:ses|son|sa|le|la|l['’]|[A-ZÀ-Ý])"
    r"|\b(?:démissionne|a\s+démissionné|se\s+retire)\b"
)
_SUCCESSOR = re.compile(
    r"\s*(?:(?:Il|Elle)\s+(?:est|a\s+été|sera)\s+remplacée?\s+par"
    r"|(?:Son|Sa)\s+(?:successeure?|remplaçante?)\s*,?)"
    rf"\s+(?:(?:le|la|l['’])\s*)?(?:[a-zà-ÿ-]+\s+){{0,2}}(?P<name>{_NAME})"
    rf"|\s*(?P<subject>{_NAME})\s+lui\s+succède"
)
# Capitalized words that open a sentence or a name without being one ("Lundi, …", "Mme Borne").
_NOT_NAMES = frozenset(
    {"lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche", "hier", "mais",
     "puis", "ainsi", "alors", "enfin", "selon", "aujourd", "m", "mme", "mlle", "mr", "mrs",
     "dr", "me", "le", "la", "les", "l", "general", "president", "ministre", "en", "a",
     "apres", "avant", "comme", "face", "pour", "avec", "contre", "chez", "par", "dans", "sur",
     "sans", "et", "ou"}
)  # fmt: skip
# What after a title makes it a past or another one's: "Premier ministre sous François
# Mitterrand", "de François Mitterrand", "pendant douze ans", "au moment des émeutes".
_COMPLEMENT_AFTER = re.compile(
    r"(?:sous|de|du|des|d['’]|pendant|durant|au|aux|à|en|entre|jusqu|lors|avant)\b"
)
_FRANCE = frozenset(tokenize("France français"))


@dataclass(frozen=True)
class Role:
    head: str  # the office's first word, folded, without plural or feminine ending
    words: tuple[str, ...]  # stems of its other words, which a mention has close to the head
    places: tuple[str, ...]  # place words ("en France", "britannique"): in the sentence or title
    length: int = 1  # words from the head to its last other word in the question ("de", "l'" too)
    also: tuple[Role, ...] = ()  # the same office under another name ("garde des Sceaux")
    name: str = ""  # its words, folded: as asked, or another name's ("ministre de la justice")
    # Its places must be named in the mention's sentence, which names no other country, and
    # in the story's title (the office asked with its country as a place: "le Président Pierre
    # Nkurunziza" in a sentence of a story on Burundi that names Burundi; not "le président
    # Barack Obama" in a sentence that does not).
    in_sentence: bool = False


# Where an office is named as held, and under which of its names.
Mention: TypeAlias = tuple[tuple[int, int], Role]


def asked_role(question: str, period_text: str = "") -> Role | None:
    """The office a "who is the …" question asks the holder of; None for other questions.

    `period_text` ("en juillet 2016") is left out of the office."""
    folded = fold(question.replace(period_text, " ") if period_text else question)
    for said, office in _SAID_OTHERWISE:
        if found := said.match(folded):
            verb = "etait" if found["past"] else "est"
            folded = f"qui {verb} {office}{folded[found.end() :]}"
    found = _ASKS.match(folded)
    if found is None:
        return None
    office = _TRAILING_WHEN.sub("", found["office"])
    words = WORD.findall(office)
    english = english_names(office) if found["ask"].startswith("who") else []
    if not found["article"] and not english and not _bare_office(question, words):
        return None  # "Qui est Emmanuel Macron ?", "Qui est mort ?", "Qui est devenu …"
    role = _parsed(words)
    if role is None:
        return None
    # A usual name counts only with a place ("président" alone would be any country's); a
    # French name of an English question is the office as asked, with or without.
    also: list[Role] = []
    names = [(n, True) for n in usual_names(office)] + [(n, False) for n in english]
    names += [(n, False) for n in initials_names(office)]
    for name, needs_place in names:
        usual = _other(name)
        if usual is None or (needs_place and not usual.places):
            continue
        if any(_same_office(usual, known) for known in (role, *also)):
            continue  # "Who is the president?": the same words either way
        also.append(usual)
    if placed := _country_as_place(role):
        also.append(placed)
    return replace(role, also=tuple(also))


def _country_as_place(role: Role) -> Role | None:
    """The office with the country it names as a place word rather than one of its own
    words: "le président du Burundi" is also "le Président Pierre Nkurunziza" in a sentence
    that names Burundi (`Role.in_sentence`). None for an office that names no one-word country
    ("président de la République", "président de la Corée du Sud")."""
    countries = [w for w in role.words if is_country(w)]
    if len(countries) != 1:
        return None
    words = tuple(w for w in role.words if w != countries[0])
    return replace(role, words=words, places=(*role.places, countries[0]), in_sentence=True)


def _other(name: OtherName) -> Role | None:
    """The role another name of the office makes; its adjective is a place word."""
    role = _parsed(WORD.findall(name.office))
    if role is None or not name.adjective:
        return role
    places = (*role.places, *tokenize(name.adjective))
    return replace(role, places=places, name=f"{role.name} {name.adjective}")


def _same_office(one: Role, other: Role) -> bool:
    return (one.head, one.words, one.places) == (other.head, other.words, other.places)


def _parsed(words: list[str]) -> Role | None:
    """The role an office's folded words name, its place words told apart."""
    head = ""
    others: list[str] = []
    places: list[str] = []
    previous, start, end = "", 0, 0
    for at, word in enumerate(words):
        stems = [s for s in tokenize(word) if s not in _WHEN and not s.isdigit()]
        if stems and not head:
            head, start, end = _bare(word), at, at + 1
        elif stems:
            place = previous in _PLACE or (
                _NATIONALITY.search(word) is not None and previous not in _COMPLEMENT
            )
            (places if place else others).append(stems[0])
            end = end if place else at + 1
        previous = word
    if not head:
        return None
    return Role(head, tuple(others), tuple(places), end - start, name=" ".join(words))


def mention_spans(text: str, title: str, role: Role, lang: str = "") -> list[tuple[int, int]]:
    """Character ranges of `text` where the office is named as held: its head, then its other
    words close after it with nothing else between them ("le ministre de l'Intérieur", not "le
    ministre allemand des Finances" nor "le secrétaire général adjoint"), its place words in the
    same sentence or the title; not after "ancien" or "remplacer", not before "élu", and not
    part of a longer word ("vice-président", "chef d'état-major")."""
    folded, origin = fold_keeping_offsets(text)
    words = [(m.group(), m.start(), m.end()) for m in WORD.finditer(folded)]
    stems = [_stem(w) for w, _, _ in words]
    title_words = tokenize(title)
    titled = set(title_words)
    near = max(NEAR, role.length)
    spans = []
    for at, (word, start, _) in enumerate(words):
        if _bare(word) != role.head or folded[start - 1 : start] == "-":
            continue
        after_head = range(at + 1, min(len(words), at + near + 1))
        # Where each of the office's other words is said, once per word and position.
        saying = [{i for i in after_head if _says(words[i][0], w)} for w in role.words]
        if not all(saying):
            continue
        said = set().union(*saying)
        last = max([at, *said])
        inside = range(at + 1, last)
        if any(stems[i] and i not in said and not _names_place(stems[i], role) for i in inside):
            continue
        preceding = [w for w, _, _ in words[max(0, at - 4) : at]]
        if set(preceding[-2:]) & _NOT_NOW_JUST_BEFORE or set(preceding) & _NOT_NOW_BEFORE:
            continue
        following = {w for w, _, _ in words[last + 1 : last + 2]}
        if following & _NOT_NOW_AFTER or folded[words[last][2] : words[last][2] + 1] == "-":
            continue
        if _YEARS_HELD.match(folded, words[last][2]):
            continue  # "premier secrétaire du PS de 1994 à 1995": then, not now
        found = original_span(text, origin, start, words[last][2])
        if role.places and _of_another_place(text[found[1] :], role):
            continue  # "Idriss Déby, Président du Tchad," in a story on Burundi
        if role.in_sentence:
            a, b = sentences_holding(text, *found, lang)
            if not (_only_country_named(text[a:b], role) and set(role.places) <= titled):
                continue
            if republic := _OF_THE_STATE.match(text, found[1]):
                found = (found[0], republic.end())  # "le président de la République, X"
        elif role.places:
            a, b = sentences_holding(text, *found, lang)
            around = set(tokenize(text[a:b])) | titled
            named = all(_place_named(p, around, title_words) for p in role.places)
            if not named and not _implies_france(role, text[a:b], title, lang):
                continue
        spans.append(found)
    return spans


# A capitalized complement right after an office ("Président du Tchad", "de l'Union
# africaine"), or an adjective ("président brésilien").
_NAMED_AFTER = re.compile(
    r"\s+(?:(?:de|du|des|d['’])\s*(?:la\s+|l['’]\s*)?(?P<name>[A-ZÀ-Ý][\w-]*)|(?P<word>[a-zà-ÿ-]+))"
)
# ... but not these, which are the office's own ("le président de la République, X").
_OWN_WORDS = frozenset({"republique", "etat", "gouvernement", "conseil"})
_OF_THE_STATE = re.compile(r"\s+(?:de\s+la\s+République|de\s+l['’]État)\b", re.IGNORECASE)


def _of_another_place(rest: str, role: Role) -> bool:
    """Whether the office is followed by a place, a body or a nationality that is none of the
    role's."""
    found = _NAMED_AFTER.match(rest)
    if found is None:
        return False
    if found["name"]:
        # "le président de la République", "le chef de l'État": the office's own words
        return fold(found["name"]) not in _OWN_WORDS and not _names_place(
            _stem(found["name"]), role
        )
    word = fold(found["word"])
    return _NATIONALITY.search(word) is not None and not any(
        is_adjective_of(place, word) for place in role.places
    )


def _only_country_named(sentence: str, role: Role) -> bool:
    """Whether the sentence names the role's places and, once their names are left out, no
    other country."""
    words = tokenize(sentence)
    if not all(p in words for p in role.places):
        return False
    kept = [w for w in WORD.findall(sentence) if _stem(w) not in role.places]
    return not names_a_country(" ".join(kept))


def _implies_france(role: Role, sentence: str, title: str, lang: str) -> bool:
    """Whether a French article's office is France's without saying so: French news leaves
    its own country out ("Gérard Collomb, le ministre de l'Intérieur,"), so an office asked
    as France's is named where neither the sentence nor the title names another country."""
    return (
        lang == "fr" and set(role.places) <= _FRANCE and not names_a_country(f"{title}\n{sentence}")
    )


def _depends_on_another_noun(preceding: list[str]) -> bool:
    """Whether the office is the complement of someone else ("la compagne du président", "le
    directeur de cabinet du ministre", "le secrétaire d'État auprès du ministre"): a name in
    apposition there is that person's. ("Un communiqué du ministre, Bruno Le Roux," is his.)"""
    if "aupres" in preceding:
        return True  # "le secrétaire d'État auprès du ministre"
    for cut in range(len(preceding) - 1, 0, -1):
        if preceding[cut] in _OF_ANOTHER or tuple(preceding[cut - 1 : cut + 1]) in _OF_THE:
            return bool(set(preceding[:cut]) & _ATTACHED_PEOPLE)
    return False


def latest_holder(
    question: str,
    role: Role,
    passages: Sequence[Passage],
    period: DateRange | None,
    reader: SpanReader,
    weight: float,
) -> Candidate | None:
    """The holder named in the latest article that names one, within `period` when given: the
    reader's span in a mention's sentence, when it is a name standing right beside the mention.
    Its score is the span's margin plus `weight` x the passage's cosine. Undated passages
    cannot say who held the office when, so they are left out."""
    sentences: list[tuple[Passage, tuple[int, int], list[Mention]]] = []
    articles: list[list[int]] = []  # per article, latest first: its entries in `sentences`
    dated = [p for p in passages if p.published_at and (not period or period.holds(p.published_at))]
    order = sorted(dated, key=lambda p: (p.published_at or date.min, p.article_id), reverse=True)
    for _, group in groupby(order, key=lambda p: p.article_id):
        if len(articles) == ARTICLES:
            break
        # The office as asked first: other presidents must not crowd out "le chef de l'État";
        # then the article's passages in their order, its opening (the news) first.
        chunks = sorted(group, key=lambda p: p.chunk_index)
        named = [
            (p, (span, office))
            for office in (role, *role.also)
            for p in chunks
            for span in mention_spans(p.text, p.title, office, p.lang or "fr")
        ][:MENTIONS]
        own: dict[int, tuple[Passage, tuple[int, int], list[Mention]]] = {}
        for p, m in named:  # two mentions in one sentence: it is read once
            bounds = sentence_around(p, *m[0])
            own.setdefault(p.start + bounds[0], (p, bounds, []))[2].append(m)
        if own:
            articles.append([len(sentences) + k for k in range(len(own))])
            sentences += own.values()
    # Read a few articles at a time: the latest one usually names the holder.
    for at in range(0, len(articles), ARTICLES_PER_READ):
        batch = [sentences[i] for entries in articles[at : at + ARTICLES_PER_READ] for i in entries]
        texts = [p.text[a:b] for p, (a, b), _ in batch]
        asked = [_question_for(question, role, p, ms) for p, _, ms in batch]
        spans: list[Span | None] = [None] * len(batch)
        for q in dict.fromkeys(asked):  # one reading per question asked
            rows = [i for i, a in enumerate(asked) if a == q]
            for i, span in zip(rows, reader.read(q, [texts[i] for i in rows]), strict=True):
                spans[i] = span
        for (p, (a, b), mentions), span in zip(batch, spans, strict=True):
            if span is None:
                continue
            # Who follows the holder holds it after the article, not in a period asked about.
            taken = (None if period else _successor(p, (a, b), mentions)) or next(
                (n for m, _ in mentions if (n := _appointed(p.text, m))), None
            )
            if taken and _earlier_year(p.text[a:b], p.published_at):
                taken = None  # "En 1995, Jacques Chirac est devenu président": history
            if taken is not None:  # the reader's confidence in the sentence, the name's offsets
                return Candidate(
                    p, Span(*taken, span.score, span.null), span.margin + weight * p.score
                )
            moved = Span(span.start + a, span.end + a, span.score, span.null)
            if any(_names_holder(p.text, (moved.start, moved.end), *m) for m in mentions):
                return Candidate(p, moved, span.margin + weight * p.score)
            # The reader may take another name of the sentence ("Le premier ministre Édouard
            # Philippe et le ministre de la Transition écologique François de Rugy"): a name
            # standing right beside the office holds it.
            if beside := next((n for m in mentions if (n := _name_beside(p.text, *m))), None):
                return Candidate(
                    p, Span(*beside, span.score, span.null), span.margin + weight * p.score
                )
    return None


def _name_beside(text: str, mention: tuple[int, int], role: Role) -> tuple[int, int] | None:
    """A person's full name in apposition to the mention, right after the office's title ("le
    ministre de l'Intérieur Christophe Castaner", "le Premier ministre, Manuel Valls,") or right
    before it ("Christophe Castaner, le ministre de l'Intérieur,"). Two capitalized words at
    least, so that no place is taken ("Selon le Premier ministre, Paris ne cédera pas"); one
    after a comma closes with punctuation; one before is no preposition's complement ("Après
    Angela Merkel, le président de la République, …")."""
    end = _title_end(text, mention[1])
    end = len(text) - len(_after_places(text[end:], role))
    found: list[tuple[int, int]] = []
    after = _NAME_AFTER.match(text, end)
    closed = after and ("," not in text[end : after.start("name")] or _closes(text, after.end()))
    if after and closed and (name := _named(text, after.start("name"), after.end("name"))):
        found.append(name)
    start = max(0, mention[0] - 80)
    if before := _NAME_BEFORE.search(text[start : mention[0]]):
        name = _named(text, start + before.start("name"), start + before.end("name"))
        # Checked before the name without its opening words: "Comme Laurent Wauquiez, …".
        if name and not _PREPOSITION_BEFORE.search(text[max(0, name[0] - 16) : name[0]]):
            found.append(name)
    full = [n for n in found if len(text[n[0] : n[1]].split()) >= 2]
    return next((n for n in full if _names_holder(text, n, mention, role)), None)


def _closes(text: str, at: int) -> bool:
    """Whether an apposition closes at `at`: punctuation, or the end of the text."""
    rest = text[at:].lstrip()
    return not rest or rest[0] in ",.;:)"


def _question_for(question: str, role: Role, passage: Passage, mentions: list[Mention]) -> str:
    """The question the reader is asked of a mention's sentence: the user's, or, where the
    office is named otherwise ("le ministre de la Justice" for "le garde des Sceaux"), the
    same question in the sentence's own words, with the place words that follow the office
    ("Qui est le président américain ?") and its article ("la Première ministre")."""
    if any(office.name == role.name for _, office in mentions):
        return question  # the office as asked, its place told apart or not
    (a, b), office = mentions[0]
    text = passage.text
    rest = _after_places(text[b:], office)
    named = text[a : len(text) - len(rest)].rstrip(" ,")
    if passage.lang == "en":
        return f"Who is the {named}?"
    article = re.search(r"\b(l['’]|la |le )$", text[max(0, a - 3) : a], re.IGNORECASE)
    return f"Qui est {article[1].lower() if article else 'le '}{named} ?"


def _successor(
    passage: Passage, sentence: tuple[int, int], mentions: list[Mention]
) -> tuple[int, int] | None:
    """Who follows the holder, where the holder named with the office leaves it and the next
    sentence says who replaces him: he holds it after the article."""
    text = passage.text
    end = sentence[1]
    after = min(m[0][1] for m in mentions)
    if end >= len(text.rstrip()) or not _LEAVES.search(text, after, end):
        return None
    following = sentence_around(passage, end + 1, end + 2)
    found = _SUCCESSOR.match(text, end, following[1])
    if found is None or _earlier_year(text[sentence[0] : following[1]], passage.published_at):
        return None  # "contraint à la démission en 2008 …": history
    group = "name" if found.group("name") else "subject"
    return _named(text, found.start(group), found.end(group))


def _named(text: str, start: int, end: int) -> tuple[int, int] | None:
    """A name's offsets without the words that open it but are none of it ("Lundi", "Mme")."""
    while (word := re.match(r"[\w'’]+[\s.]*", text[start:end])) and fold(
        word[0].strip(" .'’")
    ) in _NOT_NAMES:
        start += word.end()
    return (start, end) if start < end else None


def _earlier_year(text: str, published: date | None) -> bool:
    """Whether the text names a year before the one it was published in."""
    return published is not None and any(int(y) < published.year for y in years_named(text))


def _appointed(text: str, mention: tuple[int, int]) -> tuple[int, int] | None:
    """Where the sentence names who has just taken the office: "Bernard Cazeneuve a été nommé
    par François Hollande premier ministre" (the reader, asked who the prime minister is, takes
    the one who appointed him)."""
    start = max(0, mention[0] - 160)
    found = _APPOINTED.search(text[start : mention[0]])
    if found is None:
        return None
    return _named(text, start + found.start("name"), start + found.end("name"))


def _names_holder(text: str, span: tuple[int, int], mention: tuple[int, int], role: Role) -> bool:
    """Whether the span is a name in apposition to the mention: "le ministre de l'Intérieur,
    Bruno Le Roux," or "Bruno Le Roux, l'actuel ministre de l'Intérieur," with nothing between
    but punctuation, an article, "actuel" or a place word; not "Selon Marine Le Pen, le Premier
    ministre a menti" (the office is the subject there, not her title)."""
    name = text[span[0] : span[1]]
    if not name[:1].isupper():
        return False  # "le Premier ministre, jeudi, a annoncé"
    mention = (mention[0], _title_end(text, mention[1]))
    before = WORD.findall(fold(text[max(0, mention[0] - 40) : mention[0]]))
    if _depends_on_another_noun(before[-6:]):
        # "le parti du président Emmanuel Macron" names him; in "la compagne du président,
        # Julie Gayet," the name is the companion's: only a name right after the office counts.
        between = text[mention[1] : span[0]] if span[0] >= mention[1] else ","
        if "," in between or any(
            not _names_place(_stem(w), role) for w in WORD.findall(fold(between))
        ):
            return False
    if span[0] >= mention[1]:
        gap = text[mention[1] : span[0]]
    elif span[1] <= mention[0]:
        gap = text[span[1] : mention[0]]
        # The name comes first: the office (and its place word) must close the apposition,
        # unless the office has no article, which only an apposition allows ("Bruno Le Maire,
        # ministre de l'Économie a affirmé", not "Selon X, le Premier ministre a menti").
        closing = _after_places(text[mention[1] :], role)
        # "Michel Rocard, Premier ministre sous François Mitterrand," was, is not.
        bare = re.fullmatch(r"\s*,\s*", gap) is not None and not _COMPLEMENT_AFTER.match(closing)
        if not bare and closing[:1] not in {",", ".", ")", ";", ""}:
            return False
    else:
        return False  # the span holds the office's own words
    words = WORD.findall(fold(gap))
    return len(gap) <= GAP_CHARS and all(
        w in _BETWEEN or _names_place(_stem(w), role) for w in words
    )


def _title_end(text: str, end: int) -> int:
    """Where the office's title ends, its other ministries included ("ministre de l'Économie
    et des Finances")."""
    while more := _MORE_TITLE.match(text, end):
        end = more.end()
    return end


def _after_places(rest: str, role: Role) -> str:
    """`rest` from its first character that is not a blank, a hyphen or one of the role's
    place words ("américain", "sud-coréen")."""
    while (word := re.match(r"[\s-]*(\w+)", rest)) and _names_place(_stem(word[1]), role):
        rest = rest[word.end() :]
    return rest.lstrip()


def _place_named(place: str, around: set[str], title_words: list[str]) -> bool:
    """Whether a place word is named around a mention (its sentence and the title), itself or
    by its adjective ("allemande" for "en Allemagne"); an adjective is also named by its
    country in the title, which says what the story is about ("Royaume-Uni : …" for
    "britannique"; a sentence's "en visite en Chine" does not make a president Chinese)."""
    if place in around or any(a in around for a in adjectives(place)):
        return True
    return any(_holds_run(title_words, name) for name in country_names(place))


def _holds_run(words: list[str], run: tuple[str, ...]) -> bool:
    return any(tuple(words[i : i + len(run)]) == run for i in range(len(words) - len(run) + 1))


def _says(word: str, wanted: str) -> bool:
    """Whether a folded word of a mention is one of the office's other words, a country's
    name also by its adjective ("le président haïtien" for "le président d'Haïti")."""
    return _stem(word) == wanted or is_adjective_of(wanted, word)


def _names_place(stem: str, role: Role) -> bool:
    """Whether a word is one of the role's place words or its adjective ("allemande" for "en
    Allemagne")."""
    return any(stem == place or stem in adjectives(place) for place in role.places)


def _bare_office(question: str, words: list[str]) -> bool:
    """Whether words after a bare "qui est" (no article) name an office ("ministre de la
    Justice", "Premier ministre") rather than a person or a verb."""
    if len(words) < 2:
        return False
    first = next((m.group() for m in WORD.finditer(question) if fold(m.group()) == words[0]), "")
    if words[0] in _CAPITALIZED_OFFICES:
        return True
    return first[:1].islower() and not _PARTICIPLE.search(first.lower())


def _stem(word: str) -> str:
    """A single word's stem, as `tokenize` makes it ("" for a stop word)."""
    return (tokenize(word) or [""])[0]


def _bare(word: str) -> str:
    """A word without its plural and feminine endings ("présidente" and "présidents" are
    "president"; "présidence" is not)."""
    word = word.removesuffix("s")
    return word.removesuffix("e") if len(word) > 3 else word
