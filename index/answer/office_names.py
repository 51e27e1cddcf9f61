"""An office's other names: the ones a French news archive writes its holder beside.

"Qui est le garde des Sceaux ?" is answered by "le ministre de la Justice Jean-Jacques Urvoas",
and "Who is the president of the United States?" by "Barack Obama, président des États-Unis" or
"le président américain Barack Obama" in a French archive. Names go in and come out folded
(`index.text.fold`), as a French question would name the office.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from index.text import WORD, fold, tokenize

# An office's other names in the question's language, and its usual one; matched in the folded
# question and put in its place, so the question's place words stay ("chef de l'État en France").
_USUAL = (
    (re.compile(r"\bgarde des sceaux\b"), "ministre de la justice en france"),
    (re.compile(r"\bchef de l['’]etat\b"), "president"),
    (re.compile(r"\bchef du gouvernement\b"), "premier ministre"),
    (re.compile(r"\blocataire de matignon\b"), "premier ministre en france"),
    (re.compile(r"\blocataire de l['’]elysee\b"), "president en france"),
    (re.compile(r"\bhead of state\b"), "president"),
    (re.compile(r"\bhead of government\b"), "prime minister"),
)

# Parties and bodies news names by their initials as often as in full (folded): "le premier
# secrétaire du PS" is the one of the Parti socialiste.
_INITIALS = (
    ("parti socialiste", "ps"),
    ("les republicains", "lr"),
    ("front national", "fn"),
    ("rassemblement national", "rn"),
    ("la republique en marche", "lrem"),
    ("parti communiste francais", "pcf"),
    ("union europeenne", "ue"),
    ("organisation des nations unies", "onu"),
    ("nations unies", "onu"),
    ("organisation du traite de l'atlantique nord", "otan"),
    ("banque centrale europeenne", "bce"),
    ("fonds monetaire international", "fmi"),
    ("comite international olympique", "cio"),
    ("confederation generale du travail", "cgt"),
    ("paris saint-germain", "psg"),
    ("paris saint germain", "psg"),
    ("olympique de marseille", "om"),
    ("olympique lyonnais", "ol"),
)

# English names of offices, folded and without "the", and the French one news writes.
_ENGLISH_OFFICES = {
    "president": "president",
    "head of state": "president",
    "prime minister": "premier ministre",
    "pm": "premier ministre",
    "premier": "premier ministre",
    "head of government": "premier ministre",
    "chancellor": "chancelier",
    "secretary general": "secretaire general",
    "interior minister": "ministre de l'interieur",
    "minister of interior": "ministre de l'interieur",
    "home secretary": "ministre de l'interieur",
    "home minister": "ministre de l'interieur",
    "justice minister": "ministre de la justice",
    "minister of justice": "ministre de la justice",
    "foreign minister": "ministre des affaires etrangeres",
    "foreign secretary": "ministre des affaires etrangeres",
    "minister of foreign affairs": "ministre des affaires etrangeres",
    "finance minister": "ministre des finances",
    "minister of finance": "ministre des finances",
    "economy minister": "ministre de l'economie",
    "defence minister": "ministre de la defense",
    "defense minister": "ministre de la defense",
    "minister of defence": "ministre de la defense",
    "minister of defense": "ministre de la defense",
    "health minister": "ministre de la sante",
    "education minister": "ministre de l'education",
    "press secretary": "porte-parole",
    "spokesman": "porte-parole",
    "spokeswoman": "porte-parole",
    "spokesperson": "porte-parole",
    "government spokesman": "porte-parole du gouvernement",
    "king": "roi",
    "queen": "reine",
    "pope": "pape",
    "mayor": "maire",
    "governor": "gouverneur",
    "army chief": "chef de l'armee",
    "chief of army": "chef de l'armee",
    "president of european commission": "president de la commission europeenne",
    "president of european parliament": "president du parlement europeen",
    "european commission president": "president de la commission europeenne",
    "european parliament president": "president du parlement europeen",
}
# Bodies whose officers news names beside them, and how French writes them.
_BODIES = {
    "un": ("onu", "nations unies"),
    "united nations": ("onu", "nations unies"),
    "eu": ("union europeenne",),
    "european union": ("union europeenne",),
    "nato": ("otan",),
    "imf": ("fmi",),
    "fifa": ("fifa",),
    "ioc": ("cio",),
    "white house": ("la maison blanche",),
    "kremlin": ("kremlin",),
}
# Names English gives a country besides its own (Babel's), as ISO codes.
_COUNTRY_ALIASES = {
    "us": "US", "u s": "US", "usa": "US", "america": "US", "united states of america": "US",
    "uk": "GB", "u k": "GB", "britain": "GB", "great britain": "GB", "england": "GB",
    "turkey": "TR", "korea": "KR", "korean": "KR", "ivory coast": "CI", "czech republic": "CZ",
    "holland": "NL", "burma": "MM", "palestine": "PS", "macedonia": "MK",
    "argentinian": "AR", "philippine": "PH",
}  # fmt: skip
# What French news mostly writes instead of a country's name ("le président américain"): the
# adjective for the countries whose offices the news names most, by ISO code; English's for
# the same, to read "the American president".
_ADJECTIVES = {
    "US": ("american", "americain"), "GB": ("british", "britannique"),
    "FR": ("french", "francais"), "DE": ("german", "allemand"), "IT": ("italian", "italien"),
    "ES": ("spanish", "espagnol"), "PT": ("portuguese", "portugais"),
    "RU": ("russian", "russe"), "CN": ("chinese", "chinois"), "JP": ("japanese", "japonais"),
    "IN": ("indian", "indien"), "BR": ("brazilian", "bresilien"),
    "CA": ("canadian", "canadien"), "AU": ("australian", "australien"),
    "MX": ("mexican", "mexicain"), "TR": ("turkish", "turc"), "IL": ("israeli", "israelien"),
    "IR": ("iranian", "iranien"), "IQ": ("iraqi", "irakien"), "SY": ("syrian", "syrien"),
    "EG": ("egyptian", "egyptien"), "KR": ("south korean", "sud-coreen"),
    "KP": ("north korean", "nord-coreen"), "UA": ("ukrainian", "ukrainien"),
    "PL": ("polish", "polonais"), "GR": ("greek", "grec"), "BE": ("belgian", "belge"),
    "NL": ("dutch", "neerlandais"), "CH": ("swiss", "suisse"), "SE": ("swedish", "suedois"),
    "AT": ("austrian", "autrichien"), "IE": ("irish", "irlandais"),
    "PK": ("pakistani", "pakistanais"), "AF": ("afghan", "afghan"),
    "SA": ("saudi", "saoudien"), "VE": ("venezuelan", "venezuelien"),
    "AR": ("argentine", "argentin"), "CO": ("colombian", "colombien"),
    "NG": ("nigerian", "nigerian"), "ZA": ("south african", "sud-africain"),
    "PH": ("filipino", "philippin"), "HU": ("hungarian", "hongrois"),
    "MA": ("moroccan", "marocain"), "DZ": ("algerian", "algerien"),
    "TN": ("tunisian", "tunisien"), "LB": ("lebanese", "libanais"),
    "SN": ("senegalese", "senegalais"), "ML": ("malian", "malien"),
    "PS": ("palestinian", "palestinien"),
}  # fmt: skip


@dataclass(frozen=True)
class OtherName:
    """An office as French news names it."""

    office: str  # its words, folded, a complement included: "president de etats unis"
    adjective: str = ""  # a place adjective that may stand anywhere near it: "sud-coreen"


def usual_names(office: str) -> list[OtherName]:
    """The usual name of an office asked under another one ("garde des sceaux", "head of
    government"), the question's other words kept ("chef de l'etat en france" -> "president en
    france")."""
    return [OtherName(n.sub(usual, office)) for n, usual in _USUAL if n.search(office)]


def initials_names(office: str) -> list[OtherName]:
    """The office with its party or body written the other way, by its initials or in full
    ("premier secretaire du parti socialiste" <-> "premier secretaire du ps")."""
    names = []
    for full, short in _INITIALS:
        for said, other in ((full, short), (short, full)):
            swapped = re.sub(rf"\b{re.escape(said)}\b", other, office)
            if swapped != office:
                names.append(OtherName(swapped))
    return names


def english_names(office: str) -> list[OtherName]:
    """What a French archive calls an office asked in English ("president of the united
    states", "u.s. president", "un secretary general"): one name per way French writes the
    place ("president de etats unis", "president" + "americain"); none for an office or a
    place this glossary does not know."""
    words = [w for w in WORD.findall(office) if w not in {"the", "current", "new", "present"}]
    office_words, (complements, adjective) = _split_place(words)
    french = _ENGLISH_OFFICES.get(" ".join(office_words))
    if french is None:
        return []
    names = [OtherName(f"{french} {complement}") for complement in complements]
    names += [OtherName(french, adjective)] if adjective else []
    return names or [OtherName(french)]


Place = tuple[tuple[str, ...], str]  # French complements ("de etats unis") and adjective


def _split_place(words: list[str]) -> tuple[list[str], Place]:
    """The office's words, and how French writes the place it names: named after "of" or "in"
    ("president of france"), or before the office ("us president", "britain's prime
    minister")."""
    for cut in range(len(words) - 1, 0, -1):
        if words[cut] in {"of", "in"} and (found := _place(words[cut + 1 :]))[0]:
            return words[:cut], found
    for cut in range(min(3, len(words) - 1), 0, -1):
        head = words[:cut]
        if (found := _place(head))[0]:
            return words[cut:], found
        if head[-1] == "s" and cut > 1 and (found := _place(head[:-1]))[0]:
            return words[cut:], found  # "china's": the possessive's "s" ("u s" is the US)
    return words, ((), "")


def _place(words: list[str]) -> Place:
    """How French writes the place these English words name; nothing for no place known."""
    name = " ".join(words)
    if name in _BODIES:
        return tuple(f"de {body}" for body in _BODIES[name]), ""
    code = _COUNTRY_ALIASES.get(name) or _countries().get(name) or _adjective_codes().get(name)
    if code is None:
        return (), ""
    return (f"de {_french_countries()[code]}",), _ADJECTIVES.get(code, ("", ""))[1]


@cache
def _countries() -> dict[str, str]:
    """Folded English country names ("south korea") -> ISO code."""
    return {name: code for code, name in _territories("en").items()}


def _french_countries() -> dict[str, str]:
    """ISO code -> folded French country name ("coree du sud")."""
    return _territories("fr")


def territory_names(lang: str) -> dict[str, str]:
    """ISO country code -> its folded name in `lang` ("fr" or "en"), from CLDR."""
    return _territories(lang)


def country_aliases() -> dict[str, str]:
    """Folded English names CLDR does not give ("usa", "britain", "turkey") -> ISO code."""
    return _COUNTRY_ALIASES


def nationality_adjectives() -> dict[str, tuple[str, str]]:
    """ISO code -> the folded English and French adjectives news uses ("american",
    "americain") for the countries whose offices it names most."""
    return _ADJECTIVES


@cache
def _territories(lang: str) -> dict[str, str]:
    """ISO country code -> its folded name in `lang`, from Babel's CLDR data."""
    from babel import Locale

    names = Locale(lang).territories
    return {c: " ".join(WORD.findall(fold(_bare_name(n)))) for c, n in names.items() if c.isalpha()}


def _bare_name(name: str) -> str:
    """A country's name without the other one CLDR adds: "Myanmar (Birmanie)" -> "Myanmar"."""
    return name.split(" (")[0]


@cache
def _adjective_codes() -> dict[str, str]:
    return {english: code for code, (english, _) in _ADJECTIVES.items()}


def country_names(adjective: str) -> tuple[tuple[str, ...], ...]:
    """The stems of the country's name for a place adjective's stem ("britann" -> ("royaum",
    "uni")); a title that names the country ("Royaume-Uni : …") names the place."""
    return _equivalents()[0].get(adjective, ())


def adjectives(country: str) -> tuple[str, ...]:
    """The stem of a one-word country name's adjective ("allemagn" -> "allemand")."""
    return _equivalents()[1].get(country, ())


def is_adjective_of(country: str, word: str) -> bool:
    """Whether a folded word is the adjective of the country whose name's stem is `country`:
    the ones the glossary knows ("allemand" for "allemagn") and, for a one-word name, a
    nationality word that starts with its stem and with no other country's ("haitien" for
    "hait", "cubain" for "cub"; not "malaisien" for Mali, nor "nigerien" for Nigeria; the
    adjective and the country often stem alike, "japonais" and "Japon")."""
    stem = (tokenize(word) or [""])[0]
    if stem == country or stem in adjectives(country):
        return True
    if country not in _country_stems() or _NATIONALITY_ENDING.search(word) is None:
        return False
    starts = [c for c in _country_stems() if stem.startswith(c) and stem != c]
    return starts == [country]


def is_country(stem: str) -> bool:
    """Whether a stem is a one-word country's French name ("burund", "pakistan")."""
    return stem in _country_stems()


# How French nationality adjectives end ("haïtien", "cubaine", "pakistanais", "soudanaise").
_NATIONALITY_ENDING = re.compile(r"(?:ien|ienne|een|eenne|ain|aine|ais|aise|ois|oise)s?$")


@cache
def _country_stems() -> frozenset[str]:
    """Stems of the countries' one-word French names ("cub" for Cuba, "hait"); the first word
    of a longer one is too often a common word ("République", "Royaume", "Afrique") whose
    adjective ("républicain", "africain") is no country's."""
    found = set()
    for name in _french_countries().values():
        stems = tokenize(name)
        if len(stems) == 1 and len(stems[0]) >= 3:
            found.add(stems[0])
    return frozenset(found)


@cache
def _equivalents() -> tuple[dict[str, tuple[tuple[str, ...], ...]], dict[str, tuple[str, ...]]]:
    countries: dict[str, list[tuple[str, ...]]] = {}
    named: dict[str, list[str]] = {}
    for code, (_, adjective) in _ADJECTIVES.items():
        said, country = tuple(tokenize(adjective)), tuple(tokenize(_french_countries()[code]))
        if said == country:
            continue  # "français" and "France" stem alike
        if len(said) == 1:
            countries.setdefault(said[0], []).append(country)
            if len(country) == 1:
                named.setdefault(country[0], []).append(said[0])
    return (
        {stem: tuple(forms) for stem, forms in countries.items()},
        {stem: tuple(forms) for stem, forms in named.items()},
    )


# France's overseas parts, which CLDR lists as territories of their own ("La Réunion" is also
# the word "réunion"): a story there is still about France.
_FRENCH_OVERSEAS = frozenset(
    {"FR", "RE", "MQ", "GP", "YT", "GF", "PF", "NC", "PM", "BL", "MF", "WF", "TF"}
)


def names_a_country(text: str) -> bool:
    """Whether a French text names a country other than France, by its name ("en Allemagne",
    "les États-Unis") or its adjective ("le ministre allemand"). Names are matched as whole
    words, so "Georges" is not Georgia; a few are people's names too ("Maurice"), which errs
    on the side of a foreign story."""
    words = WORD.findall(fold(text))
    runs = _foreign_names()
    for at, word in enumerate(words):
        if any(tuple(words[at : at + len(run)]) == run for run in runs.get(word, ())):
            return True
    return not _foreign_adjectives().isdisjoint(tokenize(text))


@cache
def _foreign_names() -> dict[str, tuple[tuple[str, ...], ...]]:
    """Folded words of every country's French name but France's, and of the cities CLDR names
    time zones after ("Bruxelles", "Berlin", "Jérusalem": a story titled "Berlin : …" is
    German), by their first word."""
    runs: dict[str, list[tuple[str, ...]]] = {}
    names = [n for code, n in _french_countries().items() if code not in _FRENCH_OVERSEAS]
    for name in names + _foreign_cities():
        words = tuple(name.split())
        if words:
            runs.setdefault(words[0], []).append(words)
    return {first: tuple(found) for first, found in runs.items()}


def _foreign_cities() -> list[str]:
    """Folded French names of the cities time zones are named after, outside France."""
    from babel import Locale
    from babel.core import get_global

    french = Locale("fr").time_zones
    cities = []
    for zone, code in get_global("zone_territories").items():
        if code in _FRENCH_OVERSEAS or code in {"001", "AQ"} or zone.startswith("Etc/"):
            continue  # AQ: Antarctic stations named after people ("Davis", "Casey")
        city = french.get(zone, {}).get("city") or zone.rsplit("/", 1)[-1].replace("_", " ")
        cities.append(" ".join(WORD.findall(fold(city))))
    return cities + list(_MORE_PLACES)


# Capitals and regions news titles stories with that no time zone is named after.
_MORE_PLACES = (
    "quebec", "montreal", "ottawa", "ontario", "washington", "pekin", "new delhi", "ankara",
    "geneve", "wallonie", "flandre", "catalogne", "ecosse", "angleterre", "pays de galles",
    "irlande du nord", "baviere", "californie", "floride", "texas", "kremlin", "westminster",
)  # fmt: skip


@cache
def _foreign_adjectives() -> frozenset[str]:
    """Stems of the French adjectives of the countries news names most, France's left out."""
    return frozenset(
        stem for code, (_, said) in _ADJECTIVES.items() if code != "FR" for stem in tokenize(said)
    )
