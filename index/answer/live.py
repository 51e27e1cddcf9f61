"""Questions about this very moment (the time, today's date, the weather now or to come): no
news archive holds the answer, so they get "I don't know" and why, never a search.

Only the whole message counts, as with small talk: a time or weather question, then at most a
place and a time word ("Quelle heure est-il à Tokyo ?", "Quel temps fera-t-il demain à Lyon
?"). "À quelle heure est-il arrivé ?", "What is the date of the election?" or "Pourquoi
pleut-il autant ?" ask the news.
"""

from __future__ import annotations

import re

from index.text import fold

_ASKING = (
    r"((bonjour|salut|hello|hi|hey|excuse moi|excusez moi|excuse me|please|stp|svp|"
    r"s'il te plait|s'il vous plait|dis moi|dites moi|tell me|sais tu|savez vous|"
    r"do you know|can you tell me|could you tell me|peux tu me dire|pouvez vous me dire|"
    r"je voudrais savoir|i'd like to know)\s+)*"
)
_HOW = r"((tres|trop|assez|encore) )?(beau|chaud|froid|mauvais|doux|frais|gris|humide|lourd|bon)"
_HOW_EN = (
    r"((very|too|still) )?(cold|hot|warm|sunny|cloudy|windy|chilly|freezing|nice|rainy|snowy)"
    r"( out)?"
)
_MOMENT = (
    # the time
    r"(quelle heure( est il| il est)?|il est quelle heure|what time is it|what time it is|"
    r"what'?s the time|what is the time|the time|l'heure|"
    # today's date
    r"quel jour (sommes nous|on est|est on|est il|est ce|nous sommes)|on est quel jour|"
    r"quelle date (sommes nous|on est|est on|nous sommes)|on est le combien|"
    r"quelle est la date( d'aujourd'hui| du jour)?|la date( d'aujourd'hui| du jour)?|"
    r"what (day|date) is (it|today)|what'?s (the date|today'?s date)|"
    r"what is (the date|today'?s date)|today'?s date|"
    # the weather
    r"quel temps( fait il| fera t il| va t il faire| il fait| il fera| il va faire)?|"
    r"il (fait|fera|va faire) quel temps|"
    r"quelle temperature( fait il| fera t il| il fait| il fera)?|"
    r"(quelle est |quelles sont )?(la |les )?(meteo|previsions meteo)|"
    r"(va t il|il va|est ce qu'il va) (pleuvoir|neiger)|(est ce qu')?il (pleut|neige)|"
    r"pleut il|neige t il|"
    r"(what'?s|what is|how'?s|how is) the (weather|temperature)( forecast)?( like)?|"
    r"(the )?weather( forecast)?|will it (rain|snow)|(meteo|weather)( (?!france\b)[a-z']+){1,3}|"
    r"is it (going to )?(rain|raining|snow|snowing))"
)
# Asked yes or no ("Il fait beau à Paris ?", "Fait-il froid à Montréal ?", "Is it cold?"): the
# same words also open news questions ("Il fait froid en Europe : combien de morts ?", "Will it
# be too hot in Qatar for the World Cup?"), so one place and one time word at most.
_YES_NO = (
    rf"((est ce qu')?il (fait|fera|va faire)|(fait|fera) t? ?il|va t il faire) {_HOW}|"
    rf"(is|will) it (be |going to be )?{_HOW_EN}"
)
# Where and when it is asked for: "à Tokyo", "in New York", "demain", "right now".
_WHEN = (
    r"maintenant|actuellement|en ce moment|aujourd'hui|demain|apres demain|ce soir|"
    r"cette nuit|ce matin|cet apres midi|ce week end|cette semaine|now|right now|currently|"
    r"today|tonight|tomorrow|this (morning|afternoon|evening|weekend|week)"
)
# "à Tokyo"; typed without its accent, "a" is also the verb ("Quel temps a fait le
# vainqueur ?", "a-t-il"): an "a" before a word shaped like a participle is no place when
# more words follow it ("a pris le départ"), but is one when it ends the question or a time
# word does ("quel temps a paris", "… a paris demain").
# A place's words are no question or linking words: "…, pourquoi ?", "… pendant les incendies"
# ask the news.
_PLACE_WORD = (
    r"(?!(pourquoi|comment|combien|quel|quelle|quels|quelles|qui|que|quoi|why|how|what|which|"
    r"who|when|where|pendant|during|apres|after|avant|before|depuis|since|lors|malgre|despite|"
    r"avec|with|sans|without|car|because|mais|but|this|ce|cette|cet)\b)[a-z']+"
)
_PLACE = (
    rf"(au|aux|en|dans|sur|pour|vers|in|at|for|near|around|pres de"
    rf"|a(?! t\b| \w*(e|i|u|is|it|t) (?!({_WHEN})$)\w)) {_PLACE_WORD}( {_PLACE_WORD}){{0,3}}"
)
_LIVE = re.compile(
    rf"{_ASKING}(({_MOMENT})(\s+({_WHEN}|{_PLACE}))*|({_YES_NO})(\s+{_PLACE})?(\s+({_WHEN}))?)"
    r"(\s+please)?"
)


def asks_the_moment(question: str) -> bool:
    """Whether the whole message asks the time, today's date or the weather now or to come."""
    # "à" as typed is the preposition: kept apart from the verb "a" before folding.
    words = re.sub(r"(?<!\w)[àÀ](?!\w)", "dans", question)
    words = fold(words).replace("t'il", "t il")
    words = re.sub(r"[-_]", " ", words)
    words = re.sub(r"[!?.…;:,¡¿\"“”«»()*~]+", " ", words)
    words = re.sub(r"\s+", " ", words).strip()
    return bool(words) and _LIVE.fullmatch(words) is not None


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


def moment_reply(language: str) -> str:
    return REPLIES.get(language, REPLIES["en"])
