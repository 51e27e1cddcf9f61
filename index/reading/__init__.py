"""The answer reader: a span head on e5-small that finds the answer in a passage, or none."""

from index.reading.spans import Span, tidy, title_head

__all__ = ["Span", "tidy", "title_head"]
