"""From a question to ranked passages: dense and BM25 fused, dates, languages, diversity."""

from index.retrieval.dates import DateRange, find_date_range, period_names
from index.retrieval.hybrid import Filters, HybridRetriever, NameSearch, Retrieval
from index.retrieval.language import detect_language, question_language
from index.retrieval.recency import (
    asks_a_count,
    asks_a_toll,
    asks_current_state,
    before_the_period,
    outcome_after,
    past_of_what_is_to_come,
    years_named,
)

__all__ = [
    "DateRange",
    "Filters",
    "HybridRetriever",
    "NameSearch",
    "Retrieval",
    "asks_a_count",
    "asks_a_toll",
    "asks_current_state",
    "before_the_period",
    "detect_language",
    "find_date_range",
    "outcome_after",
    "past_of_what_is_to_come",
    "period_names",
    "question_language",
    "years_named",
]
