"""Countries as answers: whether a span names one country and nothing more, and which
countries a question names itself.

"Quel pays…" / "Which country…" wants a country's name. The reader's first choice is sometimes
a phrase beside it ("Aéroport international Tribhuvan" in a story titled "Népal : …"), and
sometimes a place that stands for a country ("Washington", "le Kremlin"), which answers the
question as news writes it and must not give way to another country of the passage.
"""

from __future__ import annotations

import re
from functools import cache

from index.answer.office_names import country_aliases, nationality_adjectives, territory_names
from index.text import WORD, fold

# CLDR territories that no answer to "which country" is: unions, pseudo-locales, the unknown
# region, Antarctica, and France's overseas parts (France, asked as a country).
_NOT_COUNTRIES = frozenset(
    {"EU", "EZ", "UN", "QO", "XA", "XB", "ZZ", "AQ", "RE", "MQ", "GP", "YT", "GF", "PF", "NC",
     "PM", "BL", "MF", "WF", "TF"}
)  # fmt: skip
# Names CLDR leaves out, as French news writes them.
_FRENCH_ALIASES = {
    "grande bretagne": "GB", "angleterre": "GB", "ecosse": "GB", "pays de galles": "GB",
    "birmanie": "MM", "republique tcheque": "CZ", "congo": "CG", "rdc": "CD",
    "republique democratique du congo": "CD", "palestine": "PS", "vatican": "VA",
    "macedoine": "MK", "hollande": "NL", "etats unis d amerique": "US", "coree": "KR",
    "scotland": "GB", "wales": "GB",
}  # fmt: skip
# Capitals and seats of power that news names for their country ("Washington a livré des
# armes", "le Kremlin dément").
_SEATS = {
    "washington": "US", "maison blanche": "US", "white house": "US", "pentagone": "US",
    "pentagon": "US", "moscou": "RU", "moscow": "RU", "kremlin": "RU", "pekin": "CN",
    "beijing": "CN", "londres": "GB", "london": "GB", "downing street": "GB", "elysee": "FR",
    "matignon": "FR", "paris": "FR", "berlin": "DE", "tokyo": "JP", "ankara": "TR",
    "teheran": "IR", "tehran": "IR", "damas": "SY", "damascus": "SY", "kiev": "UA",
    "kyiv": "UA", "pyongyang": "KP", "seoul": "KR", "riyad": "SA", "riyadh": "SA",
    "le caire": "EG", "cairo": "EG", "bagdad": "IQ", "baghdad": "IQ", "kaboul": "AF",
    "kabul": "AF", "islamabad": "PK", "new delhi": "IN", "ottawa": "CA", "canberra": "AU",
    "bruxelles": "BE", "brussels": "BE", "rome": "IT", "madrid": "ES", "varsovie": "PL",
    "warsaw": "PL",
}  # fmt: skip
# The English aliases that are adjectives ("korean"), which name no country alone.
_ADJECTIVE_ALIASES = frozenset({"korean", "argentinian", "philippine"})
_LEADING_ARTICLE = re.compile(r"^(?:l|le|la|les|the) ")


def country_of(text: str) -> str | None:
    """The ISO code of the one country a text names and nothing more, after an article or
    not ("la Syrie", "Népal", "the United States", "USA"); None for anything else, a list
    included."""
    return _names().get(_bare(text))


def stands_for_a_country(text: str) -> bool:
    """Whether a text names a country, or a capital or seat of power that news names for one
    ("Washington", "la Maison Blanche")."""
    bare = _bare(text)
    return bare in _names() or bare in _SEATS


def countries_in(question: str) -> set[str]:
    """The ISO codes of the countries a question names, by name or adjective ("Quel pays a
    frappé une base syrienne ?": Syria): none of them is the answer it asks for."""
    words = WORD.findall(fold(question))
    found, at = set(), 0
    while at < len(words):
        for size in (4, 3, 2, 1):  # the longest name first: "Corée du Nord", not "Corée"
            run = " ".join(words[at : at + size])
            code = _names().get(run) or _adjectives().get(run) or _SEATS.get(run)
            if code:
                found.add(code)
                at += size
                break
        else:
            at += 1
    return found


def _bare(text: str) -> str:
    return _LEADING_ARTICLE.sub("", " ".join(WORD.findall(fold(text))))


@cache
def _names() -> dict[str, str]:
    names = {
        name: code
        for lang in ("fr", "en")
        for code, name in territory_names(lang).items()
        if code not in _NOT_COUNTRIES
    }
    aliases = {n: c for n, c in country_aliases().items() if n not in _ADJECTIVE_ALIASES}
    return names | aliases | _FRENCH_ALIASES


@cache
def _adjectives() -> dict[str, str]:
    """Folded nationality adjectives, English and French, masculine and feminine, singular and
    plural ("syrien", "syrienne", "syriens", "syrian") -> ISO code."""
    found: dict[str, str] = {}
    for code, (english, french) in nationality_adjectives().items():
        found[english] = code
        for ending in ("", "e", "s", "es", "ne", "nes"):
            found[french + ending] = code
    return found
