"""Greetings and small talk get a reply saying what the bot does, never retrieved sentences; the
time and the weather get an honest "I don't know"; questions that want a reason or a summary go
to the sentence answerer."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.answer import Answerer, needs_search
from index.answer.kinds import wants_explanation
from index.answer.live import asks_the_moment
from index.answer.smalltalk import FULLER, is_bare_question, is_small_talk, small_talk_reply
from index.engine import NewsIndex
from index.records import Turn
from ingest.pipeline import Ingestor
from tests.conftest import make_settings, write_jsonl
from tests.fakes.encoder import fake_embedder


@pytest.mark.parametrize(
    "message",
    ["Bonjour", "bonjour !", "Salut le bot", "Merci beaucoup !", "Quoi de neuf ?", "Ça va ?",
     "Hello", "thanks a lot!", "ok merci", "Who are you?", "What can you do?",
     "Que sais-tu faire ?", "Good morning, what can you do?", "Thank you, that was helpful",
     "Merci, c'est super !", "Aide"],
)  # fmt: skip
def test_small_talk_is_recognised(message: str) -> None:
    assert is_small_talk(message)


@pytest.mark.parametrize(
    "message",
    ["Bonjour, qui a gagné le prix Nobel ?", "Qui remplace Pete Hegseth ?", "Merci de me dire "
     "qui a gagné", "Quoi de neuf en Syrie ?", "", "Who won the Nobel Prize?",
     "What can you do about inflation?", "C'est super cher, pourquoi ?",
     "Comment ça marche ?", "How does it work?",  # after a question, they ask about it
     "À demain, qui joue ?", "Qui sera à Paris demain ?"],
)  # fmt: skip
def test_questions_are_not_small_talk(message: str) -> None:
    assert not is_small_talk(message)


def answerer_over(tmp_path: Path, title: str, text: str) -> Answerer:
    """An answerer over one article that shares the message's words."""
    settings = make_settings(tmp_path / "data")
    index = NewsIndex.open(settings, embedder=fake_embedder())
    article = {"id": "a", "title": title, "text": text}
    Ingestor(settings, index).run([str(write_jsonl(tmp_path / "c.jsonl", [article]))])
    return Answerer(settings, index)


def test_a_greeting_gets_no_citation_and_no_search(tmp_path: Path) -> None:
    answerer = answerer_over(tmp_path, "Bonjour Paris", "Bonjour à tous : le salon ouvre.")
    timed = answerer.answer_timed("Bonjour !")
    assert timed.answer.citations == () and not timed.answer.refused
    assert "questions" in timed.answer.text and "salon" not in timed.answer.text
    assert timed.retrieval.passages == []


@pytest.mark.parametrize(
    ("question", "explains"),
    [("Pourquoi les cheminots font-ils grève ?", True), ("Comment le feu a-t-il été maîtrisé ?",
     True), ("Résume l'affaire Fillon", True), ("Why did the talks fail?", True),
     ("Comment s'appelle le président ?", False), ("How many people died?", False),
     ("Comment s'appelait la tempête ?", False), ("Comment se nomme le chien ?", False),
     ("Comment était appelé le navire ?", False), ("Comment s’appelait-il ?", False),
     ("Qu’est-il arrivé à Nice ?", True), ("Qu'est-ce qui s'est passé à Berlin ?", True),
     ("Que se passe-t-il en Syrie ?", True), ("What has happened in Turkey?", True),
     ("Qu'est ce qui s'est passé à Paris ?", True), ("Qu'est-ce qui est arrivé en tête ?",
     False),
     ("Qui remplace Pete Hegseth ?", False), ("Combien coûte le projet ?", False),
     # a reason asked otherwise, or yes or no: the sentence says it
     ("Quelle est la raison de la démission de Nicolas Hulot ?", True), ("For what reason "
     "did the US strike?", True), ("Tell me about Nicolas Hulot", True), ("Parle-moi de "
     "Hulot", True), ("Paul Bocuse est-il mort ?", True), ("Is Paul Bocuse dead?", True),
     ("Est-ce que Macron a gagné ?", True), ("Did France win the Euro?", True),
     ("Quel est le motif de l'attaque ?", True), ("What was the motive for the attack?", True),
     ("Que savez-vous de Nicolas Hulot ?", True),
     ("Où est-il né ?", False), ("Quand a-t-il été élu ?", False), ("Qui a-t-il battu ?",
     False), ("Est-ce que tu sais qui a gagné ?", False), ("Is it true who won?", False),
     # a fact asked politely is no yes or no
     ("Can you tell me the name of the new prime minister?", False), ("Do you know the "
     "capital of Catalonia?", False), ("Sait-on le nombre de victimes ?", False),
     ("Connaît-on le nom du tireur ?", False)],
)  # fmt: skip
def test_why_how_and_summaries_want_sentences(question: str, explains: bool) -> None:
    assert wants_explanation(question) is explains


@pytest.mark.parametrize(
    ("question", "live"),
    [("Quelle heure est-il à Tokyo ?", True), ("Quel temps fera-t-il demain à Lyon ?", True),
     ("What time is it in New York?", True), ("Quelle est la météo à Paris ?", True),
     ("What's the weather like in London?", True), ("Va-t'il pleuvoir demain ?", True),
     ("Il est quelle heure ?", True), ("Quel jour sommes-nous ?", True),
     ("Bonjour, quelle heure est-il ?", True), ("quel temps fait il a new york", True),
     ("Météo Marseille", True), ("Do you know what time it is?", True),
     # "à" typed without its accent, before a place that ends like a participle
     ("quel temps a paris", True), ("quel temps a paris demain ?", True),
     ("quel temps a fait hier", False),
     # the news: a past, a reason, a detail of an event, another sense of the words
     ("Quel temps a-t-il fait pendant l'étape ?", False), ("Que dit Météo-France ?", False),
     ("À quelle heure est-il arrivé à l'Élysée ?", False), ("What time did the attack start?",
     False), ("Quelle heure était-il quand le séisme a frappé ?", False),
     ("What is the date of the election?", False), ("Quelle est la date du jour du scrutin ?",
     False), ("Pourquoi pleut-il autant cette année ?", False), ("Quel temps a fait le "
     "vainqueur ?", False), ("Quelle est la météo du 14 juillet 2023 ?", False),
     ("Qui présente la météo du jour sur TF1 ?", False), ("La météo a-t-elle prévu la tempête "
     "?", False), ("What's the time limit for the Brexit extension?", False),
     ("Quelles sont les prévisions pour la croissance ?", False),
     # the weather asked yes or no
     ("Il fait beau à Paris aujourd'hui ?", True), ("Fait-il froid à Montréal ?", True),
     ("Est-ce qu'il fait chaud à Nice ?", True), ("Va-t-il faire beau demain ?", True),
     ("Is it cold in London?", True), ("Will it be sunny tomorrow?", True),
     ("What's the weather forecast for London?", True),
     # news asked after a word on the weather
     ("Il fait froid en Sibérie, pourquoi ?", False), ("Fait-il partie du gouvernement ?",
     False), ("Il fait froid en Europe : combien de morts ?", False), ("Il fait chaud en "
     "Australie pendant les incendies ?", False), ("Is it warm in the Arctic this winter?",
     False), ("Will it be too hot in Qatar for the World Cup?", False),
     ("Is it still cold in Texas after the storm?", False)],
)  # fmt: skip
def test_the_time_and_the_weather_are_told_from_questions_about_news(
    question: str, live: bool
) -> None:
    assert asks_the_moment(question) is live


def test_the_time_gets_an_honest_refusal_and_no_search(tmp_path: Path) -> None:
    answerer = answerer_over(tmp_path, "Tokyo", "À Tokyo, il est midi quand le séisme frappe.")
    timed = answerer.answer_timed("Quelle heure est-il à Tokyo ?")
    assert timed.answer.refused and timed.answer.citations == () and not timed.answer.closest
    assert "heure" in timed.answer.text and "séisme" not in timed.answer.text
    assert timed.retrieval.passages == []
    assert not needs_search("What's the weather like in Tokyo?")
    assert needs_search("Quand le séisme a-t-il frappé Tokyo ?")


@pytest.mark.parametrize(
    ("message", "language", "opening"),
    [("Bonjour", "fr", "Bonjour !"), ("merci !", "fr", "Avec plaisir !"),
     ("Merci beaucoup, au revoir", "fr", "Avec plaisir, au revoir !"), ("bye", "en", "Goodbye!"),
     ("Thanks a lot", "en", "You're welcome!"), ("Quoi de neuf ?", "fr", "Bonjour !"),
     ("Bonsoir !", "fr", "Bonsoir !"), ("Thank you, that was helpful", "en", "You're welcome!"),
     ("Que sais-tu faire ?", "fr", "Bonjour !"), ("What can you do?", "en", "Hello!"),
     ("À demain !", "fr", "Au revoir !"), ("Merci, à plus tard", "fr", "Avec plaisir, au revoir !"),
     ("See you tomorrow!", "en", "Goodbye!"), ("Good night", "en", "Goodbye!")],
)  # fmt: skip
def test_small_talk_is_answered_in_kind(message: str, language: str, opening: str) -> None:
    reply = small_talk_reply(message, language)
    assert reply.startswith(opening + " ")
    assert "archive" in reply  # then what the bot does
    # After thanks or a goodbye, no "ask a question" again.
    asks = "Posez une question" in reply or "Ask a question" in reply
    assert asks is (opening in ("Bonjour !", "Bonsoir !", "Hello!"))


def test_a_bare_question_word_asks_for_more_but_a_follow_up_is_searched(tmp_path: Path) -> None:
    answerer = answerer_over(tmp_path, "Paul Martin élu", "Paul Martin a été élu maire de Laval.")
    for alone, language in (
        ("Qui ?", "fr"),
        ("Pourquoi ?", "fr"),
        ("Who?", "en"),
        ("Où ça ?", "fr"),
        ("Pourquoi donc ?", "fr"),
        ("Who is he?", "en"),
        ("Combien jusqu'ici ?", "fr"),  # words of "so far" are no subject either
        ("How many so far?", "en"),
    ):
        timed = answerer.answer_timed(alone)
        assert timed.answer.refused and timed.answer.citations == ()
        assert "Paul Martin" not in timed.answer.text and timed.retrieval.passages == []
        assert timed.answer.language == language
    assert answerer.answer("Qui ?").text.startswith("Posez une question plus complète")
    # Asked again after that reply (a chat keeps it as a turn): still nothing to search.
    again = answerer.answer_timed("Qui ?", [Turn("Qui ?", FULLER["fr"])])
    assert again.answer.text == FULLER["fr"] and again.retrieval.passages == []
    assert not is_bare_question("Who are The Who?", "en")  # a name of small words
    assert not is_bare_question("Qui est M ?", "fr")
    for subject in ("Combien de morts jusqu'ici ?", "How many people died so far?",
                    "Quoi de neuf aujourd'hui ?"):  # fmt: skip
        assert not is_bare_question(subject, "fr"), subject
    # Fillers are told before stemming: "précisé", "exact", "en bas" are words to search.
    for words in ("Qui a précisé ?", "C'est exact ?", "Qui est en bas ?"):
        assert not is_bare_question(words, "fr")
    # After a question, "Pourquoi ?" is completed by the conversation, then searched (the
    # sentence backend: this tier loads no reader).
    sentences = Answerer(
        answerer.settings.model_copy(update={"answer_backend": "extractive"}), answerer.index
    )
    asked = Turn("Qui a été élu maire de Laval ?", "Paul Martin [1]")
    later = sentences.answer_timed("Pourquoi ?", [asked])
    assert later.retrieval.passages and "Laval" in later.answer.text
    later = sentences.answer_timed("Pourquoi donc ?", [asked])
    assert "Laval" in later.retrieval.question and later.retrieval.passages
