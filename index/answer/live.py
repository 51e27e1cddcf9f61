"""Questions about this very moment (the time, today's date, the weather now or tomorrow):
no news archive holds the answer, so they get "I don't know" and why, never a search.

Only present and future wordings count: "Quel temps fera-t-il demain à Lyon ?" is live, "Quel
temps a-t-il fait pendant l'étape ?" asks the news. Matched in the folded question.
"""

from __future__ import annotations

import re

from index.text import fold

_LIVE = re.compile(
    r"\b("
    # the time and the date
    r"quelle heure (est[- ]il|il est)|il est quelle heure|"
    r"quel jour (sommes[- ]nous|on est|est[- ]on)|on est quel jour|"
    r"quelle est la date (d'aujourd'hui|du jour)|"
    r"what time is it|what'?s the time|what (day|date) is (it|today)|"
    r"what'?s (the date|today'?s date)|what is (the date|today'?s date)|"
    # the weather
    r"quel temps (fait[- ]il|fera[- ]t[- ]il|va[- ]t[- ]il faire|il fait|il fera|il va faire)|"
    r"quelle temperature (fait[- ]il|fera[- ]t[- ]il|il fait|il fera)|"
    r"(va[- ]t[- ]il|il va|est[- ]ce qu'il va) pleuvoir|pleut[- ]il|"
    r"quelle (est la )?meteo|meteo (d'aujourd'hui|aujourd'hui|de demain|demain|du jour)|"
    r"what'?s the weather|what is the weather|weather (forecast|today|tomorrow)|"
    r"will it (rain|snow)|is it (raining|snowing)"
    r")"
)

REPLIES = {
    "fr": (
        "Je ne sais pas : je réponds à partir des articles de l'archive, qui ne donnent ni "
        "l'heure, ni la date du jour, ni la météo."
    ),
    "en": (
        "I don't know: I answer from the articles in the archive, which do not tell the time, "
        "today's date or the weather."
    ),
}


def asks_the_moment(question: str) -> bool:
    """Whether the question asks the time, today's date or the weather now or to come."""
    return _LIVE.search(fold(question).replace("’", "'")) is not None


def moment_reply(language: str) -> str:
    return REPLIES.get(language, REPLIES["en"])
