"""Dates in answers are written the reader's way, in the answer's language."""

from __future__ import annotations

from datetime import date

from index.written_dates import human_date


def test_dates_read_naturally_in_french_and_english() -> None:
    assert human_date(date(2016, 10, 7), "fr") == "7 octobre 2016"
    assert human_date(date(2017, 2, 1), "fr") == "1er février 2017"
    assert human_date(date(2016, 10, 7), "en") == "October 7, 2016"
    assert human_date(date(2018, 8, 15), "de") == "August 15, 2018"  # English otherwise
