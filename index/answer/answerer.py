"""The answerer: retrieve, then answer with numbered citations, or say "I don't know"."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING

from index.answer.citations import resolve_citations
from index.answer.extractive import extractive_answer, rank_sentences
from index.answer.followups import recent_turns, standalone_question
from index.answer.kinds import wants_explanation
from index.answer.live import asks_the_moment, moment_reply
from index.answer.reading import (
    Candidate,
    SpanReader,
    candidates,
    in_period_first,
    is_short,
    latest_first,
    period_threshold,
    read_spans,
    reader_answer,
)
from index.answer.refusal import dont_know, no_news_then
from index.answer.respelling import respell
from index.answer.roles import Role, asked_role, latest_holder
from index.answer.smalltalk import FULLER, is_bare_question, is_small_talk, small_talk_reply
from index.answer.timeless import timeless
from index.records import Answer, Passage, Turn
from index.retrieval import (
    Filters,
    NameSearch,
    Retrieval,
    asks_a_count,
    asks_a_toll,
    asks_current_state,
    before_the_period,
    outcome_after,
    past_of_what_is_to_come,
    question_language,
    years_named,
)
from index.settings import Settings
from index.text import load_sentence_splitter, plain_apostrophes, repaired

if TYPE_CHECKING:
    from index.answer.llm import LLMBackend
    from index.engine import NewsIndex

log = logging.getLogger(__name__)
NAMING = 10  # passages read that hold the office's names, besides the wider search
LATEST_BREADTH = 2  # times the passages first found: searched for a state question's latest


@dataclass(frozen=True)
class Timed:
    answer: Answer
    retrieval: Retrieval
    retrieval_ms: float
    answer_ms: float


class Answerer:
    """Turns a question (and the conversation so far) into a cited answer."""

    def __init__(
        self,
        settings: Settings,
        index: NewsIndex,
        backend: LLMBackend | None = None,
        reader: SpanReader | None = None,
    ) -> None:
        self.settings = settings
        self.index = index
        self.backend = backend
        self._reader = reader
        self._reader_lock = threading.Lock()

    @property
    def reader(self) -> SpanReader:
        """The span reader, built into the cache on first use (about a minute, once)."""
        with self._reader_lock:
            if self._reader is None:
                from index.embedding.encoder import cores_available
                from index.reading.runtime import Reader, ensure_reader

                folder = ensure_reader(
                    self.settings.cache_dir, precision=self.settings.reader_precision
                )
                self._reader = Reader(folder, cores_available(), self.settings.reader_window_tokens)
            return self._reader

    def prepare(self) -> None:
        """Load what answering needs (models, sentence splitter) now rather than at the first
        question."""
        self.index.embedder  # noqa: B018 -- the property loads the model
        if self.settings.answer_backend == "reader":
            self.reader  # noqa: B018 -- built into the cache the first time
        load_sentence_splitter()

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
        default_language: str = "fr",
    ) -> Answer:
        return self.answer_timed(question, history, as_of, sources, default_language).answer

    def answer_timed(
        self,
        question: str,
        history: Sequence[Turn] = (),
        as_of: date | None = None,
        sources: Sequence[str] = (),
        default_language: str = "fr",
    ) -> Timed:
        """The answer, the retrieval behind it, and how long each half took. The answer is in
        the question's language; `default_language` when that is unclear ("Hello", "ok": a
        front end that knows its user's language says it)."""
        started = time.perf_counter()
        question = plain_apostrophes(repaired(question))
        language = question_language(question, default_language)
        reply = _without_search(question, language)
        if reply is not None:
            done = (time.perf_counter() - started) * 1000
            return Timed(reply, Retrieval(question, language, []), 0.0, done)
        history = recent_turns(history, self.settings.history_turns)
        standalone = self._standalone(question, history)
        if is_bare_question(standalone, language):
            # Nothing to search, even with the conversation ("Qui ?" again after the reply).
            reply = Answer(
                FULLER[language], language, refused=True, question=question, backend="none"
            )
            return Timed(reply, Retrieval(question, language, []), 0.0, 0.0)
        filters = Filters(as_of, tuple(sources))
        retrieval = self.index.retrieve(standalone, self.settings.answer_k, filters)
        if self.settings.respell_questions:
            # Only passages in the question's language: "President" in an English one is
            # no spelling of "président".
            texts = [f"{p.title}\n{p.text}" for p in retrieval.passages if p.lang == language]
            respelt = respell(standalone, texts, language)
            if respelt != standalone:
                # Typed without accents or capitals: search again, and read, with the words
                # spelt as the archive spells them.
                same = question == standalone  # else a follow-up, rewritten with the last one
                question = respelt if same else respell(question, texts, language)
                standalone = respelt
                retrieval = self.index.retrieve(standalone, self.settings.answer_k, filters)
        retrieved = time.perf_counter()
        answer = self._answer(standalone, language, retrieval, focus=question)
        done = time.perf_counter()
        return Timed(answer, retrieval, (retrieved - started) * 1000, (done - retrieved) * 1000)

    def answer_retrieved(self, question: str, retrieval: Retrieval) -> Answer:
        """The answer over passages already retrieved for `question` (a bench replays its
        settings over one retrieval)."""
        return self._answer(question, retrieval.language, retrieval, focus=question)

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
        period, today = retrieval.date_range, self._today(retrieval.filters)
        asked = focus or question
        newest = self._newest(today) if period is not None or years_named(asked) else None
        if before_the_period(newest, period, asked, today) or (
            period is None and outcome_after(newest, asked)
        ):
            # Where the archive ends, when that is before the question's "today" (the bundled
            # sample asked without --as-of: "en novembre" was read as this November).
            ends = newest if newest is not None and newest < today else None
            return self._no_news_then(question, language, retrieval, ends)
        if past_of_what_is_to_come(asked):
            return self._no_news_then(question, language, retrieval, None)
        if self.backend is None and self.settings.answer_backend == "reader":
            return self._read(question, language, retrieval, focus or question)
        return self._sentences(question, language, retrieval, focus)

    def _no_news_then(
        self, question: str, language: str, retrieval: Retrieval, ends: date | None
    ) -> Answer:
        return Answer(
            no_news_then(language, ends),
            language,
            refused=True,
            question=question,
            closest=tuple(retrieval.passages),
        )

    def _today(self, filters: Filters) -> date:
        """The question's reference date."""
        return filters.as_of or self.settings.as_of or date.today()

    def _newest(self, today: date) -> date | None:
        """The newest day the archive has news of, as it stood on `today` (None: no article
        is dated)."""
        newest = self.index.lexical.latest_published()
        if newest < 0:
            return None
        return min(datetime.fromtimestamp(newest, UTC).date(), today)

    def _read(self, question: str, language: str, retrieval: Retrieval, focus: str) -> Answer:
        """The reader decides whether the archive answers; facts get its span, while why,
        how and summaries get the sentence the span sits in."""
        s = self.settings
        period, today = retrieval.date_range, self._today(retrieval.filters)
        # The reader reads the question without the words of time retrieval has used.
        read = timeless(question, period, today, language)
        found = candidates(read, retrieval, self.reader, s)
        state = period is None and asks_current_state(focus)
        holder = self._holder(question, retrieval, focus) if state or period else None
        threshold = s.reader_refusal_threshold
        if holder is not None and found:
            # The holder decides the span; whether the archive answers at all is decided as
            # for any question, by the best span of the passages read.
            threshold = period_threshold(found, period, today, s)
            found = [replace(holder, score=max(holder.score, found[0].score)), *found]
        elif state:
            if latest := self._latest_passages(retrieval):
                more = read_spans(read, latest, self.reader, s, s.reader_passages)
                found = sorted([*found, *more], key=lambda c: -c.score)
            slack = s.reader_state_slack
            if asks_a_count(focus):
                # A count news revises ("combien de morts jusqu'ici ?"): the latest article's
                # figure may stand as far behind as a span read in a short period asked.
                slack += s.reader_period_relief
            found = latest_first(found, slack, s.reader_refusal_threshold)
        elif period is not None:
            reach, floor = s.reader_state_slack, s.reader_refusal_threshold
            if is_short(period, today):
                # A day, a week or a month is the news asked about: a span read there may
                # stand further behind surer ones from other days, and needs less evidence
                # (period_threshold).
                reach += s.reader_period_relief
                floor -= s.reader_period_relief
            found = in_period_first(
                found, period, s.reader_state_slack, floor, asks_a_toll(focus), reach
            )
            threshold = period_threshold(found, period, today, s)
        answer = reader_answer(
            question,
            language,
            retrieval,
            found,
            self.settings,
            as_sentence=wants_explanation(focus),
            threshold=threshold,
        )
        if answer.refused:
            log.debug("refused: best span %.2f below %.2f", answer.evidence, threshold)
        return answer

    def _latest_passages(self, retrieval: Retrieval) -> list[Passage]:
        """For how things stand: the best passage of each of the `reader_state_latest` latest
        articles among a search twice as wide, not already read, which the top passages may
        leave out (the protest's day 29 behind its day 22, ranked lower for saying less of the
        question's words)."""
        wanted = self.settings.reader_state_latest
        if wanted == 0 or not any(p.published_at for p in retrieval.passages):
            return []  # an undated archive has no latest article
        breadth = LATEST_BREADTH * self.settings.answer_k
        wider = self.index.retrieve(
            retrieval.question, breadth, retrieval.filters, retrieval.vector
        )
        read = {p.article_id for p in retrieval.passages[: self.settings.reader_passages]}
        dated = [p for p in wider.passages if p.published_at and p.article_id not in read]
        dated.sort(key=lambda p: (p.published_at or date.min, p.score), reverse=True)
        latest: dict[str, Passage] = {}
        for p in dated:  # each article's best passage in the wider search
            if len(latest) == wanted:
                break
            latest.setdefault(p.article_id, p)
        return list(latest.values())

    def _holder(self, question: str, retrieval: Retrieval, focus: str) -> Candidate | None:
        """For "who is the …" on a date or in a period: the holder the latest article names."""
        s = self.settings
        period = retrieval.date_range
        role = asked_role(focus, period.text if period else "")
        if role is None or s.reader_role_breadth == 0:
            return None
        if not any(p.published_at for p in retrieval.passages):
            return None  # an undated archive (an encyclopedia) cannot say who holds it when
        today = self._today(retrieval.filters)
        if period is not None and (period.end is None or period.end >= today):
            period = None  # "aujourd'hui", "cette année": who holds it now
        wider = self.index.retrieve(
            retrieval.question, s.reader_role_breadth, retrieval.filters, retrieval.vector
        )
        passages = wider.passages
        if s.reader_role_recent_days and wider.vector is not None:
            # Passages of the last days that hold the office's names, whatever they are about:
            # "le ministre de la Justice" in last week's story on a law.
            since = period.start if period else today - timedelta(days=s.reader_role_recent_days)
            until = period.end if period and period.end else today
            kept = {p.chunk_id for p in passages}
            for names, lang in _names_by_language(role, retrieval.language):
                search = NameSearch(names, lang, (since, until), NAMING)
                found = self.index.naming(search, wider.filters, wider.vector)
                passages = passages + [p for p in found if p.chunk_id not in kept]
                kept |= {p.chunk_id for p in found}
        return latest_holder(
            question,
            role,
            passages,
            period,
            self.reader,
            s.reader_retrieval_weight,
        )

    def _sentences(
        self, question: str, language: str, retrieval: Retrieval, focus: str = ""
    ) -> Answer:
        passages = retrieval.passages
        sentences = rank_sentences(question, retrieval, focus or question, self.index.embedder)
        best = sentences[0].score if sentences else 0.0
        if not sentences or best < self.settings.refusal_threshold:
            log.debug(
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


def needs_search(question: str) -> bool:
    """False for a greeting, the time or the weather: answered without the archive (the CLI
    loads no model ahead for them)."""
    return _without_search(question, "en") is None


def _without_search(question: str, language: str) -> Answer | None:
    """A greeting gets what the bot does; the time or the weather, "I don't know" and why (no
    article holds them); None for a question to search."""
    if is_small_talk(question):
        reply = small_talk_reply(question, language)
        return Answer(reply, language, question=question, backend="none")
    if asks_the_moment(question):
        reply = moment_reply(language)
        return Answer(reply, language, refused=True, question=question, backend="none")
    return None


def _names_by_language(role: Role, language: str) -> list[tuple[str, str]]:
    """The office's names as BM25 queries, each with the language its words are stemmed in:
    the name asked in the question's, the other names (French ones) in French."""
    other = " ".join(office.name for office in role.also if office.name != role.name)
    if not other or language == "fr":
        return [(f"{role.name} {other}".strip(), language)]
    return [(role.name, language), (other, "fr")]
