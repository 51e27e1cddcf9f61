"""Who holds an office on a date: the latest article that names the holder in that office.

"Qui est le Premier ministre ?" is answered by whichever article last wrote "le Premier ministre
Bernard Cazeneuve", often in passing in a story about something else, not by the article most
about prime ministers (the obituary of a former one). So a question that asks who holds a role
also has the reader read the sentences of the latest articles that name the role as held then
("l'ancien Premier ministre" does not count); the latest one the reader finds a holder in wins.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from index.answer.reading import Candidate, SpanReader, sentence_around
from index.reading import Span
from index.records import Passage
from index.retrieval import DateRange
from index.text import fold, fold_keeping_offsets, original_span, tokenize

# "qui est le", "c'est qui la", "qui était", "who is the", "who was the" + the role.
_ASKS = re.compile(
    r"^\s*(?:qui\s+(?:est|etait|sont|etaient)(?:-ce)?|c'est\s+qui|who\s+(?:is|was|are))\s+"
    r"(?:actuellement\s+|currently\s+|now\s+)?"
    r"(?:(?:le|la|les|the)\s+|l')?(?P<role>[^?]+?)\s*\??\s*$"
)
# Words that say when, not what: "en ce moment", "actuel", "nouveau", "current", "today".
_WHEN = frozenset(
    tokenize(
        "actuel actuelle actuellement moment maintenant aujourd'hui jour nouveau nouvelle "
        "current currently now nowadays today present new",
    )
)
# Shortly before the role: not its holder now ("l'ancien Premier ministre", "the former
# president", "sera le 45e président", "qui vont élire le président").
_NOT_NOW_BEFORE = frozenset(
    re.findall(
        r"\w+",
        "ancien ancienne anciens anciennes ex former feu late futur future prochain prochaine "
        "candidat candidate next defunt sera seront serait deviendra elire will would",
    )
)
# Inside or just after it: chosen but not in office yet ("le président élu").
_NOT_NOW_AFTER = frozenset(["elu", "elue", "designe", "designee", "pressenti", "elect"])
# A nationality adjective ("français", "britannique", "américain") qualifies the role without
# being its name; news often leaves it out ("le Premier ministre Manuel Valls").
_NATIONALITY = re.compile(r"(?:ais|aise|ain|aine|ien|ienne|ique|ois|oise|an|ish|ese)$")
_COMPLEMENT = frozenset(["de", "du", "des", "d", "la", "le", "l", "les", "of", "the"])
_PLACE = frozenset(["en", "in", "au", "aux"])
_WORD = re.compile(r"[a-z0-9]+")
NEAR = 4  # words between the role's head and its other words in a mention
BEFORE = 4  # words before the head where "ancien" or "sera" rules a mention out
ARTICLES = 5  # the latest articles naming the role whose mentions the reader reads
MENTIONS = 2  # mentions read per article
ARTICLES_PER_READ = 2  # articles whose mentions go to the reader in one call
GAP_CHARS = 24  # at most this between a mention and its holder's name
# What may stand between them: "le ministre de l'Intérieur, Bruno Le Roux", "Bruno Le Roux,
# l'actuel ministre de l'Intérieur", "M. Valls".
_BETWEEN = frozenset(
    ["le", "la", "l", "les", "actuel", "actuelle", "the", "current", "m", "mme", "mr", "mrs"]
)


@dataclass(frozen=True)
class Role:
    head: str  # the role's first word, folded, without plural or feminine ending
    words: tuple[str, ...]  # stems of its other words, which a mention has close to the head
    places: tuple[str, ...]  # stems of place words ("en France", "britannique"): anywhere


def asked_role(question: str, period_text: str = "") -> Role | None:
    """The role a "who is the …" question asks the holder of; None for other questions.

    `period_text` ("en juillet 2016") is left out of the role."""
    text = fold(question)
    if period_text:
        text = text.replace(fold(period_text), " ")
    found = _ASKS.match(text)
    if found is None:
        return None
    head, words, places = "", list[str](), list[str]()
    previous = ""
    for word in _WORD.findall(found["role"]):
        stems = [s for s in tokenize(word) if s not in _WHEN and not s.isdigit()]
        if stems and not head:
            head = _bare(word)
        elif stems:
            place = previous in _PLACE or (
                _NATIONALITY.search(word) is not None and previous not in _COMPLEMENT
            )
            (places if place else words).append(stems[0])
        previous = word
    return Role(head, tuple(words), tuple(places)) if head else None


def mention_spans(text: str, title: str, role: Role) -> list[tuple[int, int]]:
    """Character ranges of `text` where the role is named as held: its head with its other
    words close by (place words may stand anywhere in the text or title), not after "ancien"
    nor before "élu"."""
    folded, origin = fold_keeping_offsets(text)
    words = [(m.group(), m.start(), m.end()) for m in _WORD.finditer(folded)]
    stems = [(tokenize(w) or [""])[0] for w, _, _ in words]
    if not all(p in stems or p in tokenize(title) for p in role.places):
        return []
    spans = []
    for at, (word, _, _) in enumerate(words):
        if _bare(word) != role.head:
            continue
        around = range(max(0, at - NEAR), min(len(words), at + NEAR + 1))
        if not all(any(stems[i] == w for i in around) for w in role.words):
            continue
        last = max([at, *(i for i in around if i > at and stems[i] in role.words)])
        before = {w for w, _, _ in words[max(0, at - BEFORE) : at]}
        after = {w for w, _, _ in words[at + 1 : last + 2]}
        if before & _NOT_NOW_BEFORE or after & _NOT_NOW_AFTER:
            continue
        if folded[words[last][2] : words[last][2] + 1] == "-":
            continue  # part of a longer name: "chef d'état-major"
        spans.append(original_span(text, origin, words[at][1], words[last][2]))
    return spans


def _bare(word: str) -> str:
    """A word without its plural and feminine endings ("présidente" and "présidents" are
    "president"; "présidence" is not)."""
    word = word.removesuffix("s")
    return word.removesuffix("e") if len(word) > 3 else word


def latest_holder(
    question: str,
    role: Role,
    passages: Sequence[Passage],
    period: DateRange | None,
    reader: SpanReader,
    weight: float,
) -> Candidate | None:
    """The holder named in the latest article that names one, within `period` when the question
    asks one: the reader's span in a mention's sentence, when it stands right beside the
    mention ("le Premier ministre, Manuel Valls," or "Castaner, le ministre de l'Intérieur").
    Its score is the span's margin plus `weight` x the passage's cosine. Undated passages
    cannot say who held the role when, so they are left out."""
    Mention = tuple[Passage, tuple[int, int], tuple[int, int]]  # passage, mention, sentence
    by_article: dict[str, list[Mention]] = {}
    dated = [p for p in passages if p.published_at and (not period or period.holds(p.published_at))]
    for p in sorted(dated, key=lambda p: p.published_at or date.min, reverse=True):
        if p.article_id in by_article or len(by_article) == ARTICLES:
            continue
        mentions = mention_spans(p.text, p.title, role)[:MENTIONS]
        if mentions:
            by_article[p.article_id] = [(p, m, sentence_around(p, *m)) for m in mentions]
    latest_first = list(by_article.values())
    # Read a few articles at a time: the latest one usually names the holder.
    for at in range(0, len(latest_first), ARTICLES_PER_READ):
        read = [m for article in latest_first[at : at + ARTICLES_PER_READ] for m in article]
        spans = reader.read(question, [p.text[a:b] for p, _, (a, b) in read])
        for (p, mention, (a, _)), span in zip(read, spans, strict=True):
            if span is None:
                continue
            moved = Span(span.start + a, span.end + a, span.score, span.null)
            if _beside(p.text, (moved.start, moved.end), mention, role):
                return Candidate(p, moved, span.margin + weight * p.score)
    return None


def _beside(text: str, span: tuple[int, int], mention: tuple[int, int], role: Role) -> bool:
    """Whether the span names the mention's holder: next to it, with nothing between but
    punctuation, an article, "actuel" or a place word ("le ministre français Gérald Darmanin")."""
    if span[0] >= mention[1]:
        gap = text[mention[1] : span[0]]
    elif span[1] <= mention[0]:
        gap = text[span[1] : mention[0]]
    else:
        return False  # the span holds the role's own words
    words = _WORD.findall(fold(gap))
    return len(gap) <= GAP_CHARS and all(
        w in _BETWEEN or (tokenize(w) or [""])[0] in role.places for w in words
    )
