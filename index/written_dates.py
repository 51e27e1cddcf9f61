"""Dates written the reader's way: "7 octobre 2016" in French, "October 7, 2016" in English."""

from __future__ import annotations

from datetime import date, datetime

_MONTHS = {
    "fr": [
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ],
    "en": [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ],
}


def month_name(month: int, language: str) -> str:
    """ "octobre" in French, "October" in any other language."""
    return _MONTHS["fr" if language == "fr" else "en"][month - 1]


def human_date(day: date, language: str) -> str:
    """The day as a reader writes it: "1er février 2017", "February 1, 2017"."""
    if language == "fr":
        first = "1er" if day.day == 1 else str(day.day)
        return f"{first} {_MONTHS['fr'][day.month - 1]} {day.year}"
    return f"{_MONTHS['en'][day.month - 1]} {day.day}, {day.year}"


def human_time(moment: datetime, language: str) -> str:
    """A moment as "2 décembre 2026 à 15:04" (English: "at"), in the local time zone."""
    local = moment.astimezone()
    joint = "à" if language == "fr" else "at"
    return f"{human_date(local.date(), language)} {joint} {local:%H:%M}"
