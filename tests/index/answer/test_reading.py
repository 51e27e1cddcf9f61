"""The reader's answer over retrieved passages, with a reader that reads by string search (the
span logic, not the network): which span wins, what is quoted, when it says "I don't know"."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

import pytest

from index.answer.reading import (
    _named_at,
    candidates,
    headline_subject,
    in_period_first,
    latest_first,
    period_threshold,
    reader_answer,
)
from index.reading import Span, title_head
from index.records import Answer, Passage
from index.retrieval import DateRange, Retrieval
from tests.conftest import make_passage, make_settings
from tests.fakes.reader import Finder

NOBEL = (
    "3 octobre 2016. – Le biologiste japonais Yoshinori Ohsumi a été récompensé "
    "du prix Nobel de médecine. Il étudie l'autophagie depuis les années 1990."
)
OTHER = "Le prix Nobel de physique revient à trois chercheurs britanniques, dont David Thouless."


def retrieval(*passages: Passage) -> Retrieval:
    return Retrieval("q", "fr", list(passages))


def test_the_answer_is_the_span_cited_with_its_sentence(tmp_path: Path) -> None:
    s = make_settings(tmp_path, reader_refusal_threshold=0.0)
    nobel = make_passage(NOBEL, "nobel", start=120, score=0.85)
    r = retrieval(nobel)
    answer = reader_answer(
        "q", "fr", r, candidates("q", r, Finder({"Yoshinori Ohsumi": 5.0}), s), s
    )

    assert answer.text == "Yoshinori Ohsumi [1]" and answer.span == "Yoshinori Ohsumi"
    (citation,) = answer.citations
    # The quote is the sentence holding the span, without the dateline's dash in front.
    assert citation.quote == (
        "Le biologiste japonais Yoshinori Ohsumi a été récompensé du prix Nobel de médecine."
    )
    article = " " * 120 + NOBEL
    assert article[citation.start : citation.end] == citation.quote
    assert not answer.refused and answer.backend == "reader"


@pytest.mark.parametrize(
    ("text", "read", "answered"),
    [("Christopher Froome a gagné le Tour de France. Le Britannique est ravi.",
      "Christopher Froome a gagné le Tour de France. Le Britannique",
      "Christopher Froome a gagné le Tour de France"),  # cut where its sentence ends
     ("Elle se trouvait « pour une courte session » à Londres.", "trouvait « pour une courte",
      "trouvait « pour une courte session »"),  # the quotation it opens, closed
     ("Elle se trouvait à Londres « pour une session d'enregistrement prévue depuis des mois, "
      "selon son agent ».", "à Londres « pour une session", "à Londres"),  # too far: left out
     ("« C'est la décision la plus douloureuse » qu'il a dû prendre.",
      "la plus douloureuse » qu'il a dû", "« C'est la décision la plus douloureuse » qu'il a dû"),
     ("Le rançongiciel « WannaCry » qui bloque les données a frappé.",
      "WannaCry » qui bloque les données", "WannaCry"),  # the name quoted
     ("Les journaux « L'Ami du roi » ou « Les Actes des apôtres » prêchent.",
      "L'Ami du roi » ou « Les Actes", "« L'Ami du roi » ou « Les Actes des apôtres »"),
     ("« Nous avons lu « Le Monde » hier et c'est tout » a-t-il dit.", "hier et c'est tout » a",
      "« Nous avons lu « Le Monde » hier et c'est tout » a"),  # the « still open
     # no sentence ends at an abbreviation, nor before a digit or a lower-case word
     ("César est mort en 44 av. J.-C. à Rome.", "44 av. J.-C.", "44 av. J.-C."),
     ("Selon le Pr. Didier Raoult, non.", "Pr. Didier Raoult", "Pr. Didier Raoult"),
     ("Le 3 janv. 2018, il part.", "3 janv. 2018", "3 janv. 2018"),
     ("Il a dit que c'était, selon lui, une décision qui lui a coûté » et il est parti.",
      "coûté » et il est parti", "et il est parti"),  # no « near: after the »
     # brackets: closed when near, else left out; a span out of one starts after it
     ("Le jeu PUBG (PlayerUnknown's BattleGrounds) est sorti.",
      "PUBG (PlayerUnknown's BattleGrounds", "PUBG (PlayerUnknown's BattleGrounds)"),
     ("Il pilote des avions (instructeur qualifié sur plusieurs types d'appareils et plus "
      "encore) depuis.", "des avions (instructeur", "des avions"),
     ("Le féminin (remporté par Rika Kihira), le masculin (remporté par Nathan Chen, "
      "représentant les États-Unis) et les couples.", "Rika Kihira), le masculin (remporté par "
      "Nathan Chen", "le masculin (remporté par Nathan Chen, représentant les États-Unis)")],
)  # fmt: skip
def test_an_answer_keeps_within_its_sentence_and_its_quotation_marks(
    tmp_path: Path, text: str, read: str, answered: str
) -> None:
    s = make_settings(tmp_path, reader_refusal_threshold=0.0)
    passage = make_passage(text, "a", start=40, score=0.85)
    r = retrieval(passage)
    answer = reader_answer("q", "fr", r, candidates("q", r, Finder({read: 5.0}), s), s)
    assert answer.span == answered and answer.text == f"{answered} [1]"
    (citation,) = answer.citations
    assert answered in citation.quote
    assert (" " * 40 + text)[citation.start : citation.end] == citation.quote


def test_a_span_read_in_the_date_line_is_quoted_with_the_sentence_after_it(
    tmp_path: Path,
) -> None:
    s = make_settings(tmp_path, reader_refusal_threshold=0.0)
    text = "28 août 2018.\n\nNicolas Hulot a annoncé sa démission ce matin. Il part."
    passage = make_passage(text, "hulot", score=0.85)
    r = retrieval(passage)
    answer = reader_answer("q", "fr", r, candidates("q", r, Finder({"28 août 2018": 5.0}), s), s)
    assert answer.span == "28 août 2018"
    (citation,) = answer.citations
    assert citation.quote.startswith("28 août 2018") and "démission" in citation.quote
    assert "Il part" not in citation.quote and text[citation.start : citation.end] == citation.quote


def test_retrieval_evidence_can_outweigh_a_slightly_surer_span(tmp_path: Path) -> None:
    s = make_settings(tmp_path, reader_retrieval_weight=10.0, reader_refusal_threshold=0.0)
    on_topic = make_passage(NOBEL, "nobel", score=0.88)
    off_topic = make_passage(OTHER, "physique", score=0.70)
    r = retrieval(off_topic, on_topic)
    reader = Finder({"David Thouless": 3.0, "Yoshinori Ohsumi": 2.0})
    answer = reader_answer("q", "fr", r, candidates("q", r, reader, s), s)
    assert answer.span == "Yoshinori Ohsumi"  # 2 + 8.8 beats 3 + 7.0

    plain = make_settings(tmp_path, reader_retrieval_weight=0.0, reader_refusal_threshold=0.0)
    answer = reader_answer("q", "fr", r, candidates("q", r, reader, plain), plain)
    assert answer.span == "David Thouless"


def test_a_passage_lower_in_the_retrieval_order_pays_for_its_place(tmp_path: Path) -> None:
    # Retrieval put the Nobel article first (recency, the asked period, the word side); the
    # reader is a little surer of a span in the passage it ranked second.
    first = make_passage(NOBEL, "nobel", score=0.80)
    second = make_passage(OTHER, "physique", score=0.80)
    r = retrieval(first, second)
    reader = Finder({"David Thouless": 3.0, "Yoshinori Ohsumi": 2.0})
    free = make_settings(tmp_path, reader_refusal_threshold=0.0)
    assert reader_answer("q", "fr", r, candidates("q", r, reader, free), free).span == (
        "David Thouless"
    )
    ranked = make_settings(tmp_path, reader_rank_penalty=2.0, reader_refusal_threshold=0.0)
    found = candidates("q", r, reader, ranked)
    assert [c.span_text for c in found] == ["Yoshinori Ohsumi", "David Thouless"]
    assert found[0].score - found[1].score == pytest.approx(1.0)  # 2 - (3 - 2)


def test_below_the_threshold_or_with_no_span_the_answer_is_i_dont_know(tmp_path: Path) -> None:
    s = make_settings(tmp_path, reader_retrieval_weight=0.0, reader_refusal_threshold=1.0)
    r = retrieval(make_passage(NOBEL, "nobel"))
    unsure = reader_answer("q", "fr", r, candidates("q", r, Finder({"Ohsumi": 0.5}), s), s)
    nothing = reader_answer("q", "en", r, candidates("q", r, Finder({}), s), s)
    assert unsure.refused and unsure.citations == () and unsure.text.startswith("Je ne sais pas")
    assert unsure.evidence == pytest.approx(0.5) and unsure.closest == tuple(r.passages)
    assert nothing.refused and nothing.text.startswith("I don't know")


def test_only_the_top_passages_are_read(tmp_path: Path) -> None:
    s = make_settings(tmp_path, reader_passages=1, reader_refusal_threshold=0.0)
    r = retrieval(make_passage(OTHER, "physique"), make_passage(NOBEL, "nobel"))
    found = candidates("q", r, Finder({"Yoshinori Ohsumi": 9.0}), s)
    assert found == []


def test_a_question_about_a_year_is_not_answered_from_another_years_news(tmp_path: Path) -> None:
    s = make_settings(tmp_path, reader_refusal_threshold=0.0)
    eurovision = "Jamala remporte le concours Eurovision de la chanson pour l'Ukraine."
    r = retrieval(make_passage(eurovision, "euro-2016", published_at=date(2016, 5, 15)))
    reader = Finder({"Jamala": 9.0})
    asked = reader_answer(
        "q", "fr", r, candidates("Qui a gagné l'Eurovision 2023 ?", r, reader, s), s
    )
    assert asked.refused
    same_year = candidates("Qui a gagné l'Eurovision 2016 ?", r, reader, s)
    named = retrieval(make_passage("En 2023, " + eurovision, "later", published_at=None))
    assert same_year and candidates("Qui a gagné l'Eurovision 2023 ?", named, reader, s)


def test_a_state_question_takes_the_latest_close_answer(tmp_path: Path) -> None:
    s = make_settings(tmp_path, reader_retrieval_weight=0.0, reader_refusal_threshold=1.0)
    older = make_passage(
        "Manuel Valls est Premier ministre.", "pm-2016", published_at=date(2016, 5, 1)
    )
    newer = make_passage("Bernard Cazeneuve est Premier ministre.", "pm-2017",
                         published_at=date(2017, 1, 10))  # fmt: skip
    r = retrieval(older, newer)
    found = candidates("q", r, Finder({"Manuel Valls": 6.0, "Bernard Cazeneuve": 4.0}), s)
    assert found[0].span.margin == 6.0  # the reader alone prefers the older article
    latest = latest_first(found, slack=3.0, floor=s.reader_refusal_threshold)
    assert reader_answer("q", "fr", r, latest, s).span == "Bernard Cazeneuve"
    # Beyond the slack, or below the refusal threshold, the surer span stays first.
    assert latest_first(found, slack=1.0, floor=1.0)[0].passage.article_id == "pm-2016"
    assert latest_first(found, slack=3.0, floor=5.0)[0].passage.article_id == "pm-2016"


def test_a_question_about_a_period_takes_a_close_answer_published_then(tmp_path: Path) -> None:
    s = make_settings(tmp_path, reader_retrieval_weight=0.0, reader_refusal_threshold=1.0)
    earlier = make_passage(
        "Stephen Cummings gagne la septième étape.", "etape-7", published_at=date(2016, 7, 8)
    )
    yesterday = make_passage(
        "Tom Dumoulin gagne la neuvième étape.", "etape-9", published_at=date(2016, 7, 10)
    )
    r = retrieval(earlier, yesterday)
    found = candidates("q", r, Finder({"Stephen Cummings": 6.0, "Tom Dumoulin": 4.0}), s)
    hier = DateRange(date(2016, 7, 10), date(2016, 7, 10), "hier")
    chosen = in_period_first(found, hier, slack=3.0, floor=s.reader_refusal_threshold)
    assert reader_answer("q", "fr", r, chosen, s).span == "Tom Dumoulin"
    # Beyond the slack, below the floor, or with nothing published then, the surer span stays.
    assert in_period_first(found, hier, slack=1.0, floor=1.0)[0].passage.article_id == "etape-7"
    assert in_period_first(found, hier, slack=3.0, floor=5.0)[0].passage.article_id == "etape-7"
    before = DateRange(date(2016, 6, 1), date(2016, 6, 30), "en juin 2016")
    assert in_period_first(found, before, slack=9.0, floor=1.0) == found


def test_an_article_after_the_period_that_names_it_is_of_that_period(tmp_path: Path) -> None:
    """A month's figures come out weeks later: the article that says "en septembre 2016" is
    about September, one published in September about August is not."""
    s = make_settings(tmp_path, reader_retrieval_weight=0.0, reader_refusal_threshold=1.0)
    in_month = make_passage("Les naissances d'août 2016 : 62 700.", "aout",
                            published_at=date(2016, 9, 3))  # fmt: skip
    later = make_passage("En septembre 2016, l'Insee estime les naissances à 63 500.", "sept",
                         published_at=date(2016, 11, 1))  # fmt: skip
    r = retrieval(in_month, later)
    found = candidates("q", r, Finder({"63 500": 6.0, "62 700": 5.0}), s)
    september = DateRange(date(2016, 9, 1), date(2016, 9, 30), "in September 2016")
    assert in_period_first(found, september, 3.0, 1.0)[0].span_text == "63 500"
    # Named before the period, it was only looking ahead; a period that is no calendar month
    # or year has no name to look for.
    ahead = make_passage("Prévision pour septembre 2016 : 63 500.", "prevision",
                         published_at=date(2016, 8, 20))  # fmt: skip
    r = retrieval(in_month, ahead)
    found = candidates("q", r, Finder({"63 500": 6.0, "62 700": 5.0}), s)
    assert in_period_first(found, september, 3.0, 1.0)[0].span_text == "62 700"
    # Months later, after "depuis", or opening a season, the name tells of no news of then.
    for text, day in (("En septembre 2016, 63 500 naissances.", date(2017, 3, 1)),
                      ("Au plus bas depuis septembre 2016 : 63 500.", date(2016, 10, 20)),
                      ("La saison septembre 2016-2017 : 63 500.", date(2016, 10, 20))):  # fmt: skip
        r = retrieval(in_month, make_passage(text, "autre", published_at=day))
        found = candidates("q", r, Finder({"63 500": 6.0, "62 700": 5.0}), s)
        assert in_period_first(found, september, 3.0, 1.0)[0].span_text == "62 700", text
    # Taken first, it earns the short period's relief as an article published then would.
    r = retrieval(in_month, later)
    found = in_period_first(candidates("q", r, Finder({"63 500": 6.0, "62 700": 5.0}), s),
                            september, 3.0, 1.0)  # fmt: skip
    relieved = s.reader_refusal_threshold - s.reader_period_relief
    assert period_threshold(found, september, date(2016, 12, 1), s) == relieved
    week = DateRange(date(2016, 9, 1), date(2016, 9, 7), "la première semaine de septembre")
    r = retrieval(in_month, later)
    found = candidates("q", r, Finder({"63 500": 6.0, "62 700": 5.0}), s)
    assert in_period_first(found, week, 3.0, 1.0)[0].span_text == "62 700"


def test_a_toll_asked_about_a_period_takes_the_latest_count_then(tmp_path: Path) -> None:
    """News revises a toll (84 dead, then 86): the period's latest article counts."""
    s = make_settings(tmp_path, reader_retrieval_weight=0.0, reader_refusal_threshold=1.0)
    first = make_passage("L'attaque a fait 84 morts.", "nice-1", published_at=date(2016, 7, 15))
    revised = make_passage("Le bilan monte à 86 morts.", "nice-2", published_at=date(2016, 7, 20))
    r = retrieval(first, revised)
    found = candidates("q", r, Finder({"84 morts": 6.0, "86 morts": 4.0}), s)
    july = DateRange(date(2016, 7, 1), date(2016, 7, 31), "le mois dernier")
    assert in_period_first(found, july, 3.0, 1.0)[0].span_text == "84 morts"
    assert in_period_first(found, july, 3.0, 1.0, latest=True)[0].span_text == "86 morts"
    assert in_period_first(found, july, 1.0, 1.0, latest=True)[0].span_text == "84 morts"


def first_span(question: str, text: str, reader: Finder, tmp_path: Path, **slack: float) -> str:
    """The span answered over one passage of `text`, the refusal threshold out of the way."""
    s = make_settings(tmp_path, reader_refusal_threshold=0.0, **slack)
    return candidates(question, retrieval(make_passage(text, score=0.85)), reader, s)[0].span_text


@pytest.mark.parametrize(
    ("setting", "text", "best", "wanted", "questions", "other_question"),
    [("reader_country_slack",
      "Les missiles Tomahawk ont frappé la base aérienne de Chayrat, en Syrie.",
      "base aérienne de Chayrat", "Syrie",
      ("Which country did the US hit with Tomahawk missiles?",
       "Quel pays les États-Unis ont-ils frappé ?"), "Qu'ont frappé les missiles ?"),
     ("reader_number_slack",
      "La fusillade a fait plusieurs victimes : 12 personnes sont mortes sur le marché.",
      "plusieurs", "12 personnes",
      ("Combien de morts dans la fusillade ?", "How many people died in the shooting?"),
      "Qu'a fait la fusillade ?")],
)  # fmt: skip
def test_the_kind_of_answer_asked_wins_close_behind_the_best_span(
    setting: str,
    text: str,
    best: str,
    wanted: str,
    questions: tuple[str, ...],
    other_question: str,
    tmp_path: Path,
) -> None:
    """A country for "quel pays", a figure for "combien", within the slack of the best span."""
    reader = Finder({best: 6.0, wanted: 3.0})
    for question in questions:
        assert first_span(question, text, reader, tmp_path, **{setting: 4.0}) == wanted
        # Further behind than the slack: the best span.
        assert first_span(question, text, reader, tmp_path, **{setting: 2.0}) == best
    assert first_span(other_question, text, reader, tmp_path) == best


def test_a_country_answer_is_no_country_the_question_names_and_no_list(tmp_path: Path) -> None:
    text = "Les missiles Tomahawk ont frappé la base aérienne de Chayrat, en Syrie."
    reader = Finder({"base aérienne de Chayrat": 6.0, "Syrie": 3.0})
    assert first_span("Which country singer sang there?", text, reader, tmp_path) != "Syrie"
    assert first_span("Quel pays a frappé la base syrienne ?", text, reader, tmp_path) != "Syrie"
    # A best span that names a country, by another name or by its capital, stays; a span
    # naming several countries is no answer to "which country".
    for said, named, other in (
        ("Washington a ordonné la frappe en Syrie.", "Washington", "Syrie"),
        ("The USA will host the summit after China.", "USA", "China"),
    ):
        assert first_span("Quel pays ?", said, Finder({named: 6.0, other: 3.0}), tmp_path) == named
    listing = "Victoire devant l'Allemagne, l'Espagne et Israël."
    found = Finder({"l'Allemagne, l'Espagne et Israël": 5.0, "Israël": 2.0})
    assert first_span("Quel pays a gagné ?", listing, found, tmp_path) == "Israël"


class TitleFinder(Finder):
    """Finds its answers in the titles it is given."""

    def read(
        self, question: str, passages: Sequence[str], titles: Sequence[str] = ()
    ) -> list[Span | None]:
        found: list[Span | None] = []
        for title in titles or [""] * len(passages):
            head = title_head(title)
            hits = [a for a in self.margins if a in head]
            if not hits:
                found.append(None)
                continue
            start = head.index(hits[0])
            found.append(Span(start, start + len(hits[0]), self.margins[hits[0]], 0.0, True))
        return found


def test_an_answer_found_in_the_title_quotes_the_opening_sentence(tmp_path: Path) -> None:
    text = "Une partie de l'armée a tenté de prendre le pouvoir. Le président a résisté."
    answer = _read_in_title("q", text, "Turquie : tentative de coup d'État", "Turquie", tmp_path)
    assert answer.text == "Turquie [1]" and answer.span == "Turquie"
    assert answer.citations[0].quote == "Une partie de l'armée a tenté de prendre le pouvoir."


def test_a_title_answer_gets_its_bracket_closed(tmp_path: Path) -> None:
    text = "Le jeu vidéo a été vendu à plus de 4 millions d'exemplaires en quelques mois."
    title = "PUBG (PlayerUnknown's BattleGrounds) est le 3e jeu le plus vendu sur Steam"
    read = "PUBG (PlayerUnknown's BattleGrounds"
    answer = _read_in_title("Quel jeu ?", text, title, read, tmp_path)
    assert answer.span == "PUBG (PlayerUnknown's BattleGrounds)"


def test_a_title_answer_skips_the_date_line_that_opens_the_article(tmp_path: Path) -> None:
    # Wikinews opens with "19 décembre 2016. – ": that sentence alone would quote no answer.
    text = (
        "19 décembre 2016. – Un camion a foncé sur un marché de Noël. Douze personnes sont mortes."
    )
    title = "Allemagne : un camion fonce sur la foule du marché de Noël de Berlin"
    answer = _read_in_title("Que s'est-il passé ?", text, title, "un camion fonce", tmp_path)
    assert answer.citations[0].quote == "Un camion a foncé sur un marché de Noël."


class FirstTitleFinder(TitleFinder):
    """Finds its answer in the title of the first passage only."""

    def read(
        self, question: str, passages: Sequence[str], titles: Sequence[str] = ()
    ) -> list[Span | None]:
        found = super().read(question, passages, titles)
        return found[:1] + [None] * (len(found) - 1)


def test_a_title_answer_quotes_the_article_passage_that_names_it(tmp_path: Path) -> None:
    # The answer read in the headline is named only in the article's second passage (as
    # "Portugal", without "le"): that sentence is the quote, not the opening one.
    title = "Concours Eurovision de la chanson 2017 : le Portugal remporte le concours"
    opening = make_passage("Ce samedi se tenait la finale à Kiev. Quarante-deux pays étaient là.",
                           "euro", title=title)  # fmt: skip
    rest = "Le jury a parlé. La soirée a vu la victoire du Portugal avec 758 points."
    later = make_passage(rest, "euro", start=200, chunk_index=1, title=title)
    s = make_settings(tmp_path, reader_refusal_threshold=0.0)
    r = retrieval(opening, later)
    found = candidates("q", r, FirstTitleFinder({"le Portugal": 4.0}), s)
    answer = reader_answer("Qui a remporté l'Eurovision ?", "fr", r, found, s)
    assert answer.span == "le Portugal"
    (citation,) = answer.citations
    assert citation.quote == "La soirée a vu la victoire du Portugal avec 758 points."
    assert citation.start == 200 + rest.index("La soirée")
    # A name is found as whole words only, with "le", "la", "les", "l'" set aside.
    passage = make_passage("Nos voisins parlent des machines aux États-Unis et de l'Italie.")
    assert _named_at(passage, "Laos") == _named_at(passage, "Chine") == -1
    assert _named_at(passage, "les États-Unis") == passage.text.index("États-Unis")
    assert _named_at(passage, "l'Italie") == passage.text.index("l'Italie")


def test_a_headline_span_answers_who_with_the_name_that_opens_it(tmp_path: Path) -> None:
    """A reader that runs on past the name in a headline ("Moon Jae-in élu président") gives
    the name alone to a "qui" question; the quote is the sentence that names him."""
    text = "Le scrutin a eu lieu mardi. Le candidat Moon Jae-in a remporté l'élection."
    title, span = "Corée du Sud : Moon Jae-in élu président", "Moon Jae-in élu président"
    answer = _read_in_title("Qui préside la Corée du Sud ?", text, title, span, tmp_path)
    assert answer.span == "Moon Jae-in"
    assert answer.citations[0].quote == "Le candidat Moon Jae-in a remporté l'élection."
    # Not a person or a place asked for: the span stays as read.
    assert _read_in_title("Que s'est-il passé ?", text, title, span, tmp_path).span == span


def _read_in_title(question: str, text: str, title: str, span: str, tmp_path: Path) -> Answer:
    """The answer when the reader finds `span` in the title of the one passage retrieved."""
    s = make_settings(tmp_path, reader_refusal_threshold=0.0)
    r = retrieval(make_passage(text, "story", title=title))
    return reader_answer(question, "fr", r, candidates("q", r, TitleFinder({span: 4.0}), s), s)


def test_a_headline_subject_is_cut_only_after_a_name_of_several_words() -> None:
    assert headline_subject("Xi Jinping réélu pour un mandat de cinq ans") == "Xi Jinping"
    assert headline_subject("Charles de Gaulle est mort") == "Charles de Gaulle"
    for whole in ("Union européenne", "Banque centrale européenne", "Philippe IV le Bel",
                  "Israël remporte le concours", "Corée du Sud"):  # fmt: skip
        assert headline_subject(whole) == whole
