"""Offline measurement: QA files in, retrieval and answer metrics, reports out."""

from index.evaluation.dataset import QAItem, corpus_collection, load_qa
from index.evaluation.runner import QuestionResult, run
from index.evaluation.summary import summarize

__all__ = ["QAItem", "QuestionResult", "corpus_collection", "load_qa", "run", "summarize"]
