"""The text helpers every layer shares: folding, offsets back to the original, BM25 tokens,
sentences, citation markers and word overlap."""

from __future__ import annotations

import unicodedata
from itertools import pairwise

import pytest

from index.text import (
    MARKER,
    fold,
    fold_keeping_offsets,
    jaccard,
    original_span,
    sentence_spans,
    strip_markers,
    tokenize,
)


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("L'ÉLYSÉE", "l'elysee"),
        ("Œuvre, cœur et Straße", "oeuvre, coeur et strasse"),
        ("ﬁnancement", "financement"),  # a typographic ligature
        ("Noe\u0308l", "noel"),  # a decomposed accent
    ],
)
def test_fold_makes_accented_and_bare_spellings_match(text: str, folded: str) -> None:
    assert fold(text) == folded


def test_folded_matches_map_back_to_the_original_text() -> None:
    text = "Le président de l’Élysée a parlé."
    folded, origin = fold_keeping_offsets(text)
    assert folded == "le president de l'elysee a parle."
    assert origin is None  # one character for one: the same offsets
    start = folded.index("elysee")
    a, b = original_span(text, origin, start, start + len("elysee"))
    assert text[a:b] == "Élysée"


def test_decomposed_accents_map_back_whole() -> None:
    text = unicodedata.normalize("NFD", "Une réunion à l'Élysée")
    folded, origin = fold_keeping_offsets(text)
    assert folded == "une reunion a l'elysee" and origin is not None
    start = folded.index("elysee")
    a, b = original_span(text, origin, start, start + len("elysee"))
    # The span ends after the last letter's accent, so the quote is the whole word.
    assert text[a:b] == unicodedata.normalize("NFD", "Élysée")
    start = folded.index("reunion")
    a, b = original_span(text, origin, start, start + len("reunion"))
    assert text[a:b] == unicodedata.normalize("NFD", "réunion")


def test_tokens_ignore_accents_case_plurals_and_stop_words() -> None:
    assert tokenize("L'ÉLYSÉE a réagi") == tokenize("l'elysee a reagi")
    assert tokenize("Les pommes de terre sur Mars") == tokenize("pomme terre mars")
    assert tokenize("the of and le la les") == []
    # Question words say what kind of answer is wanted, not what it is about.
    assert tokenize("Combien de morts ?") == tokenize("morts")
    assert tokenize("elections", "en") == tokenize("election", "en")


def test_sentences_keep_abbreviations_and_paragraphs_apart() -> None:
    text = "M. Dupont est arrivé mardi. Il a parlé.\nNouveau paragraphe sans point"
    spans = sentence_spans(text, "fr")
    assert [text[a:b] for a, b in spans] == [
        "M. Dupont est arrivé mardi.",
        "Il a parlé.",
        "Nouveau paragraphe sans point",
    ]
    english = "Mr. Smith arrived at 5 p.m. yesterday. He spoke."
    assert [english[a:b] for a, b in sentence_spans(english, "en")] == [
        "Mr. Smith arrived at 5 p.m. yesterday.",
        "He spoke.",
    ]


def test_a_quotation_mark_belongs_to_the_sentence_it_opens() -> None:
    # Punkt ends "… Philippe. «" and starts the next sentence mid-quote; quotes and answers
    # would show a dangling « and an unpaired ».
    text = (
        "Il quittait le gouvernement d'Édouard Philippe. « C'est la décision la plus "
        "douloureuse » de sa vie. He said: “I quit.” Fin. «\n\nAutre paragraphe."
    )
    assert [text[a:b] for a, b in sentence_spans(text, "fr")] == [
        "Il quittait le gouvernement d'Édouard Philippe.",
        "« C'est la décision la plus douloureuse » de sa vie.",
        "He said: “I quit.”",
        "Fin. «",  # nothing after it in its paragraph to open
        "Autre paragraphe.",
    ]


def test_sentence_offsets_survive_blank_lines_and_indentation() -> None:
    text = "  Premier paragraphe.\n\n\tSecond, après une ligne vide. Et un autre."
    spans = sentence_spans(text, "fr")
    assert [text[a:b].strip() for a, b in spans] == [
        "Premier paragraphe.",
        "Second, après une ligne vide.",
        "Et un autre.",
    ]
    assert all("\n" not in text[a:b] for a, b in spans)
    assert all(end <= start for (_, end), (start, _) in pairwise(spans))


def test_markers_are_found_and_stripped_with_the_blank_before_them() -> None:
    text = "Whitaker le remplace [1]. Fait [2][13], dit-on."
    assert [int(m) for m in MARKER.findall(text)] == [1, 2, 13]
    assert strip_markers(text) == "Whitaker le remplace. Fait, dit-on."
    assert strip_markers("Sans marqueur (1).") == "Sans marqueur (1)."


def test_jaccard_is_shared_over_all_words() -> None:
    assert jaccard(["a", "b"], ["b", "c"]) == pytest.approx(1 / 3)
    assert jaccard(["le", "chat", "dort"], ["le", "chat", "dort"]) == 1.0
    assert jaccard(["a", "a", "b"], ["b"]) == 0.5  # words, not occurrences
    assert jaccard([], ["a"]) == 0.0 and jaccard([], []) == 0.0


def test_control_characters_go_and_line_breaks_stay_breaks() -> None:
    from index.text import without_controls

    assert without_controls("Titre \x1b]0;PWNED\x07 x\x00y") == "Titre ]0;PWNED xy"
    # Word's manual line break and the form feed separate words; C1 bytes are Windows-1252.
    assert without_controls("Paris\x0bLondres\x0cfin") == "Paris\nLondres\nfin"
    assert without_controls("l\x92homme dit \x93oui\x94") == "l’homme dit “oui”"
    kept = "tab\tnl\ncr\r nbsp\xa0 emoji 🙂 zwj\u200d soft\xad rtl\u200f"
    assert without_controls(kept) == kept


def test_bytes_that_were_not_utf8_are_read_as_windows_1252() -> None:
    import os

    from index.text import repaired

    assert repaired(os.fsdecode(b"Qui a gagn\xe9 ? caf\xc3\xa9")) == "Qui a gagné ? café"
    assert repaired("x\ud800y") == "x\ufffdy"
    assert repaired("déjà vu") == "déjà vu"
