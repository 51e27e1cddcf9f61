"""The extractive answer: the retrieved sentences that best answer the question, each cited.

A sentence's score adds its meaning (e5 cosine to the question) to cheap features: words shared
with the question (weighed by rarity), with the sentence before, an answer of the wanted kind,
and the passage's rank. Only the most promising sentences are embedded.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from index.answer.citations import quote_bounds
from index.answer.kinds import answer_kind, offers
from index.embedding import Embedder
from index.records import Answer, Citation, Passage
from index.retrieval import Retrieval
from index.text import jaccard, sentence_spans, strip_markers, tokenize

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


def rank_sentences(
    question: str, retrieval: Retrieval, focus: str, embedder: Embedder
) -> list[Sentence]:
    """Every sentence of the retrieved passages, best first.

    `focus` is what the user typed: for a follow-up, its own words and question word say
    what is asked, while the rewritten `question` carries the context."""
    candidates = _candidates(retrieval.passages)
    if not candidates:
        return []
    cheap = _cheap_scores(candidates, question, focus, retrieval.language)
    # Embedding dominates answer time: only the most promising sentences are embedded.
    keep = sorted(range(len(candidates)), key=lambda i: -cheap[i])[:MAX_EMBEDDED]
    vectors = embedder.embed_passages([candidates[i].text for i in keep])
    meaning = vectors @ embedder.embed_query(question)
    scored = [
        Sentence(c.passage_rank, c.passage, c.start, c.end, float(cosine) + cheap[i])
        for i, cosine in zip(keep, meaning, strict=True)
        for c in (candidates[i],)
    ]
    return sorted(scored, key=lambda s: -s.score)


def _candidates(passages: Sequence[Passage]) -> list[Sentence]:
    return [
        Sentence(rank, p, a, b)
        for rank, p in enumerate(passages)
        for a, b in sentence_spans(p.text, p.lang or "fr")
        if len(p.text[a:b].split()) >= MIN_WORDS
    ]


def _cheap_scores(
    candidates: Sequence[Sentence], question: str, focus: str, language: str
) -> list[float]:
    """The score of each sentence before its meaning is weighed: words, kind, rank."""
    wanted = set(tokenize(focus, language)) or set(tokenize(question, language))
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
    return cheap


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
    numbers: dict[str, int] = {}  # one source number per article
    for s in chosen:
        n = numbers.setdefault(s.passage.article_id, len(numbers) + 1)
        a, b = quote_bounds(s.passage.text, s.start, s.end)
        quote = s.passage.text[a:b]
        citations.append(Citation(n, s.passage, quote, s.passage.start + a, s.passage.start + b))
        # The article's own footnote marks ("[12]") would read as citations of ours.
        parts.append(f"{strip_markers(quote)} [{n}]")
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
