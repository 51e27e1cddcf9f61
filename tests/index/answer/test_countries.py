"""Countries as answers: one country named and nothing more, the places that stand for one,
and the countries a question names itself."""

from __future__ import annotations

import pytest

from index.answer.countries import countries_in, country_of, stands_for_a_country


@pytest.mark.parametrize(
    ("text", "code"),
    [("la Syrie", "SY"), ("Népal", "NP"), ("l'Ukraine", "UA"), ("les États-Unis", "US"),
     ("the United States", "US"), ("USA", "US"), ("The UK", "GB"), ("Britain", "GB"),
     ("Grande-Bretagne", "GB"), ("Turkey", "TR"), ("Birmanie", "MM"),
     # a phrase, a list, a union, France's overseas parts and CLDR's placeholders are none
     ("Maison Blanche", None), ("Allemagne, l'Espagne", None), ("Union européenne", None),
     ("la réunion", None), ("région inconnue", None), ("Antarctique", None),
     ("Turquie par les autorités", None)],
)  # fmt: skip
def test_one_country_named_and_nothing_more(text: str, code: str | None) -> None:
    assert country_of(text) == code


def test_a_capital_or_seat_of_power_stands_for_its_country() -> None:
    for text in ("Washington", "la Maison Blanche", "le Kremlin", "Pékin", "Syrie"):
        assert stands_for_a_country(text), text
    assert not stands_for_a_country("Aéroport international Tribhuvan")


def test_the_countries_a_question_names_by_name_adjective_or_seat() -> None:
    assert countries_in("Quel pays a frappé une base aérienne syrienne ?") == {"SY"}
    assert countries_in("Which country did the US hit with Tomahawk missiles?") == {"US"}
    assert countries_in("Quel pays la Corée du Nord menace-t-elle ?") == {"KP"}
    assert countries_in("Quel pays a gagné l'Eurovision ?") == set()
