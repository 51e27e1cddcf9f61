"""The answerer: retrieve, then answer with numbered citations, or say "I don't know"."""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from index.answer.citations import resolve_citations
from index.answer.followups import recent_turns, standalone_question
from index.answer.kinds import answer_kind, offers
from index.answer.refusal import dont_know
from index.records import Answer, Citation, Passage, Turn
from index.retrieval import Filters, Retrieval, question_language
from index.settings import Settings
from index.text import jaccard, sentence_spans, tokenize

if TYPE_CHECKING:
    from index.answer.llm import LLMBackend
    from index.engine import NewsIndex

log = logging.getLogger(__name__)

# Weights of the sentence score: meaning, shared words with the question (and with the
# sentence before), an answer of the wanted kind, passage rank.
LEXICAL_WEIGHT = 0.3
CONTEXT_WEIGHT = 0.5
TYPE_WEIGHT = 0.1
RANK_WEIGHT = 0.05
# Further sentences join the best one only when nearly as good.
KEEP_WITHIN = 0.04
MIN_WORDS = 4
MAX_EMBEDDED = 24


@dataclass(frozen=True)
class Sentence:
    passage_rank: int
    passage: Passage
    start: int  # offsets in the passage text
    end: int
    score: float = 0.0

    @property
    def text(self) -> str:
        return self.passage.text[self.start : self.end]


@dataclass(frozen=True)
class Timed:
    answer: Answer
    retrieval: Retrieval
    retrieval_ms: float
    answer_ms: float


class Answerer:
    """Turns a question (and the conversation so far) into a cited answer."""

    def __init__(
        self, settings: Settings, index: NewsIndex, backend: LLMBackend | None = None
    ) -> None:
        self.settings = settings
        self.index = index
        self.backend = backend

    @classmethod
    def from_settings(cls, settings: Settings, index: NewsIndex) -> Answerer:
        from index.answer.llm import LLMBackend

        return cls(settings, index, LLMBackend.from_settings(settings))

    def answer(
        self,
        question: str,
        history: Sequence[Turn] = (),
        as_of: date | None = None,
        sources: Sequence[str] = (),
    ) -> Answer:
        return self.answer_timed(question, history, as_of, sources).answer

    def answer_timed(
        self,
        question: str,
        history: Sequence[Turn] = (),
        as_of: date | None = None,
        sources: Sequence[str] = (),
    ) -> Timed:
        """The answer, the retrieval behind it, and how long each half took."""
        started = time.perf_counter()
        language = question_language(question)
        history = recent_turns(history, self.settings.history_turns)
        standalone = self._standalone(question, history)
        retrieval = self.index.retrieve(
            standalone, self.settings.answer_k, Filters(as_of, tuple(sources))
        )
        retrieved = time.perf_counter()
        answer = self._answer(standalone, language, retrieval, focus=question)
        done = time.perf_counter()
        return Timed(answer, retrieval, (retrieved - started) * 1000, (done - retrieved) * 1000)

    def _standalone(self, question: str, history: Sequence[Turn]) -> str:
        if not history:
            return question
        if self.backend is not None:
            rewritten = self.backend.condense(history, question)
            if rewritten:
                return rewritten
        return standalone_question(question, history)

    def _answer(
        self, question: str, language: str, retrieval: Retrieval, focus: str = ""
    ) -> Answer:
        passages = retrieval.passages
        sentences = self._score_sentences(question, retrieval, focus or question)
        best = sentences[0].score if sentences else 0.0
        if not sentences or best < self.settings.refusal_threshold:
            log.info(
                "refused: best evidence %.3f below %.3f", best, self.settings.refusal_threshold
            )
            return Answer(
                dont_know(language),
                language,
                refused=True,
                question=question,
                closest=tuple(passages),
                evidence=best,
            )
        if self.backend is not None:
            text = self.backend.answer(question, language, passages)
            if text is not None:
                body, citations = resolve_citations(text, passages)
                if citations:
                    return Answer(
                        body, language, citations, question=question, backend=self.backend.name
                    )
                log.info("the model cited nothing: counted as a refusal")
                return Answer(
                    body or dont_know(language),
                    language,
                    refused=True,
                    question=question,
                    backend=self.backend.name,
                    closest=tuple(passages),
                    evidence=best,
                )
            log.warning(
                "the %s backend failed: falling back to the extractive answer", self.backend.name
            )
        return extractive_answer(question, language, sentences, self.settings.answer_max_sentences)

    def _score_sentences(self, question: str, retrieval: Retrieval, focus: str) -> list[Sentence]:
        """Every sentence of the retrieved passages, best first.

        `focus` is what the user typed: for a follow-up, its own words and question word say
        what is asked, while the rewritten `question` carries the context."""
        candidates = [
            Sentence(rank, p, a, b)
            for rank, p in enumerate(retrieval.passages)
            for a, b in sentence_spans(p.text, p.lang or "fr")
            if len(p.text[a:b].split()) >= MIN_WORDS
        ]
        if not candidates:
            return []
        wanted = set(tokenize(focus, retrieval.language)) or set(
            tokenize(question, retrieval.language)
        )
        kind = answer_kind(focus) or answer_kind(question)
        words = [set(tokenize(c.text, c.passage.lang or "fr")) for c in candidates]
        # A question word found in every retrieved sentence (the story's name) tells them apart
        # less than one found in few ("remplace"): weigh each by its rarity among them.
        rarity = {
            w: math.log(1 + len(words) / (1 + sum(w in found for found in words))) for w in wanted
        }
        total = sum(rarity.values()) or 1.0
        overlaps = [sum(rarity[w] for w in wanted & found) / total for found in words]
        cheap = []
        for i, c in enumerate(candidates):
            # The sentence before often names what this one answers with a pronoun.
            follows = i > 0 and candidates[i - 1].passage is c.passage
            context = overlaps[i - 1] if follows else 0.0
            cheap.append(
                LEXICAL_WEIGHT * (overlaps[i] + CONTEXT_WEIGHT * context)
                + TYPE_WEIGHT * offers(c.text, kind, focus)
                + RANK_WEIGHT / (1 + c.passage_rank)
            )
        # Embedding dominates answer time: only the most promising sentences are embedded.
        keep = sorted(range(len(candidates)), key=lambda i: -cheap[i])[:MAX_EMBEDDED]
        embedder = self.index.embedder
        vectors = embedder.embed_passages([candidates[i].text for i in keep])
        meaning = vectors @ embedder.embed_query(question)
        scored = [
            Sentence(c.passage_rank, c.passage, c.start, c.end, float(cosine) + cheap[i])
            for i, cosine in zip(keep, meaning, strict=True)
            for c in (candidates[i],)
        ]
        return sorted(scored, key=lambda s: -s.score)


def extractive_answer(
    question: str, language: str, ranked: Sequence[Sentence], max_sentences: int
) -> Answer:
    """The best sentence, plus the next ones nearly as good, in reading order, each cited."""
    best = ranked[0]
    chosen = [best]
    for sentence in ranked[1:]:
        if len(chosen) == max_sentences or sentence.score < best.score - KEEP_WITHIN:
            break
        if not any(_repeats(sentence, kept) for kept in chosen):
            chosen.append(sentence)
    chosen.sort(key=lambda s: (s.passage_rank, s.start))
    parts, citations = [], []
    for n, s in enumerate(chosen, 1):
        quote = s.text.strip()
        offset = s.passage.start + s.start + (len(s.text) - len(s.text.lstrip()))
        citations.append(Citation(n, s.passage, quote, offset, offset + len(quote)))
        parts.append(f"{quote} [{n}]")
    return Answer(
        " ".join(parts), language, tuple(citations), question=question, evidence=best.score
    )


def _repeats(a: Sentence, b: Sentence) -> bool:
    """The same sentence seen through two overlapping chunks or two outlets."""
    if a.passage.article_id == b.passage.article_id:
        first, second = a.passage.start + a.start, b.passage.start + b.start
        if abs(first - second) < 5:
            return True
    return jaccard(a.text.lower().split(), b.text.lower().split()) >= 0.8
