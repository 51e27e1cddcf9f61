"""The question as the reader reads it: the words of time it cannot match in a passage, taken
out ("en ce moment", "currently") or written as the dates they stand for ("hier" asked on 28
October 2017 is "le 27 octobre 2017"). Retrieval has already used them."""

from __future__ import annotations

import calendar
import re
from datetime import date

from index.retrieval import DateRange
from index.retrieval.dates import month_number
from index.text import fold_keeping_offsets
from index.written_dates import human_date, month_name

# "Now" said outright: the reader looks for these words in passages that never hold them.
_NOW = re.compile(
    r"(?i)\b(?:actuellement|en ce moment|à l'heure actuelle|currently|right now|at the moment|"
    r"at present|en titre)\b|\b(?:actuel(?:le)?s?|current|reigning)\b|,?\s+now\b"
)
_WORDS = re.compile(r"[a-z]+")
_DATED = re.compile(r"\d{4}|\d/\d|\d\.\d")  # a year, "20/01", "20.01"


def timeless(question: str, period: DateRange | None, today: date, language: str) -> str:
    """`question` without "now" words, its relative period ("hier", "le mois dernier", "last
    year") written as the day, month or year it stands for; a period that names its dates, a
    week, an open one ("depuis …") and today itself are left as they are."""
    without = _NOW.sub(" ", question)
    if without != question:
        question = " ".join(without.split())
        if language != "fr":  # English puts no space before its question mark
            question = re.sub(r"\s+([?!.])$", r"\1", question)
    if period is None or not period.text or _names_dates(period.text):
        return question
    written = _written(period, today, language)
    return question if written is None else question.replace(period.text, written, 1)


def _names_dates(text: str) -> bool:
    folded, _ = fold_keeping_offsets(text)
    return bool(_DATED.search(text)) or any(month_number(w) for w in _WORDS.findall(folded))


def _written(period: DateRange, today: date, language: str) -> str | None:
    start, end = period.start, period.end or today
    if start is None or end < start or start == end == today:
        return None  # "aujourd'hui" is as often "now" as the day's news
    fr = language == "fr"
    if start == end:
        return f"le {human_date(start, 'fr')}" if fr else f"on {human_date(start, 'en')}"
    last = end == today or end.day == calendar.monthrange(end.year, end.month)[1]
    if start.day == 1 and (start.year, start.month) == (end.year, end.month) and last:
        month = f"{month_name(start.month, language)} {start.year}"
        return f"en {month}" if fr else f"in {month}"
    if (
        (start.month, start.day) == (1, 1)
        and start.year == end.year
        and last
        and (end == today or end.month == 12)
    ):
        return f"en {start.year}" if fr else f"in {start.year}"
    return None
