"""The answer reader: a span head on e5-small that finds the answer in a passage, or none."""

from index.reading.spans import Span

__all__ = ["Span"]
