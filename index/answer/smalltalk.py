"""Greetings, thanks and small talk: a short reply saying what the bot does, never a search.

Only whole messages count ("Bonjour", "merci beaucoup !", "Quoi de neuf ?"): a question that
starts with a greeting ("Bonjour, qui a gagné ?") is a question.
"""

from __future__ import annotations

import re
from functools import cache

from index.text import WORD, fold, tokenize

_GOODBYES = (
    r"au revoir|a bientot|a demain|a plus( tard)?|a la prochaine|bye|goodbye|"
    r"see you( tomorrow| later| soon)?|good ?night|"
    r"bonne (journee|soiree|nuit|fin de journee|semaine)"
)
_PHRASES = (
    r"bonjour|bonsoir|salut|coucou|hello|hi|hey|yo|good (morning|afternoon|evening)|"
    r"merci( beaucoup| bien)?|thanks?( you)?( so much| a lot)?|thx|"
    r"quoi de neuf|(comment )?ca va|ca roule|tu vas bien|vous allez bien|how are you|"
    rf"what'?s up|sup|{_GOODBYES}|"
    r"ok|okay|d'accord|super|genial|cool|parfait|top|great|nice|test|ping|"
    r"qui es[- ]tu|tu es qui|who are you|what are you|t'es qui|"
    # what the bot can do: the greeting's reply says it
    r"(que|qu'est[- ]ce que) (sais|peux)[- ]tu faire|(que|qu'est[- ]ce que) (savez|pouvez)[- ]vous "
    r"faire|tu sers a quoi|a quoi (sers[- ]tu|servez[- ]vous)|what can you do|what do you do|"
    r"how do you work|comment (tu|vous) (marches?|fonctionnes?|fonctionnez)|aide|help|"
    # thanks said at length: "Merci, c'est super", "Thank you, that was helpful"
    r"(c'est|c'etait|that'?s|that is|that was|it was|very|tres|vraiment|really) (super|parfait|"
    r"genial|top|gentil|utile|tres utile|great|helpful|very helpful|useful|perfect|kind|nice)"
)
_ADDRESSEE = r"(\s+(le |the )?(bot|robot|newsqa|toi|vous|tout le monde|everyone|there|a tous))?"
_SMALL_TALK = re.compile(rf"^(({_PHRASES}){_ADDRESSEE}[\s,]*)+$")

_THANKS = re.compile(r"\b(merci|thanks?|thank you|thx)\b")
_GOODBYE = re.compile(rf"\b({_GOODBYES})\b")

# Each reply answers what was said and says what the bot does: after thanks or a goodbye, not
# "ask a question" again.
REPLIES = {
    "fr": {
        "hello": (
            "Bonjour ! Je réponds aux questions sur les articles de l'archive, en citant les "
            "passages d'où vient la réponse, ou je dis que je ne sais pas. Posez une question, "
            "par exemple : « Qui a reçu le prix Nobel de la paix en 2016 ? »"
        ),
        "thanks": (
            "Avec plaisir ! Je reste là pour d'autres questions sur les articles de l'archive."
        ),
        "bye": (
            "Au revoir ! Revenez quand vous voulez avec une question sur les articles de l'archive."
        ),
        "both": (
            "Avec plaisir, au revoir ! Revenez quand vous voulez avec une question sur les "
            "articles de l'archive."
        ),
    },
    "en": {
        "hello": (
            "Hello! I answer questions about the articles in the archive, citing the passages "
            "the answer comes from, or I say I don't know. Ask a question, for example: "
            "“Who won the Nobel Peace Prize in 2016?”"
        ),
        "thanks": "You're welcome! I'm here for more questions about the articles in the archive.",
        "bye": "Goodbye! Come back any time with a question about the articles in the archive.",
        "both": (
            "You're welcome, goodbye! Come back any time with a question about the articles in "
            "the archive."
        ),
    },
}


def is_small_talk(message: str) -> bool:
    words = _words(message)
    return bool(words) and _SMALL_TALK.match(words) is not None


def small_talk_reply(message: str, language: str) -> str:
    """Thanks get "you're welcome", a goodbye "goodbye", anything else "hello" and what the bot
    does."""
    replies = REPLIES.get(language, REPLIES["en"])
    words = _words(message)
    thanks, bye = _THANKS.search(words) is not None, _GOODBYE.search(words) is not None
    kind = "both" if thanks and bye else "thanks" if thanks else "bye" if bye else "hello"
    if kind == "hello" and re.match(r"bonsoir|good evening", words):
        # Greeted back as greeted.
        return replies[kind].replace("Bonjour !", "Bonsoir !").replace("Hello!", "Good evening!")
    return replies[kind]


def _words(message: str) -> str:
    words = re.sub(r"[!?.…;:¡¿\"“”«»()*_~]+", " ", fold(message)).strip()
    return re.sub(r"\s+", " ", words)


# A question of question words alone ("Qui ?", "Pourquoi ?"), with no conversation before it
# to complete it: a search would answer some random article's name.
FULLER = {
    "fr": (
        "Posez une question plus complète : de qui ou de quoi s'agit-il ? Par exemple : "
        "« Qui a reçu le prix Nobel de la paix en 2016 ? »"
    ),
    "en": (
        "Please ask a fuller question: who or what is it about? For example: "
        "“Who won the Nobel Peace Prize in 2016?”"
    ),
}


# Words that add nothing to a bare question word: "Où ça ?", "Pourquoi donc ?", "Who is he?",
# "Combien jusqu'ici ?" (words of "so far", not of a period: "aujourd'hui" is searched).
_FILLERS = (
    "ça cela ceci donc alors encore il elle ils elles lui eux "
    "jusqu'ici toujours maintenant actuellement "
    "he she it they him her them this that then so exactly again there "
    "far still now currently many much"
)


@cache
def _fillers(language: str) -> frozenset[str]:
    return frozenset(tokenize(_FILLERS, language))


def is_bare_question(message: str, language: str) -> bool:
    """True when the message holds no word to search for, only question and function words
    and fillers; a capitalized word after the first is a name ("Who are The Who?", "Qui est M
    ?")."""
    if any(word[0].isupper() for word in WORD.findall(message)[1:]):
        return False
    return all(word in _fillers(language) for word in tokenize(message, language))
