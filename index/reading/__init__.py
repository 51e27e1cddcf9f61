"""The answer reader: a span head on e5-small that finds the answer in a passage, or none."""

from index.reading.spans import Span, title_head

__all__ = ["Span", "title_head"]
