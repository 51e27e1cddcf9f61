"""Time expressions in a question ("la semaine dernière", "since March 2017") as a date range.

Compiled regexes over a lower-cased, accent-folded copy of the question, not dateparser: its
`search_dates` took ~1.7 ms a call here, missed "la semaine dernière", and returns single dates
where the retriever needs ranges. Month arithmetic is plain `calendar` code (dateutil is only a
transitive dependency).
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from index.text import fold_keeping_offsets, original_span

_Span = tuple[date, date]


@dataclass(frozen=True)
class DateRange:
    """Inclusive dates a question refers to; `text` is the substring that said so."""

    start: date | None  # None = open
    end: date | None  # None = open
    text: str
    # "day", "week", "month" or "year" for a whole calendar unit said relative to today with
    # no preposition ("hier", "le mois dernier", "cette année"); None for the rest.
    unit: str | None = field(default=None, compare=False)
    at: int = field(default=0, compare=False)  # where `text` starts in the question

    def holds(self, day: date) -> bool:
        return (self.start is None or day >= self.start) and (self.end is None or day <= self.end)


def period_names(period: DateRange) -> tuple[str, ...]:
    """How an article names a whole calendar month or year, folded, in French and English
    ("septembre 2016", "september 2016"; "2016"); nothing for other periods."""
    start, end = period.start, period.end
    if start is None or end is None or start.day != 1 or start.year != end.year:
        return ()
    if (start.month, end.month, end.day) == (1, 12, 31):
        return (str(start.year),)
    if start.month == end.month and end == _month_end(start.year, start.month):
        row = _MONTH_ROWS[start.month - 1].split()
        return tuple(f"{name} {start.year}" for name in row)
    return ()


def _table(*rows: str, first: int = 1) -> dict[str, int]:
    """Numbered rows of synonyms: ("lundi monday", "mardi tuesday") -> {"lundi": 1, ...}."""
    return {word: n for n, row in enumerate(rows, first) for word in row.split()}


_MONTH_ROWS = (
    "janvier january", "fevrier february", "mars march", "avril april", "mai may", "juin june",
    "juillet july", "aout august", "septembre september", "octobre october",
    "novembre november", "decembre december",
)  # fmt: skip
_MONTHS = _table(*_MONTH_ROWS)
_EN_MONTHS = [row.split()[1] for row in _MONTH_ROWS]


def month_number(name: str) -> int | None:
    """1-12 for a French or English month name, lower case without accents ("fevrier")."""
    return _MONTHS.get(name)


_WEEKDAYS = _table(
    "lundi monday", "mardi tuesday", "mercredi wednesday", "jeudi thursday", "vendredi friday",
    "samedi saturday", "dimanche sunday", first=0,
)  # fmt: skip
_COUNTS = _table(
    "un une a an one", "deux two", "trois three", "quatre four", "cinq five", "six",
    "sept seven", "huit eight", "neuf nine", "dix ten", "onze eleven", "douze twelve",
)  # fmt: skip
_COUNTS |= {"quinze": 15, "fifteen": 15, "vingt": 20, "twenty": 20, "trente": 30, "thirty": 30}


def _words(names: Iterable[str]) -> str:
    return "|".join(sorted(names, key=len, reverse=True))  # longest first: "une" before "un"


_MONTH = rf"(?:{_words(_MONTHS)})\b"
_EN_MONTH = rf"(?:{_words(_EN_MONTHS)})\b"
_WEEKDAY = rf"(?:{_words(_WEEKDAYS)})\b"
# A 4-digit year not glued to more digits or a dash: keeps "loi 2016-1087" and "2016.5" out.
_YEAR = r"(?:1[89]|20)\d\d(?![\w-]|[.,:/]\d)"
_DAY_NUM = r"premier|first|[12]\d|3[01]|0?[1-9]"
_DAY_SUFFIX = r"(?!\d)(?:er|st|nd|rd|th)?\b"
_COUNT = rf"\d{{1,3}}(?!\d)|{_words(_COUNTS)}"
_UNIT = r"(?:jours?|semaines?|mois|annees?|ans?|days?|weeks?|months?|years?)\b"
_LAST = r"(?:derniere?s?|passee?s?)\b"

# A preposition just before an expression tells how to use its span. It is looked for apart,
# only in front of a match: as an optional group in every pattern it made scans ~6x slower.
_PREP_BEFORE = re.compile(
    r"\b(?:(?P<since>(?:depuis|since)\s+|a\s+partir\s+(?:de\s+|du\s+|d'))"
    r"|(?P<before>(?:avant|before|prior\s+to)\s+)"
    r"|(?P<after>(?:apres|after)\s+)"
    r"|(?P<until>jusqu'(?:en|a|au)\s+|(?:until|till)\s+)"
    r"|(?P<within>(?:en|in|during|pendant|durant)\s+|au\s+cours\s+(?:de\s+|du\s+|d')?)"
    r"|(?P<on>on\s+))\Z"
)
_PREP_REACH = 30  # characters before a match where its preposition may start


def _point(p: str, *, bare_day: bool = False) -> str:
    """A calendar day, month or year; group names carry the prefix `p` so two can share a regex."""
    branches = [
        rf"(?P<{p}iso>(?:1[89]|20)\d\d-[01]\d-[0-3]\d)(?![\w-])",
        # "20/01/2018", "20.01.2018" (day first, as French writes it)
        rf"(?:(?:le|the)\s+)?(?P<{p}num>(?<![\d.])[0-3]?\d(?P<{p}sep>[/.])[0-3]?\d"
        rf"(?P={p}sep)(?:1[89]|20)\d\d)(?![\w-]|[.,:/]\d)",
        rf"(?:(?:le|the)\s+)?(?:{_WEEKDAY},?\s+)?(?P<{p}d1>{_DAY_NUM}){_DAY_SUFFIX}\s+(?:of\s+)?"
        rf"(?P<{p}m1>{_MONTH})(?:,?\s+(?P<{p}y1>{_YEAR})|\s+(?P<{p}l1>{_LAST}))?",
        rf"(?:{_WEEKDAY},?\s+)?(?P<{p}m2>{_EN_MONTH})\s+(?:the\s+)?(?P<{p}d2>{_DAY_NUM}){_DAY_SUFFIX}"
        rf"(?:,?\s+(?P<{p}y2>{_YEAR}))?",
        rf"(?P<{p}mo>(?:(?:au|le)\s+)?mois\s+(?:de\s+|d')|(?:the\s+)?month\s+of\s+)?"
        rf"(?:(?P<{p}l3a>last)\s+)?"
        rf"(?P<{p}m3>{_MONTH})(?:\s+(?P<{p}y3>{_YEAR})|\s+(?P<{p}l3b>{_LAST}))?",
        rf"(?:(?:l'annee|l'an|the\s+year|year)\s+)?(?P<{p}y5>{_YEAR})",
    ]
    if bare_day:  # "du 1er au 15 mars": the day borrows its month and year from the other end
        branches.append(rf"(?:(?:le|the)\s+)?(?P<{p}d6>{_DAY_NUM}){_DAY_SUFFIX}")
    return "(?:" + "|".join(branches) + ")"


@dataclass(frozen=True)
class _Point:
    year: int | None
    month: int | None
    day: int | None
    last: bool = False  # "février dernier", "last February": strictly before today


def _pick(m: re.Match[str], *names: str) -> str | None:
    named = m.re.groupindex  # cheaper than m.groupdict() on these many-group patterns
    return next((m[n] for n in names if n in named and m[n]), None)


def _read_point(m: re.Match[str], p: str) -> _Point:
    iso = _pick(m, p + "iso")
    if iso:
        y, mo, d = (int(part) for part in iso.split("-"))
        return _Point(y, mo, d)
    numeric = _pick(m, p + "num")
    if numeric:
        d, mo, y = (int(part) for part in re.split(r"[/.]", numeric))
        # "01/20/2018" can only be month first, as American English writes it.
        return _Point(y, d, mo) if mo > 12 >= d else _Point(y, mo, d)
    day = _pick(m, p + "d1", p + "d2", p + "d6")
    month = _pick(m, p + "m1", p + "m2", p + "m3")
    year = _pick(m, p + "y1", p + "y2", p + "y3", p + "y5")
    return _Point(
        year=int(year) if year else None,
        month=_MONTHS[month] if month else None,
        day=(1 if day in ("premier", "first") else int(day)) if day else None,
        last=_pick(m, p + "l1", p + "l3a", p + "l3b") is not None,
    )


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _add_months(day: date, months: int) -> date:
    """Same day of month `months` later (or earlier), clamped: 31 March - 1 month = 29 Feb 2016."""
    year, index = divmod(day.year * 12 + day.month - 1 + months, 12)
    return date(year, index + 1, min(day.day, calendar.monthrange(year, index + 1)[1]))


def _point_span(point: _Point, today: date) -> _Span | None:
    """The days a point covers; a missing year means the latest one not after today."""
    year, month, day = point.year, point.month, point.day
    try:
        if month is None:
            return (date(year, 1, 1), date(year, 12, 31)) if year else None
        if day is None:
            if year is None:
                passed = month < today.month or (month == today.month and not point.last)
                year = today.year if passed else today.year - 1
            return date(year, month, 1), _month_end(year, month)
        if year is None:
            year = today.year
            if (month, day) > (today.month, today.day) or (
                point.last and (month, day) == (today.month, today.day)
            ):
                year -= 1
            while (month, day) == (2, 29) and not calendar.isleap(year):
                year -= 1
        return date(year, month, day), date(year, month, day)
    except ValueError:  # 31 février, 29 February of a common year
        return None


def _lone_point(m: re.Match[str]) -> bool:
    """A lone month or year ("Mars", "2016") is too often a name or a number to stand alone."""
    point = _read_point(m, "p")
    alone = point.day is None and (point.month is None or point.year is None)
    return alone and not point.last and not m["pmo"]


def _on_point(m: re.Match[str], today: date) -> _Span | None:
    return _point_span(_read_point(m, "p"), today)


def _on_between(m: re.Match[str], today: date) -> _Span | None:
    first, last = _read_point(m, "a"), _read_point(m, "b")
    if first.month is None and first.day is not None:
        first = _Point(first.year, last.month, first.day)
    if last.year is None and first.year is not None:
        last = _Point(first.year, last.month, last.day)
    end = _point_span(last, today)
    if end is None:
        return None
    if first.year is None:
        first = _Point(end[1].year, first.month, first.day)
    start = _point_span(first, today)
    if start is not None and first.month is not None and start[0] > end[1]:
        start = _point_span(_Point(end[1].year - 1, first.month, first.day), today)
    if start is None or start[0] > end[1]:
        return None
    return start[0], end[1]


def _on_day(m: re.Match[str], today: date) -> _Span:
    back = 2 if m["before2"] else 1 if m["before1"] else 0
    day = today - timedelta(days=back)
    return day, day


def _unit(word: str) -> str:
    """Jour/day, semaine/week, mois/month, an/année/year, told apart by their first letter."""
    return {"j": "day", "d": "day", "s": "week", "w": "week", "m": "month"}.get(word[0], "year")


def _calendar_unit(day: date, unit: str) -> _Span:
    """The day, Monday-to-Sunday week, month or year that contains `day`."""
    if unit == "day":
        return day, day
    if unit == "week":
        monday = day - timedelta(days=day.weekday())
        return monday, monday + timedelta(days=6)
    if unit == "month":
        return day.replace(day=1), _month_end(day.year, day.month)
    return date(day.year, 1, 1), date(day.year, 12, 31)


def _shift(day: date, count: int, unit: str) -> date:
    if unit == "day":
        return day - timedelta(days=count)
    if unit == "week":
        return day - timedelta(weeks=count)
    return _add_months(day, -count * (12 if unit == "year" else 1))


def _on_this(m: re.Match[str], today: date) -> _Span:
    return _calendar_unit(today, _unit(_pick(m, "this_fr", "this_fr2", "this_en") or "y"))[0], today


def _on_previous(m: re.Match[str], today: date) -> _Span:
    unit = _unit(_pick(m, "prev_fr", "prev_fr2", "prev_en") or "y")
    return _calendar_unit(_shift(today, 1, unit), unit)


def _on_weekday(m: re.Match[str], today: date) -> _Span:
    wanted = _WEEKDAYS[_pick(m, "wd1", "wd2") or "lundi"]
    day = today - timedelta(days=(today.weekday() - wanted) % 7 or 7)
    return day, day


def _count(m: re.Match[str], *names: str) -> int:
    word = _pick(m, *names)
    return 1 if word is None else int(word) if word.isdigit() else _COUNTS[word]


def _on_ago(m: re.Match[str], today: date) -> _Span | None:
    """For "il y a 3 semaines": the whole week (day, month, year) that held today - 3 weeks."""
    unit = _unit(_pick(m, "ago_u1", "ago_u2") or "y")
    try:
        return _calendar_unit(_shift(today, _count(m, "ago_n1", "ago_n2"), unit), unit)
    except (ValueError, OverflowError):
        return None


def _on_recent(m: re.Match[str], today: date) -> _Span | None:
    """For "ces 7 derniers jours", "in the past 7 days": from today - 7 days up to today."""
    unit = _unit(_pick(m, "rec_u1", "rec_u2", "rec_u3", "rec_u4", "rec_u5") or "y")
    try:
        return _shift(today, _count(m, "rec_n1", "rec_n2", "rec_n3", "rec_n4"), unit), today
    except (ValueError, OverflowError):
        return None


@dataclass(frozen=True)
class _Rule:
    pattern: re.Pattern[str]
    resolve: Callable[[re.Match[str], date], _Span | None]
    needs_prep: Callable[[re.Match[str]], bool]  # then "on" is not enough
    unit: Callable[[re.Match[str]], str | None]  # the calendar unit of a relative expression


def _rule(
    body: str,
    resolve: Callable[[re.Match[str], date], _Span | None],
    needs_prep: Callable[[re.Match[str]], bool] = lambda m: False,
    unit: Callable[[re.Match[str]], str | None] = lambda m: None,
) -> _Rule:
    return _Rule(re.compile(rf"\b(?:{body})"), resolve, needs_prep, unit)


def _unit_of(*groups: str) -> Callable[[re.Match[str]], str | None]:
    return lambda m: _unit(_pick(m, *groups) or "y")


def _a_day(m: re.Match[str]) -> str:
    return "day"


_RULES = (
    _rule(
        rf"(?:entre|between|de|du|from)\s+{_point('a', bare_day=True)}\s+"
        rf"(?:et|and|a|au|to|until|till|jusqu'(?:a|au|en))\s+{_point('b')}",
        _on_between,
    ),
    # The lookahead lists every letter a point can start with (digits, "le", "the", "premier",
    # months, weekdays, "mois", "year"...): it halves the time of this, the costliest scan.
    _rule(rf"(?=[\dadfjlmnopstvwy]){_point('p')}", _on_point, _lone_point),
    _rule(
        r"(?P<before2>avant[\s-]+hier|the\s+day\s+before\s+yesterday)\b"
        r"|(?P<before1>hier|yesterday|last\s+night)\b"
        r"|(?:aujourd'hui|today|tonight|this\s+morning)\b",
        _on_day,
        unit=_a_day,
    ),
    _rule(
        r"(?:cette\s+(?P<this_fr>semaine|annee)|ce\s+(?P<this_fr2>mois))(?:-ci)?\b"
        r"|this\s+(?P<this_en>week|month|year)\b",
        _on_this,
        unit=_unit_of("this_fr", "this_fr2", "this_en"),
    ),
    _rule(
        # "semaine dernière" may drop its article; "deux semaines passées en mer" is no date.
        rf"(?:la\s+|le\s+|l')(?P<prev_fr>semaine|mois|annee|an)\s+{_LAST}"
        r"|(?P<prev_fr2>semaine|mois|annee)\s+derniere?\b"
        r"|last\s+(?P<prev_en>week|month|year)\b",
        _on_previous,
        unit=_unit_of("prev_fr", "prev_fr2", "prev_en"),
    ),
    _rule(rf"(?P<wd1>{_WEEKDAY})\s+{_LAST}|last\s+(?P<wd2>{_WEEKDAY})", _on_weekday, unit=_a_day),
    _rule(
        rf"(?:il\s+y\s+a|voici|ca\s+fait)\s+(?P<ago_n1>{_COUNT})\s+(?P<ago_u1>{_UNIT})"
        rf"|(?P<ago_n2>{_COUNT})\s+(?P<ago_u2>{_UNIT})\s+ago\b",
        _on_ago,
        unit=_unit_of("ago_u1", "ago_u2"),
    ),
    _rule(
        r"(?:(?:sur|over|for|within)\s+)?"
        rf"(?:(?:ces|les|des)\s+(?P<rec_n1>{_COUNT})\s+{_LAST}\s+(?P<rec_u1>{_UNIT})"
        rf"|the\s+(?:last|past)\s+(?:(?P<rec_n2>{_COUNT})\s+(?P<rec_u2>{_UNIT})"
        r"|(?P<rec_u5>day|week|month|year)\b)"  # "the past week", but not "the last days of"
        rf"|(?:last|past)\s+(?P<rec_n3>{_COUNT})\s+(?P<rec_u3>{_UNIT}))"
        rf"|depuis\s+(?P<rec_n4>{_COUNT})\s+(?P<rec_u4>{_UNIT})",
        _on_recent,
    ),
)


def _with_prep(
    prep: re.Match[str] | None, span: _Span, today: date
) -> tuple[date | None, date | None] | None:
    """Open or close the span as its preposition says: since, before, after, until."""
    start, end = span
    if prep is None:
        return start, end
    if prep["since"]:
        return (start, today) if start <= today else None
    if prep["before"]:
        return None, start - timedelta(days=1)
    if prep["after"]:
        return end + timedelta(days=1), None
    if prep["until"]:
        return None, end
    return start, end


def find_date_range(question: str, today: date) -> DateRange | None:
    """The first time expression in the question, as dates relative to `today`, or None.

    "This week/month/year" runs from its start to today; "last week/month/year" and "il y a 3
    semaines" are the whole calendar unit (weeks start on Monday); "les 7 derniers jours" runs
    from today - 7 days to today. A month or day without a year is the latest one not after today
    ("dernier"/"last": strictly before). "Depuis/since" ends today, "avant/before" and
    "après/after" leave the other end open. A lone month or year needs a preposition ("en",
    "in", "depuis"...): "prix Nobel de la paix 2016" and "sur Mars" give None.
    """
    folded, origin = fold_keeping_offsets(question)
    best: tuple[int, int, date | None, date | None, str | None] | None = None
    for rule in _RULES:
        for m in rule.pattern.finditer(folded):
            if best is not None and m.start() > best[0]:
                break
            prep = _PREP_BEFORE.search(folded, max(0, m.start() - _PREP_REACH), m.start())
            if rule.needs_prep(m) and (prep is None or prep["on"]):
                continue
            span = rule.resolve(m, today)
            dates = _with_prep(prep, span, today) if span is not None else None
            if dates is None:
                continue
            start = prep.start() if prep else m.start()
            if best is None or (start, -m.end()) < (best[0], -best[1]):
                best = (start, m.end(), *dates, None if prep else rule.unit(m))
            break
    if best is None:
        return None
    start, stop = original_span(question, origin, best[0], best[1])
    return DateRange(best[2], best[3], question[start:stop], best[4], start)
