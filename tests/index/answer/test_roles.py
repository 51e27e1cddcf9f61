"""Who holds an office on a date: the role a question asks about, where an article names the
role as held then, and the holder the latest such article names (a reader that reads by string
search here; the real reader and index are in test_roles_model.py)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from index.answer import Answerer
from index.answer.roles import Role, asked_role, latest_holder, mention_spans
from index.engine import NewsIndex
from index.reading import Span
from index.retrieval import DateRange, Filters, NameSearch
from ingest.pipeline import Ingestor
from tests.conftest import make_passage, write_jsonl
from tests.fakes.reader import Finder

ROCARD = make_passage(
    "L'ancien Premier ministre Michel Rocard est mort samedi à Paris.",
    "rocard",
    published_at=date(2016, 7, 3),
    score=0.9,
)
VALLS = make_passage(
    "Le Parquet évoque 84 morts. Le Premier ministre, Manuel Valls, a réuni la cellule de crise.",
    "nice",
    published_at=date(2016, 7, 14),
    score=0.8,
)
CAZENEUVE = make_passage(
    "« La menace reste élevée », a déclaré le Premier ministre Bernard Cazeneuve à Lille.",
    "lille",
    published_at=date(2017, 2, 16),
    score=0.8,
)
NAMES = {"Michel Rocard": 6.0, "Manuel Valls": 1.0, "Bernard Cazeneuve": -2.0}


def _parts(question: str, period: str = "") -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    role = asked_role(question, period)
    assert role is not None, question
    return role.head, role.words, role.places


def test_a_who_is_the_question_names_a_role_and_its_places() -> None:
    assert _parts("Qui est le Premier ministre français ?") == ("premier", ("ministr",), ("franc",))
    assert _parts("C'est qui le ministre de l'Intérieur en France actuellement ?") == (
        "ministr",
        ("interieur",),
        ("franc",),
    )
    # Typed on a phone, with typographic apostrophes: the same office.
    assert _parts("C’est qui le ministre de l’Intérieur en France actuellement ?") == (
        "ministr",
        ("interieur",),
        ("franc",),
    )
    # A complement names the office ("du Brésil"); the asked period is no part of it.
    assert _parts("Qui est le président du Brésil ?") == ("president", ("bresil",), ())
    assert _parts("Qui était Premier ministre en juillet 2016 ?", "en juillet 2016") == (
        "premier",
        ("ministr",),
        (),
    )
    assert _parts("Qui est ministre de la Justice ?")[0] == "ministr"
    # Asked otherwise: who occupies the post, who presides over it, who runs the ministry.
    assert _parts("Qui occupe actuellement le poste de ministre du Travail ?") == (
        "ministr",
        ("travail",),
        (),
    )
    assert _parts("Qui préside la Colombie ?") == ("president", ("colomb",), ())
    # Who runs the government is its chief, which news calls the prime minister.
    chief = asked_role(
        "Qui dirigeait le gouvernement italien en novembre 2016 ?", "en novembre 2016"
    )
    assert chief is not None and [(o.head, o.words, o.places) for o in chief.also] == [
        ("premier", ("ministr",), ("italien",))
    ]
    assert _parts("Qui présidait la Colombie en 2016 ?", "en 2016") == (
        "president",
        ("colomb",),
        (),
    )
    assert _parts("Qui dirige le ministère de la Défense en France ?") == (
        "ministr",
        ("defens",),
        ("franc",),
    )
    assert _parts("Who is the current president of the United States?")[0] == "president"
    for other in (
        "Quel est le prix du pétrole ?",
        "Qui a gagné le Tour ?",
        "Bonjour",
        "Qui est Emmanuel Macron ?",  # a name, not an office
        "Qui est mort ?",
        "Qui sont les candidats à la présidentielle ?",  # several holders
        "Qui est-ce qui a gagné le Tour ?",
        "Qui est ?",
        "Qui est devenu Premier ministre du Royaume-Uni en 2022 ?",  # a verb
        "Who was awarded the Nobel Prize in Literature in 2016?",
        "Qui préside ?",
        "Qui dirige l'entreprise ?",  # no office named
        "Qui occupe la Crimée ?",
    ):
        assert asked_role(other) is None, other


def test_a_mention_names_the_role_as_held_not_as_it_was_or_will_be() -> None:
    pm = asked_role("Qui est le Premier ministre ?")
    assert pm is not None
    text = VALLS.text
    (found,) = mention_spans(text, "", pm)
    assert text[found[0] : found[1]] == "Premier ministre"
    assert not mention_spans(ROCARD.text, "", pm)  # "l'ancien Premier ministre"
    us = asked_role("Qui est le président des États-Unis ?")
    assert us is not None
    assert mention_spans("Barack Obama, président des États-Unis, a parlé.", "", us)
    assert not mention_spans("Donald Trump, président élu des États-Unis, a parlé.", "", us)
    assert not mention_spans("Donald Trump sera le 45e président des États-Unis.", "", us)
    head = asked_role("Qui est le chef de l'État ?")
    assert head is not None
    assert not mention_spans("Le chef d'état-major Pierre de Villiers a démissionné.", "", head)
    assert not mention_spans("Le vice-président américain Joe Biden est à Kiev.", "", us)
    # A long office is looked for over as many words as the question gives it.
    ecb = asked_role("Qui est le président de la Banque centrale européenne ?")
    assert ecb is not None
    assert mention_spans("Le président de la Banque centrale européenne, Mario Draghi, a parlé.",
                         "", ecb)  # fmt: skip
    # "candidat" a few words before is no "ancien": the office there is held.
    assert mention_spans("Le candidat a critiqué le Premier ministre Manuel Valls.", "", pm)


def test_place_words_may_stand_anywhere_but_other_words_close_to_the_role() -> None:
    uk = asked_role("Qui est le Premier ministre britannique ?")
    un = asked_role("Qui est le secrétaire général de l'ONU ?")
    assert uk is not None and un is not None
    cameron = "Le Premier ministre, David Cameron, a rendu hommage à la députée."
    assert mention_spans(cameron, "Royaume-Uni : la députée britannique Jo Cox tuée", uk)
    assert not mention_spans(cameron, "France : un camion fonce sur la foule", uk)
    party = "Le secrétaire général du parti, réuni à Bujumbura, répond à l'ONU."
    assert not mention_spans(party, "", un)
    assert mention_spans("Le secrétaire général de l'ONU Ban Ki-moon appelle au calme.", "", un)


def test_a_country_asked_by_its_name_is_also_named_by_its_adjective() -> None:
    haiti = asked_role("Qui est le président d'Haïti ?")
    assert haiti is not None
    text = "L'actuel président haïtien Jovenel Moïse a rendu hommage à son prédécesseur."
    (found,) = mention_spans(text, "", haiti)
    assert text[found[0] : found[1]] == "président haïtien"
    assert _holder_in(haiti, text, "Haïti : deuil", "Jovenel Moïse") == "Jovenel Moïse"
    assert mention_spans("Le président d'Haïti, Jovenel Moïse, a parlé.", "", haiti)
    # Another country's adjective is another country's president, and a word that starts like
    # two countries' names is neither's ("malaisien": Mali or Malaisie; "nigérien").
    assert not mention_spans("Le président brésilien Michel Temer a parlé.", "Haïti", haiti)
    for question, sentence in (
        ("Qui est le président de la République ?", "Le président républicain Donald Trump."),
        ("Qui est le Premier ministre du Mali ?", "Le Premier ministre malaisien Najib Razak."),
        ("Qui est le président du Nigeria ?", "Le président nigérien Mahamadou Issoufou."),
    ):
        role = asked_role(question)
        assert role is not None and not mention_spans(sentence, "", role), sentence


def test_the_latest_article_naming_a_holder_beside_the_role_wins() -> None:
    pm = asked_role("Qui est le Premier ministre ?")
    assert pm is not None
    passages = [ROCARD, VALLS, CAZENEUVE]
    holder = latest_holder("q", pm, passages, None, Finder(NAMES), weight=10.0)
    assert holder is not None and holder.span_text == "Bernard Cazeneuve"
    assert holder.score == -2.0 + 10.0 * 0.8  # its margin and its passage's cosine
    # Within an asked period, the latest article of that period.
    july = DateRange(date(2016, 7, 1), date(2016, 7, 31), "en juillet 2016")
    holder = latest_holder("q", pm, passages, july, Finder(NAMES), weight=10.0)
    assert holder is not None and holder.span_text == "Manuel Valls"
    # Undated passages cannot say who held it when; an encyclopedia gets no holder.
    undated = [make_passage(p.text, p.article_id, published_at=None) for p in passages]
    assert latest_holder("q", pm, undated, None, Finder(NAMES), weight=10.0) is None


@pytest.mark.parametrize(
    "sentence",
    [
        "Selon Marine Le Pen, le Premier ministre a menti sur le budget.",
        "Interrogé par Jean-Jacques Bourdin, le Premier ministre a refusé de répondre.",
        "Le Premier ministre, jeudi, a annoncé un plan pour l'emploi.",
    ],
)
def test_a_name_near_the_role_but_not_its_title_is_no_holder(sentence: str) -> None:
    pm = asked_role("Qui est le Premier ministre ?")
    assert pm is not None
    names = {"Marine Le Pen": 5.0, "Jean-Jacques Bourdin": 5.0, "jeudi": 5.0}
    later = make_passage(sentence, "later", published_at=date(2017, 3, 1))
    holder = latest_holder("q", pm, [VALLS, later], None, Finder(names | NAMES), weight=0.0)
    assert holder is not None and holder.passage.article_id == "nice"
    apposed = make_passage("Bruno Le Roux, l'actuel ministre de l'Intérieur français, a parlé.")
    interior = asked_role("Qui est le ministre de l'Intérieur français ?")
    assert interior is not None
    found = latest_holder("q", interior, [apposed], None, Finder({"Bruno Le Roux": 1.0}), 0.0)
    assert found is not None and found.span_text == "Bruno Le Roux"


@pytest.mark.parametrize(
    ("question", "sentence"),
    [
        ("Qui est le président de la République ?",
         "La compagne du président de la République, Julie Gayet, a parlé."),
        ("Qui est le Premier ministre ?",
         "La directrice de cabinet du Premier ministre, Véronique Bédague, a parlé."),
        ("Qui est le ministre de l'Intérieur ?",
         "Le secrétaire d'État auprès du ministre de l'Intérieur, Jean-Marie Le Guen, a parlé."),
        ("Qui est le ministre des Finances ?",
         "Le ministre allemand des Finances, Wolfgang Schäuble, a refusé."),
        ("Qui est le secrétaire général de l'ONU ?",
         "Le secrétaire général adjoint de l'ONU, Jan Eliasson, a parlé."),
        ("Qui est le Premier ministre ?",
         "Dès le premier tour, l'ancien ministre Bruno Le Maire a parlé."),
        ("Qui est le Premier ministre ?",
         "Bernard Cazeneuve succède au Premier ministre Manuel Valls, candidat."),
        ("Qui est le Premier ministre britannique ?",
         "Le Premier ministre Manuel Valls a parlé. Son homologue britannique est absent."),
    ],
)  # fmt: skip
def test_someone_else_named_beside_the_office_is_no_holder(question: str, sentence: str) -> None:
    role = asked_role(question)
    assert role is not None
    later = make_passage(sentence, "later", published_at=date(2017, 3, 1))
    names = {n: 5.0 for n in ("Julie Gayet", "Véronique Bédague", "Jean-Marie Le Guen",
                              "Wolfgang Schäuble", "Jan Eliasson", "Bruno Le Maire",
                              "Manuel Valls")}  # fmt: skip
    assert latest_holder("q", role, [later], None, Finder(names), weight=0.0) is None


def test_a_name_the_office_belongs_to_is_a_holder_even_after_du() -> None:
    interior = asked_role("Qui est le ministre de l'Intérieur ?")
    assert interior is not None
    statement = make_passage(
        "Selon un communiqué du ministre de l'Intérieur, Bruno Le Roux, l'opération continue.",
        published_at=date(2017, 2, 16),
    )
    found = latest_holder("q", interior, [statement], None, Finder({"Bruno Le Roux": 1.0}), 0.0)
    assert found is not None and found.span_text == "Bruno Le Roux"


def test_a_name_away_from_the_role_is_no_holder() -> None:
    pm = asked_role("Qui est le Premier ministre ?")
    assert pm is not None
    away = make_passage(
        "Le Premier ministre a reçu à Matignon le maire de Lille, Martine Aubry.",
        "matignon",
        published_at=date(2017, 3, 1),
    )
    reader = Finder({**NAMES, "Martine Aubry": 8.0})
    holder = latest_holder("q", pm, [VALLS, away], None, reader, weight=0.0)
    assert holder is not None and holder.passage.article_id == "nice"


def test_the_answer_names_the_holder_on_the_date_asked(
    fake_index: NewsIndex, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Through the answerer, over an index (bag-of-words embedder): the holder's span replaces
    the reader's favourite, and the refusal still weighs the passages read as before."""
    records = [
        {"id": p.article_id, "title": t, "text": p.text, "published_at": str(p.published_at)}
        for p, t in (
            (ROCARD, "Mort de l'ancien Premier ministre Michel Rocard"),
            (VALLS, "Attentat de Nice"),
            (CAZENEUVE, "Lille : la menace terroriste reste élevée"),
        )
    ]
    Ingestor(fake_index.settings, fake_index).run([str(write_jsonl(tmp_path / "c.jsonl", records))])
    fake_index.sync_lexical()
    settings = fake_index.settings.model_copy(
        update={"reader_retrieval_weight": 0.0, "reader_refusal_threshold": 3.0}
    )
    answerer = Answerer(settings, fake_index, reader=Finder(NAMES))
    question = "Qui est le Premier ministre ?"
    assert answerer.answer(question, as_of=date(2017, 3, 1)).span == "Bernard Cazeneuve"
    assert answerer.answer(question, as_of=date(2016, 8, 1)).span == "Manuel Valls"
    # The wider search for the holder reuses the question's embedding.
    embedded: list[str] = []
    embed = fake_index.embedder.embed_query

    def counted(text: str) -> np.ndarray:
        embedded.append(text)
        return embed(text)

    monkeypatch.setattr(fake_index.embedder, "embed_query", counted)
    assert answerer.answer(question, as_of=date(2017, 3, 1)).span == "Bernard Cazeneuve"
    assert embedded == [question]
    monkeypatch.undo()
    # "aujourd'hui" is a period of one day, yet it asks who holds the office now.
    today = "Qui est le Premier ministre aujourd'hui ?"
    assert answerer.answer(today, as_of=date(2017, 3, 1)).span == "Bernard Cazeneuve"
    # Without the holder search the reader's favourite, the obituary's name, would win.
    off = Answerer(settings.model_copy(update={"reader_role_breadth": 0}), fake_index,
                   reader=Finder(NAMES))  # fmt: skip
    assert off.answer(question, as_of=date(2017, 3, 1)).span == "Michel Rocard"
    # The best span of the passages read is what says whether the archive answers at all.
    sure = settings.model_copy(update={"reader_refusal_threshold": 7.0})
    assert Answerer(sure, fake_index, reader=Finder(NAMES)).answer(question).refused


def test_an_office_asked_under_another_name_is_found_under_its_usual_one() -> None:
    """News names the holder under the office's usual name: "le chef de l'État" is the
    président, "le garde des Sceaux" the French ministre de la Justice."""
    head = asked_role("Qui est le chef de l'État en France ?")
    assert head is not None
    assert [(a.head, a.places) for a in head.also] == [("president", ("franc",))]
    seals = asked_role("Qui est le garde des Sceaux ?")
    assert seals is not None
    assert [(a.head, a.words, a.places) for a in seals.also] == [
        ("ministr", ("justic",), ("franc",))
    ]
    # In English too, for an English archive ("President Macron").
    english = asked_role("Who is the head of state in France?")
    assert english is not None and english.also[0].name == "president in france"
    for plain in ("Qui est le Premier ministre ?", "Qui est le chef de l'État ?"):
        # Without a place, "président" would be any country's: only the name asked counts.
        assert asked_role(plain).also == (), plain  # type: ignore[union-attr]
    macron = "Le président Emmanuel Macron a reçu les maires."
    title, name = "France : les sénatoriales", "Emmanuel Macron"
    assert _holder_in(head, macron, title, name) == name
    assert _holder_in(replace(head, also=()), macron, title, name) is None
    # Another country's president is not the French chef de l'État.
    moon = "Le président Moon Jae-in a reçu les maires."
    assert _holder_in(head, moon, "Corée du Sud : élections", "Moon Jae-in") is None


def test_the_office_as_asked_is_read_before_its_other_name() -> None:
    """Other presidents in the same story do not crowd out "le chef de l'État, …"."""
    head = asked_role("Qui est le chef de l'État en France ?")
    assert head is not None
    story = (
        "Le président du Sénat a reçu les élus. Le président de la région a salué l'initiative."
        " Le chef de l'État, François Hollande, a annoncé sa venue en France."
    )
    assert _holder_in(head, story, "France : visite", "François Hollande") == "François Hollande"


def test_an_english_question_finds_the_office_under_its_french_names() -> None:
    """A French archive names the holder of an office asked in English in French, with the
    place as a complement or an adjective: "président des États-Unis", "président américain"."""
    us = asked_role("Who is the president of the United States?")
    assert us is not None
    assert [a.name for a in us.also] == ["president de etats unis", "president americain"]
    for short in ("Who is the US president?", "Who is the American president?"):
        assert asked_role(short).also == us.also, short  # type: ignore[union-attr]
    un = asked_role("Who is the current UN Secretary-General?")
    assert un is not None
    assert un.also[0].name == "secretaire general de onu"
    story = "Le président américain Barack Obama a déclaré l'état d'urgence."
    assert _holder_in(us, story, "Floride : l'ouragan Matthew", "Barack Obama") == "Barack Obama"
    apposed = "— Barack Obama, président des États-Unis"
    assert _holder_in(us, apposed, "Décès de Nancy Reagan", "Barack Obama") == "Barack Obama"
    # The French president is no answer to it.
    french = "Le président français François Hollande a déclaré l'état d'urgence."
    assert _holder_in(us, french, "France : attentat", "François Hollande") is None
    # An office or a place the glossary does not know gets no French name.
    for unknown in ("Who is the chief whip?", "Who is the president of Atlantis?"):
        assert asked_role(unknown).also == (), unknown  # type: ignore[union-attr]
    # French questions are not translated.
    assert asked_role("Qui est le président ?").also == ()  # type: ignore[union-attr]
    # Abbreviations, possessives without an article, hyphenated adjectives.
    for same in ("Who is the U.S. president?", "Who is America's president?"):
        assert asked_role(same).also == us.also, same  # type: ignore[union-attr]
    korea = asked_role("Who is the South Korean president?")
    assert korea is not None
    moon = "Le président sud-coréen Moon Jae-in a parlé."
    assert _holder_in(korea, moon, "Élections", "Moon Jae-in") == "Moon Jae-in"
    # "Now" said after the office is no part of it.
    for now in (
        "Who is the president of the United States right now?",
        "Who is the US president at the moment?",
        "Who is America's president, today?",
    ):
        assert asked_role(now).also == us.also, now  # type: ignore[union-attr]
    french_now = asked_role("Qui est le Premier ministre du Japon en ce moment ?")
    assert french_now is not None and french_now.name == "premier ministre du japon"


def test_a_country_adjective_is_also_named_by_the_country() -> None:
    """ "le Premier ministre britannique" stands in a story titled "Royaume-Uni : …" that calls
    her "Premier ministre" only; the adjective and the country's name are one place."""
    uk = asked_role("Qui est le Premier ministre britannique ?")
    assert uk is not None
    may = "Pour Theresa May, Premier ministre, il s'agit d'une attaque terroriste."
    assert _holder_in(uk, may, "Royaume-Uni : attaque à Londres", "Theresa May") == "Theresa May"
    assert _holder_in(uk, may, "France : attaque à Paris", "Theresa May") is None
    # A country named in the sentence is a place spoken of, not the office's.
    china = asked_role("Qui est le président chinois ?")
    dutch = asked_role("Qui est le Premier ministre néerlandais ?")
    assert china is not None and dutch is not None
    visit = "Le président Emmanuel Macron, en visite en Chine, a rencontré des étudiants."
    assert _holder_in(china, visit, "Diplomatie : visite", "Emmanuel Macron") is None
    low = ("Le Premier ministre Édouard Philippe a estimé que le chômage, au plus bas, "
           "montrait que le pays se redresse.")  # fmt: skip
    assert _holder_in(dutch, low, "Emploi : les chiffres", "Édouard Philippe") is None
    us = asked_role("Qui est le président américain ?")
    assert us is not None
    united = "Le président Emmanuel Macron a appelé les chefs d'État européens à rester unis."
    assert _holder_in(us, united, "Europe : sommet", "Emmanuel Macron") is None
    german = asked_role("Qui est le chancelier en Allemagne ?")
    assert german is not None
    merkel = "La chancelière allemande Angela Merkel a reçu les maires."
    assert _holder_in(german, merkel, "Migrants : réunion", "Angela Merkel") == "Angela Merkel"


def test_a_country_asked_after_de_is_also_a_place_of_the_story() -> None:
    """ "le président du Burundi" is "le Président Pierre Nkurunziza" in a sentence that names
    Burundi, in a story titled on Burundi; not another country's or body's president, nor a
    president named where the sentence does not say Burundi or says another country too."""
    for question in ("Who is the president of Burundi?", "Qui est le président du Burundi ?"):
        burundi = asked_role(question)
        assert burundi is not None
        title = "Burundi : lettres de créance"
        for letters in (
            "Les ambassadeurs au Burundi ont remis leurs lettres au Président Pierre Nkurunziza.",
            "Au Burundi, le président de la République, Pierre Nkurunziza, a reçu les lettres.",
        ):
            found = _holder_in(burundi, letters, title, "Pierre Nkurunziza")
            assert found == "Pierre Nkurunziza", (question, letters)
        for story, sentence, name in (
            ("Tchad : lettres", "Au Burundi, le Président Pierre Nkurunziza a reçu les lettres.",
             "Pierre Nkurunziza"),  # a story on another country
            (title, "Le président Barack Obama a appelé au calme.", "Barack Obama"),
            (title, "Au Burundi et aux États-Unis, le président Barack Obama appelle au calme.",
             "Barack Obama"),
            (title, "Idriss Déby, Président du Tchad, a rappelé son soutien au Burundi.",
             "Idriss Déby"),
            (title, "Le président tchadien Idriss Déby a parlé du Burundi.", "Idriss Déby"),
            (title, "Le président de l'Union africaine Idriss Déby a parlé du Burundi.",
             "Idriss Déby"),
        ):  # fmt: skip
            assert _holder_in(burundi, sentence, story, name) is None, sentence
    # No one-word country in the office: nothing looser ("la République" is no place).
    republic = asked_role("Qui est le président de la République ?")
    korea = asked_role("Qui est le président de la Corée du Sud ?")
    assert republic is not None and korea is not None
    assert republic.also == () and korea.also == ()
    # Words for "now" or "so far" are no part of the office asked.
    for now in ("Who is the Prime Minister so far?", "Who is still Prime Minister?",
                "Qui est toujours Premier ministre ?"):  # fmt: skip
        role = asked_role(now)
        assert role is not None and role.head in {"prim", "premier"}, now
        assert role.words == (("minist",) if role.head == "prim" else ("ministr",)), now


class Asked(Finder):
    """A Finder that notes the questions it is asked."""

    def __init__(self, margins: dict[str, float]) -> None:
        super().__init__(margins)
        self.asked: list[str] = []

    def read(
        self, question: str, passages: Sequence[str], titles: Sequence[str] = ()
    ) -> list[Span | None]:
        self.asked.append(question)
        return super().read(question, passages, titles)


def test_an_office_named_otherwise_is_asked_about_in_its_own_words() -> None:
    """The reader is asked "Qui est le ministre de la Justice ?" of a sentence that calls the
    garde des Sceaux so, and the French question of a French sentence for an English one."""
    seals = asked_role("Qui est le garde des Sceaux ?")
    assert seals is not None
    law = make_passage("Le ministre de la Justice Jean-Jacques Urvoas a défendu la loi.", "law",
                       published_at=date(2017, 2, 17), title="France : prescription")  # fmt: skip
    reader = Asked({"Jean-Jacques Urvoas": 1.0})
    found = latest_holder("Qui est le garde des Sceaux ?", seals, [law], None, reader, 0.0)
    assert found is not None and found.span_text == "Jean-Jacques Urvoas"
    assert reader.asked == ["Qui est le ministre de la Justice ?"]
    us = asked_role("Who is the president of the United States?")
    assert us is not None
    reader = Asked({"Barack Obama": 1.0})
    told = make_passage("Le président américain Barack Obama a parlé.", "us",
                        published_at=date(2016, 10, 6))  # fmt: skip
    assert latest_holder("Who is the president of the United States?", us, [told], None,
                         reader, 0.0) is not None  # fmt: skip
    assert reader.asked == ["Qui est le président américain ?"]  # as the sentence names it
    premier = asked_role("Who is the British prime minister?")
    assert premier is not None
    reader = Asked({"Theresa May": 1.0})
    she = make_passage("La Première ministre britannique, Theresa May, a parlé.", "may",
                       published_at=date(2017, 3, 23))  # fmt: skip
    assert latest_holder("q", premier, [she], None, reader, 0.0) is not None
    assert reader.asked == ["Qui est la Première ministre britannique ?"]
    # A sentence naming the office as asked is asked the user's question.
    reader = Asked({"Jean-Jacques Urvoas": 1.0})
    asked = make_passage("Le garde des Sceaux, Jean-Jacques Urvoas, a défendu la loi.", "seals",
                         published_at=date(2017, 2, 17))  # fmt: skip
    latest_holder("Qui est le garde des Sceaux ?", seals, [asked], None, reader, 0.0)
    assert reader.asked == ["Qui est le garde des Sceaux ?"]


def test_articles_naming_the_office_lately_are_read_whatever_they_are_about(
    fake_index: NewsIndex, tmp_path: Path
) -> None:
    """The wider search looks for passages like the question; the latest one naming the
    office may be about something else ("a law on prescription"), so articles of the last
    days that hold the office's names are read too, and only those."""
    records = [
        {"id": "resign", "published_at": "2016-01-27", "title": "France : démission de Taubira",
         "text": "La garde des Sceaux Christiane Taubira a démissionné ce matin."},
        {"id": "law", "published_at": "2017-02-17", "title": "France : la prescription réduite",
         "text": "Le Parlement a voté la loi. Le ministre de la Justice Jean-Jacques Urvoas "
                 "s'en est félicité devant les députés."},
        {"id": "weather", "published_at": "2017-02-20", "title": "France : tempête",
         "text": "Une tempête a frappé la Bretagne, privant d'électricité des milliers de foyers."},
    ]  # fmt: skip
    Ingestor(fake_index.settings, fake_index).run([str(write_jsonl(tmp_path / "c.jsonl", records))])
    fake_index.sync_lexical()
    vector = fake_index.embedder.embed_query("ministre de la justice")
    spring = (date(2017, 2, 1), date(2017, 3, 1))
    found = fake_index.naming(NameSearch("ministre de la justice", "fr", spring), Filters(), vector)
    assert [p.article_id for p in found] == ["law"]
    settings = fake_index.settings.model_copy(
        update={"reader_retrieval_weight": 0.0, "reader_refusal_threshold": 0.5,
                "reader_role_breadth": 1}  # the wider search alone finds Taubira's story
    )  # fmt: skip
    names = {"Christiane Taubira": 1.0, "Jean-Jacques Urvoas": 1.0}
    question = "Qui est le garde des Sceaux ?"
    answer = Answerer(settings, fake_index, reader=Finder(names)).answer(question, as_of=spring[1])
    assert answer.span == "Jean-Jacques Urvoas"
    alone = settings.model_copy(update={"reader_role_recent_days": 0})
    answer = Answerer(alone, fake_index, reader=Finder(names)).answer(question, as_of=spring[1])
    assert answer.span == "Christiane Taubira"


def _holder_in(role: Role, text: str, title: str, name: str) -> str | None:
    """The holder found in one dated story where the reader's span would be `name`."""
    story = make_passage(text, "story", published_at=date(2017, 9, 25), title=title)
    found = latest_holder("q", role, [story], None, Finder({name: 1.0}), 0.0)
    return found.span_text if found else None


def test_an_english_question_searches_a_french_archive_for_the_french_names(
    fake_index: NewsIndex, tmp_path: Path
) -> None:
    """The French names are searched for with French stems ("président", not the English
    "presid"), so the story naming the president is found among others that share more of the
    question's words."""
    budget = [
        {"id": f"budget{i}", "published_at": f"2016-09-{10 + i}", "title": "Économie : budget",
         "text": f"Le rapport « United States Budget » de l'État américain prévoit {i} "
                 "milliards, selon Paul Ryan."}
        for i in range(12)
    ]  # fmt: skip
    obama = {"id": "obama", "published_at": "2016-10-06", "title": "Floride : l'ouragan",
             "text": "Le président américain Barack Obama a visité la Floride."}  # fmt: skip
    corpus = write_jsonl(tmp_path / "c.jsonl", [*budget, obama])
    Ingestor(fake_index.settings, fake_index).run([str(corpus)])
    fake_index.sync_lexical()
    settings = fake_index.settings.model_copy(
        update={"reader_retrieval_weight": 0.0, "reader_refusal_threshold": 0.5,
                "reader_role_breadth": 1}
    )  # fmt: skip
    # The reader alone prefers the name in the budget stories, the question's closest.
    reader = Finder({"Barack Obama": 1.0, "Paul Ryan": 10.0})
    answer = Answerer(settings, fake_index, reader=reader).answer(
        "Who is the president of the United States?", as_of=date(2016, 10, 10)
    )
    assert answer.span == "Barack Obama"


def test_a_french_archive_leaves_france_out_of_its_own_offices() -> None:
    """French news names its own ministers without "France" ("Gérard Collomb, le ministre de
    l'Intérieur,"): an office asked as France's is found there, unless the story or the
    sentence names another country, or the story is not French."""
    interior = asked_role("Qui est le ministre français de l'Intérieur ?")
    assert interior is not None
    visit = "Gérard Collomb, le ministre de l'Intérieur, s'est rendu sur place jeudi soir."
    calais = "Affrontements violents entre migrants à Calais"
    assert _holder_in(interior, visit, calais, "Gérard Collomb") == "Gérard Collomb"
    assert _holder_in(interior, visit, "Allemagne : heurts à Berlin", "Gérard Collomb") is None
    german = "Le ministre de l'Intérieur allemand, Horst Seehofer, s'est rendu sur place."
    assert _holder_in(interior, german, calais, "Horst Seehofer") is None
    abroad = "Le ministre de l'Intérieur, Horst Seehofer, a reçu son homologue des États-Unis."
    assert (
        _holder_in(interior, german.replace(" allemand", ""), "Berlin : réunion", "Horst") is None
    )
    assert _holder_in(interior, visit, "Québec : heurts", "Gérard Collomb") is None
    assert _holder_in(interior, abroad, "Migrants : réunion", "Horst Seehofer") is None
    english = make_passage(visit, "story", published_at=date(2018, 2, 2), title=calais, lang="en")
    assert latest_holder("q", interior, [english], None, Finder({"Gérard Collomb": 1.0}), 0) is None
    # An office asked without France, or asked as another country's, is not changed.
    british = asked_role("Qui est le ministre de l'Intérieur britannique ?")
    assert british is not None
    assert _holder_in(british, visit, calais, "Gérard Collomb") is None


@pytest.mark.parametrize(
    "sentence",
    [
        "Pour le ministre de l'Économie et des Finances Michel Sapin, rien n'est prouvé.",
        "Michel Sapin, ministre de l'Économie et des Finances, a répondu aux questions.",
        "Le ministre de l'Économie, de l'Industrie et du Numérique, Michel Sapin, a parlé.",
        # A title without an article after a name is its apposition, comma or not after it.
        "En visite à Paris, Michel Sapin, ministre de l'Économie a affirmé que tout va bien.",
    ],
)
def test_a_ministry_title_may_go_on_after_the_words_asked(sentence: str) -> None:
    economy = asked_role("Qui est le ministre de l'Économie ?")
    assert economy is not None
    assert _holder_in(economy, sentence, "Budget : débat", "Michel Sapin") == "Michel Sapin"


@pytest.mark.parametrize(
    "sentence",
    [
        "Le premier ministre Édouard Philippe et le ministre de la Transition écologique et "
        "solidaire François de Rugy se sont rendus sur place.",
        "Édouard Philippe a salué François de Rugy, ministre de la Transition écologique, hier.",
    ],
)
def test_a_name_beside_the_office_holds_it_when_the_reader_takes_another(sentence: str) -> None:
    """The reader, asked who the minister is, may take the sentence's other name."""
    minister = asked_role("Qui est le ministre de la Transition écologique ?")
    assert minister is not None
    story = make_passage(sentence, "story", published_at=date(2018, 10, 18))
    reader = Finder({"Édouard Philippe": 3.0, "François de Rugy": 1.0})
    found = latest_holder("q", minister, [story], None, reader, 0.0)
    assert found is not None and found.span_text == "François de Rugy"
    # A place, a preposition's complement or a name after "et notamment" is no holder.
    for other in (
        "Selon le ministre de la Transition écologique, Paris ne cédera pas.",
        "Comme Laurent Wauquiez, le ministre de la Transition écologique, interrogé mardi, a ri.",
        "Face à Marine Le Pen, le ministre de la Transition écologique, lui, a répondu.",
        "Le ministre de la Transition écologique et notamment Bruno Le Maire ont parlé.",
    ):
        story = make_passage(other, "other", published_at=date(2018, 10, 18))
        names = Finder({"cédera": 1.0, "ri": 1.0, "répondu": 1.0, "parlé": 1.0})
        assert latest_holder("q", minister, [story], None, names, 0.0) is None, other
    # With no name beside the office, the reader's other name is still no holder.
    alone = make_passage("Édouard Philippe a reçu le ministre de la Transition écologique.", "x",
                         published_at=date(2018, 10, 18))  # fmt: skip
    assert latest_holder("q", minister, [alone], None, reader, 0.0) is None


@pytest.mark.parametrize(
    ("question", "sentence"),
    [
        ("Qui est le premier secrétaire du Parti socialiste ?",
         "Jean-Christophe Cambadélis, premier secrétaire du PS, a confié sa stupeur."),
        ("Qui est le premier secrétaire du PS ?",
         "Le premier secrétaire du Parti socialiste, Jean-Christophe Cambadélis, a parlé."),
        ("Who is the White House press secretary?",
         "Le porte-parole de la Maison Blanche, Jean-Christophe Cambadélis, a expliqué."),
    ],
)  # fmt: skip
def test_a_body_named_by_its_initials_or_in_english_is_the_same_office(
    question: str, sentence: str
) -> None:
    role = asked_role(question)
    assert role is not None
    name = "Jean-Christophe Cambadélis"
    assert _holder_in(role, sentence, "Politique : réactions", name) == name


@pytest.mark.parametrize(
    ("sentence", "held_now"),
    [
        ("Il fut premier secrétaire du PS de 1994 à 1995, avant Lionel Jospin.", False),
        ("Lionel Jospin, premier secrétaire du PS (1995-1997), a parlé.", False),
        ("Lionel Jospin, premier secrétaire du PS en 1981, a parlé.", False),
        ("Lionel Jospin, premier secrétaire du PS depuis 2014, a parlé.", True),
        ("Lionel Jospin, premier secrétaire du PS, a parlé en 1981.", True),
    ],
)
def test_an_office_with_the_years_it_was_held_is_not_named_as_held_now(
    sentence: str, held_now: bool
) -> None:
    """Such a mention would take one of the few places the reader reads in an article."""
    role = asked_role("Qui est le premier secrétaire du PS ?")
    assert role is not None
    assert bool(mention_spans(sentence, "", role)) is held_now


@pytest.mark.parametrize(
    ("sentence", "holder"),
    [
        ("Le ministre de l'Intérieur Bernard Cazeneuve a été nommé par François Hollande "
         "premier ministre en remplacement de Manuel Valls.", "Bernard Cazeneuve"),
        ("Ce vendredi 20 janvier, Bernard Cazeneuve est devenu officiellement le 45e Premier "
         "ministre.", "Bernard Cazeneuve"),
        ("Le Premier ministre, Manuel Valls, cesse ses fonctions ce soir. Il est remplacé par "
         "le ministre Bernard Cazeneuve.", "Bernard Cazeneuve"),
        ("Le Premier ministre, Manuel Valls, quitte Matignon. Son successeur, Bernard "
         "Cazeneuve, est attendu.", "Bernard Cazeneuve"),
        ("Mme Élisabeth Borne a été nommée Première ministre ce lundi.", "Élisabeth Borne"),
        # Not taken yet, or taken by no one named: the reader's name beside the office.
        ("Manuel Valls, qui sera nommé Premier ministre, a parlé.", None),
        ("Le Premier ministre, Manuel Valls, a parlé. Le projet est remplacé par un autre.",
         "Manuel Valls"),
        ("Le Premier ministre, Manuel Valls, a démissionné en 2008. Il est remplacé par "
         "Bernard Cazeneuve.", "Manuel Valls"),
        # Someone else replaced, or appointed long ago: not the holder now.
        ("Le Premier ministre Manuel Valls a accepté la démission du ministre de l'Intérieur "
         "Bruno Le Roux. Il est remplacé par Bernard Cazeneuve.", "Manuel Valls"),
        ("Le Premier ministre Manuel Valls a fait sortir le ministre, remplacé par Bernard "
         "Cazeneuve.", "Manuel Valls"),
        ("Le Premier ministre, Manuel Valls, quitte Matignon. Il pourrait être remplacé par "
         "Bernard Cazeneuve.", "Manuel Valls"),
        ("En 1995, Bernard Cazeneuve est devenu Premier ministre.", None),
        ("Lundi a été nommé Premier ministre Bernard Cazeneuve.", "Bernard Cazeneuve"),
        ("Manuel Valls, Premier ministre sous François Hollande, est mort.", None),
    ],
)  # fmt: skip
def test_who_has_just_taken_the_office_holds_it(sentence: str, holder: str | None) -> None:
    """The reader, asked who the prime minister is, takes the one who appointed him or the
    one leaving; news names the new holder as the subject of "a été nommé" or after
    "remplacé par"."""
    pm = asked_role("Qui est le Premier ministre ?")
    assert pm is not None
    names = {"François Hollande": 3.0, "Manuel Valls": 2.0, "Bernard Cazeneuve": -1.0, "ce": -2.0}
    story = make_passage(sentence, "story", published_at=date(2016, 12, 6))
    found = latest_holder("q", pm, [story], None, Finder(names), 0.0)
    assert (found.span_text if found else None) == holder
    if holder == "Bernard Cazeneuve" and "remplacé" in sentence:
        # Asked about a period, whoever held it then: the one who leaves at its end.
        december = DateRange(date(2016, 12, 1), date(2016, 12, 6), "en décembre 2016")
        then = latest_holder("q", pm, [story], december, Finder(names), 0.0)
        assert then is not None and then.span_text == "Manuel Valls"


def test_an_article_is_read_from_its_opening_whatever_passage_came_first() -> None:
    """The news is in an article's opening; a later passage of it, retrieved first, must not
    take the few mentions the reader reads."""
    pm = asked_role("Qui est le Premier ministre ?")
    assert pm is not None
    opening = make_passage(
        "Le Premier ministre, Bernard Cazeneuve, a présenté son gouvernement.",
        "story", published_at=date(2016, 12, 7),
    )  # fmt: skip
    later = make_passage(
        "Son prédécesseur comme Premier ministre avait dit non. Le Premier ministre, disait-on, "
        "hésite. Le Premier ministre, Manuel Valls, avait parlé.",
        "story", published_at=date(2016, 12, 7), chunk_index=3, start=900,
    )  # fmt: skip
    names = {"Bernard Cazeneuve": 1.0, "Manuel Valls": 1.0}
    found = latest_holder("q", pm, [later, opening], None, Finder(names), 0.0)
    assert found is not None and found.span_text == "Bernard Cazeneuve"
