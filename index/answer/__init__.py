"""From retrieved passages to a short cited answer, or an honest "I don't know"."""

from index.answer.answerer import Answerer, Timed, needs_search
from index.answer.refusal import dont_know

__all__ = ["Answerer", "Timed", "dont_know", "needs_search"]
