"""The question as the reader reads it: the words of time it cannot match in a passage, taken
out ("en ce moment", "currently") or written as the dates they stand for ("hier" asked on 28
October 2017 is "le 27 octobre 2017"). Retrieval has already used them."""

from __future__ import annotations

import re
from datetime import date

from index.retrieval import DateRange
from index.written_dates import human_date, month_name

# "Now" said outright, in lower case (a title such as "Apocalypse Now" or "le magazine Actuel"
# keeps its word): the reader looks for these words in passages that never hold them. "Now",
# "en titre" and the like only at the end of the question, where they say "as things stand".
_NOW = re.compile(
    r"\b(?:actuellement|en ce moment|à l'heure actuelle|currently|right now|at the moment|"
    r"at present)\b"
    r"|(?<=\s)(?:à ce jour|jusqu'à présent|jusqu'ici|pour l'instant|pour le moment|so far|"
    r"(?<!up )to date|en titre|(?<!until )(?<!up to )(?<!for )(?<!just )now)(?=\s*[?!.]?\s*$)"
    r"|(?P<elided>\bl['’]actuel(?P<feminine>le)?\s)"
    r"|(?<![’'])\bactuel(?:le)?s?\b"
    r"|(?<=the )(?:current|reigning)\b(?!\s+(?:account|affairs|events))"
)
# A period that names what it is about ("le sommet d'hier", "last year's budget", "pour l'an
# prochain") or opens a longer one ("depuis hier") is not a date to write out.
_BOUND_BEFORE = re.compile(
    r"(?:\b(?:de|du|des|d'|d’|depuis|dès|pour|of|the|for|since|from|by)\s*)$", re.IGNORECASE
)
_BOUND_AFTER = re.compile(r"^['’]s\b")


def timeless(question: str, period: DateRange | None, today: date, language: str) -> str:
    """`question` without "now" words, its relative day, month or year ("hier", "le mois
    dernier", "last year") written as the date it stands for; a week, a period with a
    preposition ("depuis…", "avant…"), today itself and dates the question names are left as
    they are. A question that would be left with no words is read as asked."""
    read = question
    if period is not None and period.unit is not None:
        read = _dated(read, period, today, language)
    without = _NOW.sub(_left_for, read)
    if without != read and re.search(r"\w", without):
        read = re.sub(r"\s+([,;])", r"\1", " ".join(without.split()))
        read = re.sub(r",(\s*[?!.]?)$", r"\1", read)
        if language != "fr":  # English puts no space before its question mark
            read = re.sub(r"\s+([?!.])$", r"\1", read)
    return read


def _left_for(now: re.Match[str]) -> str:
    """What stays of a "now" word: "l'actuel président" is "le président"."""
    if now["elided"]:
        return " la " if now["feminine"] else " le "
    return " "


def _dated(question: str, period: DateRange, today: date, language: str) -> str:
    at, end = period.at, period.at + len(period.text)
    if question[at:end] != period.text:
        return question
    if _BOUND_BEFORE.search(question[:at]) or _BOUND_AFTER.match(question[end:]):
        return question
    written = _written(period, today, language)
    if written is None:
        return question
    if at == 0:
        written = written[0].upper() + written[1:]
    return question[:at] + written + question[end:]


def _written(period: DateRange, today: date, language: str) -> str | None:
    start, fr = period.start, language == "fr"
    if start is None:
        return None
    if period.unit == "day":
        if start == today:
            return None  # "aujourd'hui" is as often "now" as the day's news
        return f"le {human_date(start, 'fr')}" if fr else f"on {human_date(start, 'en')}"
    if period.unit == "month":
        month = f"{month_name(start.month, language)} {start.year}"
        return f"en {month}" if fr else f"in {month}"
    if period.unit == "year":
        return f"en {start.year}" if fr else f"in {start.year}"
    return None  # a week: "du 16 au 22 octobre" is words the reader would not match either
