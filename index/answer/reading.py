"""The reader's answer: the best span across the top passages, quoted in its sentence.

Each passage's span is scored by how far the reader puts it above "no answer" (its margin),
plus the passage's cosine to the question, less a penalty per place below the first passage:
a fair span in the passage retrieval trusts most beats a slightly surer one in a passage about
something else. Below the refusal threshold the answer is "I don't know".
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from index.answer.citations import is_date_alone, quote_bounds
from index.answer.countries import countries_in, country_of, stands_for_a_country
from index.answer.kinds import answer_kind, asks_a_country, gives_a_number
from index.answer.refusal import dont_know
from index.reading import Span, tidy, title_head
from index.records import Answer, Citation, Passage
from index.retrieval import DateRange, Retrieval, period_names, years_named
from index.settings import Settings
from index.text import fold, sentence_spans, sentences_holding, strip_markers


class SpanReader(Protocol):
    def read(
        self, question: str, passages: Sequence[str], titles: Sequence[str] = ()
    ) -> list[Span | None]: ...


@dataclass(frozen=True)
class Candidate:
    passage: Passage
    span: Span
    score: float

    @property
    def span_text(self) -> str:
        source = title_head(self.passage.title) if self.span.in_title else self.passage.text
        return strip_markers(source[self.span.start : self.span.end]).strip()


def candidates(
    question: str, retrieval: Retrieval, reader: SpanReader, settings: Settings
) -> list[Candidate]:
    """The best span of each of the top passages that can speak of the years asked, best first."""
    years = years_named(question)
    passages = [p for p in retrieval.passages if _speaks_of(p, years)]
    return read_spans(question, passages[: settings.reader_passages], reader, settings)


def read_spans(
    question: str,
    passages: Sequence[Passage],
    reader: SpanReader,
    settings: Settings,
    first_rank: int = 0,
) -> list[Candidate]:
    """The best span of each passage, best first; the passages stand at ranks `first_rank`
    on, for the rank penalty."""
    titles = [p.title for p in passages] if settings.reader_titles else []
    spans = reader.read(question, [p.text for p in passages], titles)
    if wanted := _kind_wanted(question, settings):
        keeps, fits, slack = wanted
        spans = [
            None if s is None else _kind_first(p, s, slack, keeps, fits)
            for p, s in zip(passages, spans, strict=True)
        ]
    weight, penalty = settings.reader_retrieval_weight, settings.reader_rank_penalty
    found = [
        Candidate(p, span, span.margin + weight * p.score - penalty * rank)
        for rank, (p, span) in enumerate(zip(passages, spans, strict=True), first_rank)
        if span is not None
    ]
    return sorted(found, key=lambda c: -c.score)


Fits = Callable[[str], bool]


def _kind_wanted(question: str, settings: Settings) -> tuple[Fits, Fits, float] | None:
    """For a question that asks for one country or for a number: what a passage's best span
    must say to stay, what a span close behind it must say to take its place, and how far
    behind it may stand. A place standing for a country ("Washington") keeps its place; a
    country the question names is not its answer."""
    if asks_a_country(question):
        asked = countries_in(question)
        return (
            stands_for_a_country,
            lambda text: country_of(text) not in {None, *asked},
            settings.reader_country_slack,
        )
    if answer_kind(question) == "number":
        return gives_a_number, gives_a_number, settings.reader_number_slack
    return None


def _kind_first(passage: Passage, span: Span, slack: float, keeps: Fits, fits: Fits) -> Span:
    """The passage's best span that `fits` the kind asked, when the best one does not `keep`
    it and that one scores within `slack` of it ("Dans quel pays un avion s'est-il écrasé ?":
    "Népal", not "Aéroport international Tribhuvan"; "Combien de morts… ?": "12 personnes",
    not "plusieurs")."""
    if keeps(Candidate(passage, span, 0.0).span_text):
        return span
    for other in span.runners_up:
        if other.margin < span.margin - slack:
            break
        if fits(Candidate(passage, other, 0.0).span_text):
            return other
    return span


def latest_first(found: Sequence[Candidate], slack: float, floor: float) -> list[Candidate]:
    """For a question about how things stand: among the spans within `slack` of the best and
    not below `floor`, the one from the most recently published article first (undated ones
    count as oldest)."""
    close = _close(found, slack, floor)
    if not close:
        return list(found)
    return _ahead(found, max(close, key=lambda c: (c.passage.published_at or date.min, c.score)))


def in_period_first(
    found: Sequence[Candidate],
    period: DateRange,
    slack: float,
    floor: float,
    latest: bool = False,
    reach: float | None = None,
) -> list[Candidate]:
    """For a question about a period ("en 2016", "la semaine dernière"): among the spans within
    `reach` (`slack` unless given) of the best and not below `floor`, the best one from an
    article of that period first (published in it, or after it naming it: `_of_period`;
    undated articles are never of it); with `latest`
    (a toll, revised as news comes in), the one from the latest such article among those
    within `slack` of that best one (the same story's later figure, not another story's)."""
    inside = [
        c
        for c in _close(found, slack if reach is None else reach, floor)
        if _of_period(c.passage, period)
    ]
    if not inside:
        return list(found)
    if latest:
        same = _close(inside, slack, floor)
        return _ahead(found, max(same, key=lambda c: (c.passage.published_at, c.score)))
    return _ahead(found, inside[0])


# How long after a calendar month or year an article naming it is still taken for news of it
# (statistics for a month come out in the next one or two).
NAMED_AFTER_DAYS = 62


def _of_period(passage: Passage, period: DateRange) -> bool:
    """Whether a passage's article was published in the period, or soon after it and names
    it ("En septembre 2016, l'Insee estime le nombre de naissances à 63 500", published on 1
    November: a month's figures come out weeks later). "Depuis 2016" and a season, "2016-2017",
    name no period."""
    published = passage.published_at
    if published is None:
        return False
    if period.holds(published):
        return True
    if period.end is None or published <= period.end:
        return False
    if (published - period.end).days > NAMED_AFTER_DAYS:
        return False
    names = period_names(period)
    if not names:
        return False
    said = fold(f"{passage.title}\n{passage.text}")
    return any(_period_pattern(name).search(said) for name in names)


def _period_pattern(name: str) -> re.Pattern[str]:
    """A period's name as an article writes it of that period: not after "depuis" or
    "since", nor opening a range ("2016-2017", "2016/17")."""
    words = r"\s+".join(map(re.escape, name.split()))
    return re.compile(rf"(?<!depuis )(?<!since )\b{words}\b(?!\s?[-/–]\s?\d)")


# A period of a month or less ("hier", "last week", "en mars 2017", "in the past month") singles
# out a few days of news; a year does not.
SHORT_PERIOD_DAYS = 31


def period_threshold(
    found: Sequence[Candidate], period: DateRange | None, today: date, settings: Settings
) -> float:
    """The refusal threshold, lowered by `reader_period_relief` when the question names a short
    period and the best span's article is of it (`_of_period`): the date agreeing is evidence of
    its own that the article is the one asked about (English questions over French articles
    score low with the right article first: "Which American singer died yesterday?")."""
    threshold = settings.reader_refusal_threshold
    if not found or period is None or not is_short(period, today):
        return threshold
    if not _of_period(found[0].passage, period):
        return threshold
    return threshold - settings.reader_period_relief


def is_short(period: DateRange, today: date) -> bool:
    """A period with a start, at most SHORT_PERIOD_DAYS long, an open end running to `today`
    ("cette année" asked on 10 January is ten days of news)."""
    if period.start is None:
        return False
    return 0 <= ((period.end or today) - period.start).days <= SHORT_PERIOD_DAYS


def _close(found: Sequence[Candidate], slack: float, floor: float) -> list[Candidate]:
    """The spans scoring within `slack` of the best (`found` is best first) and not below
    `floor`."""
    return [c for c in found if c.score >= max(found[0].score - slack, floor)]


def _ahead(found: Sequence[Candidate], chosen: Candidate) -> list[Candidate]:
    return [chosen, *(c for c in found if c is not chosen)]


def reader_answer(
    question: str,
    language: str,
    retrieval: Retrieval,
    found: Sequence[Candidate],
    settings: Settings,
    as_sentence: bool = False,
    threshold: float | None = None,
) -> Answer:
    """The best span, its sentence as the quote; or "I don't know" below the threshold
    (`reader_refusal_threshold` unless given).

    With `as_sentence` (a why or how question), the answer is that sentence itself."""
    best = found[0] if found else None
    if threshold is None:
        threshold = settings.reader_refusal_threshold
    if best is None or best.score < threshold:
        return Answer(
            dont_know(language),
            language,
            refused=True,
            question=question,
            backend="reader",
            closest=tuple(retrieval.passages),
            evidence=best.score if best else 0.0,
        )
    passage, span = best.passage, best.span
    if span.in_title:
        title = title_head(passage.title)
        start, end = _brackets_closed(title, span.start, span.end, len(title))
        text = strip_markers(title[start:end]).strip()
        if answer_kind(question) in {"person", "place"}:
            text = headline_subject(text)
        # Found in the title ("Turquie : tentative de coup d'État"), which is no part of the
        # text: the quote is the sentence naming the answer in this passage or in another
        # retrieved passage of the article, else the passage's opening one (news writes its
        # first sentence to say what the title says).
        passage, named = _naming(passage, text, retrieval.passages)
        a, b = sentence_around(passage, named, named + 1)
        if is_date_alone(passage.text[a:b]):
            a, b = _next_sentence(passage, b) or (a, b)  # after Wikinews' opening date line
        keep = None
    else:
        start, end = _in_one_sentence(passage, span.start, span.end)
        text = strip_markers(passage.text[start:end]).strip()
        a, b = sentence_around(passage, start, end)
        if is_date_alone(passage.text[a:b]):
            # Read in Wikinews' date line ("28 août 2018."), which supports nothing alone:
            # the quote goes on with the sentence after it.
            b = (_next_sentence(passage, b) or (a, b))[1]
        keep = start  # the quote must still show the answer
    a, b = quote_bounds(passage.text, a, b, keep)
    quote = passage.text[a:b]
    citation = Citation(1, passage, quote, passage.start + a, passage.start + b)
    if as_sentence:
        text = strip_markers(quote)
    return Answer(
        f"{text} [1]",
        language,
        (citation,),
        question=question,
        backend="reader",
        evidence=best.score,
        span="" if as_sentence else text,
    )


def _in_one_sentence(passage: Passage, start: int, end: int) -> tuple[int, int]:
    """The span cut to the sentence it starts in ("Christopher Froome a gagné … le Tour de
    France. Le Britannique" ends at "France"), with a quotation it opens or ends made whole
    when the other mark is near, else left out ("où elle se trouvait « pour une courte
    session" is no answer to print); the words a span starts quoting stay alone ("WannaCry
    » qui bloque…" is "WannaCry")."""
    text, first, last = passage.text, start, end
    sentence = next(
        (b for a, b in sentence_spans(text, passage.lang or "fr") if a <= start < b), end
    )
    if end > sentence and _ends_a_sentence(text, sentence):
        start, end = tidy(text, start, sentence)
    lone_closer, lone_opener = _unpaired(text, start, end)
    closing = text.find("»", end, min(sentence, end + _QUOTE_REACH)) if lone_opener >= 0 else -1
    if closing >= 0:
        end = closing + 1
    elif lone_opener >= 0:
        end = tidy(text, start, lone_opener)[1]
    if 0 <= lone_closer < end:
        opening = _open_before(text, start)
        if opening < 0:
            start = tidy(text, lone_closer + 1, end)[0]
        elif text[opening + 1 : start].strip() or closing >= 0:
            start = opening  # the whole quotation: "« A » ou « B »" for "A » ou « B"
        else:
            end = tidy(text, start, lone_closer)[1]  # the words quoted: "WannaCry"
    start, end = _brackets_closed(text, start, end, sentence)
    return (start, end) if start < end else (first, last)


def _brackets_closed(text: str, start: int, end: int, sentence: int) -> tuple[int, int]:
    """A span that runs out of a bracket starts after it ("1962), une victoire…" is "une
    victoire…"); one that opens a bracket ends where it closes, when that is near ("PUBG
    (PlayerUnknown's BattleGrounds" gets its ")"), else before it."""
    closer, opener = _unpaired(text, start, end, "()")
    while closer >= 0:
        start = tidy(text, closer + 1, end)[0]
        closer, opener = _unpaired(text, start, end, "()")
    if opener < 0:
        return start, end
    closing = text.find(")", end, min(sentence, end + _QUOTE_REACH))
    return (start, closing + 1) if closing >= 0 else tidy(text, start, opener)


_QUOTE_REACH = 40  # characters a span may grow by to close the quotation it opens


# Abbreviations punkt takes for a sentence's end: "44 av. J.-C.", "Pr. Raoult", "env. 300".
_ABBREVIATION = re.compile(
    r"(?:\b[A-ZÀ-Ý][\w-]{0,3}|\b(?:av|apr|env|art|janv|févr|avr|juil|sept|oct|nov|déc|etc|cf|"
    r"vol|min|max|cie|hab|coll|éd|op|ibid)|[!?])[.!?]?$"
)


def _ends_a_sentence(text: str, at: int) -> bool:
    """Whether punkt's break at `at` ends a sentence: not before a digit or a lower-case word,
    nor after an abbreviation."""
    after = text[at:].lstrip()[:1]
    if after.isdigit() or after.islower():
        return False
    return _ABBREVIATION.search(text[max(0, at - 12) : at].rstrip()) is None


def _open_before(text: str, start: int) -> int:
    """The « still open where the span starts, within reach (-1 for none): "« Nous avons lu « Le
    Monde » hier…" is open at its first «, not at the closed one."""
    depth = 0
    for at in range(start - 1, max(0, start - _QUOTE_REACH) - 1, -1):
        if text[at] == "»":
            depth += 1
        elif text[at] == "«":
            if depth == 0:
                return at
            depth -= 1
    return -1


def _unpaired(text: str, start: int, end: int, marks: str = "«»") -> tuple[int, int]:
    """Where the span's first closing mark (», or the second of `marks`) that closes nothing in
    it is, and its last opening mark that nothing in it closes (-1 for none)."""
    closer, openers = -1, []
    for at in range(start, end):
        if text[at] == marks[0]:
            openers.append(at)
        elif text[at] == marks[1]:
            if openers:
                openers.pop()
            elif closer < 0:
                closer = at
    return closer, openers[-1] if openers else -1


def _naming(passage: Passage, text: str, retrieved: Sequence[Passage]) -> tuple[Passage, int]:
    """The passage itself if it names `text`, else the first retrieved passage of the same
    article that does, with where it names it; else the passage itself, at its start."""
    others = (p for p in retrieved if p.article_id == passage.article_id and p is not passage)
    for candidate in (passage, *others):
        at = _named_at(candidate, text)
        if at >= 0:
            return candidate, at
    return passage, 0


_DETERMINER = re.compile(r"^(?:(?:les|le|la|the)\s+|l['’]\s*)", re.I)


def _named_at(passage: Passage, text: str) -> int:
    """Where the passage names `text` as whole words, with or without its article ("le
    Portugal" is named in "la victoire du Portugal", "Chine" is not in "machines"); -1 when
    it does not."""
    for name in (text.strip(), _DETERMINER.sub("", text.strip())):
        if name:
            found = re.search(rf"(?<!\w){re.escape(name)}(?!\w)", passage.text, re.I)
            if found:
                return found.start()
    return -1


def _speaks_of(passage: Passage, years: set[str]) -> bool:
    """A passage can answer a question about a year if it names the year or was published that
    year or the next: "Eurovision 2023" is not answered by a 2017 article on Eurovision 2017."""
    if not years:
        return True
    published = passage.published_at
    if published is not None and any(int(y) in (published.year, published.year - 1) for y in years):
        return True
    return any(re.search(rf"(?<!\d){y}(?!\d)", passage.text) for y in years)


def _next_sentence(passage: Passage, after: int) -> tuple[int, int] | None:
    """The first sentence that starts at or after `after` (None at the passage's end)."""
    spans = sentence_spans(passage.text, passage.lang or "fr")
    return next((span for span in spans if span[0] >= after), None)


def sentence_around(passage: Passage, start: int, end: int) -> tuple[int, int]:
    """The sentence(s) of the passage that hold the text from `start` to `end`."""
    return sentences_holding(passage.text, start, end, passage.lang or "fr")


# A headline's subject: capitalized words, with the particles names and places carry.
_SUBJECT = re.compile(
    r"[A-ZÀ-Ý][\w'’-]*"
    r"(?:\s+(?:(?:de|du|des|d'|le|la|les|von|van|der|el|al|bin|ben)\s*)?[A-ZÀ-Ý][\w'’-]*)*"
)
_CAPITALIZED = re.compile(r"(?<![\w'’-])[A-ZÀ-Ý]")


def headline_subject(span: str) -> str:
    """A span read in a headline, cut to the name of two capitalized words or more that opens
    it when lower-case words follow: "Moon Jae-in élu président" -> "Moon Jae-in" (headlines
    put who or where first). One capitalized word stays whole: "Union européenne"."""
    found = _SUBJECT.match(span)
    if found is None or found.end() == len(span) or len(_CAPITALIZED.findall(found[0])) < 2:
        return span
    rest = span[found.end() :]
    return span[: found.end()] if rest[:1].isspace() and rest.lstrip()[:1].islower() else span
