"""Ingest: read, skip what the index already holds, chunk, embed and write.

Each article's chunks are replaced as a whole and carry the article's content hash and chunk
count, so an interrupted run leaves at worst an incomplete article that the next run detects
and rewrites: no duplicates, no missing chunks.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

import numpy as np

from index.embedding import Embedder
from index.engine import NewsIndex
from index.records import Article, Chunk, StoredArticle
from index.retrieval import detect_language
from index.settings import Settings
from index.storage import ArticleWrite, ChunkStore, write_lock
from index.text import load_sentence_splitter, repaired
from ingest.chunking import ChunkBudget, chunk_text
from ingest.identity import content_hash, text_hash
from ingest.progress import Progress
from ingest.readers import Failure, Source, read_inputs
from ingest.records import tidy

log = logging.getLogger(__name__)
TITLE_TOKENS = 48  # title context given to the embedder is capped at this many tokens
CHUNKER_VERSION = "1"
# Chunks embedded, then written, together: enough to batch them by token count with little
# padding (bundled corpus, int8: 1.5 % padding tokens in groups of 1,024, 4.6 % in groups of
# 256, 0.6 % for the whole corpus sorted at once), while an interrupted run loses at most one
# group of work.
GROUP_CHUNKS = 1024
SLICE_BATCHES = 4  # the runtime's batches per embedding call, i.e. per progress step
# Articles read before the store is asked which of them it holds (one read for them all, by
# chunk id: an ingest never reads what the archive holds beyond the articles it was given).
LOOKUP_ARTICLES = 500


Verdict = Literal["added", "updated", "unchanged", "duplicate"]


@dataclass
class IngestReport:
    files_read: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicate: int = 0
    pruned: int = 0
    chunks_written: int = 0
    seconds: float = 0.0
    write_seconds: float = 0.0  # embedding and writing, after the model was ready
    failures: list[Failure] = field(default_factory=list)
    unwritten: dict[str, str] = field(default_factory=dict)  # id -> origin of a refused write

    def count(self, verdict: Verdict, by: int = 1) -> None:
        """One more (or, for a write that failed, one less) article under this verdict."""
        setattr(self, verdict, getattr(self, verdict) + by)

    @property
    def failed(self) -> int:
        return len(self.failures)

    @property
    def ingested(self) -> int:
        return self.added + self.updated + self.unchanged + self.duplicate

    @property
    def chunks_per_second(self) -> float | None:
        """The embedding pace (model preparation and reading left out); None if nothing was
        embedded."""
        if not self.chunks_written or not self.write_seconds:
            return None
        return self.chunks_written / self.write_seconds


@dataclass(frozen=True)
class _Planned:
    verdict: Verdict  # "added" or "updated": undone if the write fails
    article: Article
    signature: str
    text_hash: str
    chunked: Chunked
    also: tuple[Article, ...] = ()  # same text under other ids, seen in this run

    @property
    def chunks(self) -> list[Chunk]:
        return self.chunked.chunks


@dataclass(frozen=True)
class Chunked:
    """An article's chunks, the texts the embedder reads for them (title first), and those
    texts' token counts, known from chunking: the write does not tokenize them again."""

    chunks: list[Chunk]
    texts: list[str]
    tokens: list[int]


@dataclass
class _Run:
    """What one ingest knows of the index and has decided so far."""

    stored: dict[str, StoredArticle]  # the inputs' articles the store holds (all: with prune)
    report: IngestReport = field(default_factory=IngestReport)
    plans: list[_Planned] = field(default_factory=list)
    seen: dict[str, str] = field(default_factory=dict)  # article ids read -> text hash
    failed_files: set[str] = field(default_factory=set)
    owner_of_text: dict[str, str] = field(default_factory=dict)  # text hash -> article id
    owners: dict[str, StoredArticle] = field(default_factory=dict)  # stored owners of texts
    looked_up: set[str] = field(default_factory=set)  # article ids and text hashes asked

    def __post_init__(self) -> None:
        self.owner_of_text |= {s.text_hash: s.id for s in self.stored.values()}


def _verdict(article: Article, signature: str, digest: str, run: _Run) -> Verdict:
    """What this article is to the index: new, changed, the same, or a copy of another."""
    if article.id in run.seen:
        return "duplicate"  # the same id twice in one run: the first one counts
    known = run.stored.get(article.id)
    if known is not None:
        return "unchanged" if known.content_hash == signature and known.complete else "updated"
    owner = run.owner_of_text.get(digest)
    return "duplicate" if owner is not None and owner != article.id else "added"


class Ingestor:
    """Brings the index in line with a set of inputs."""

    def __init__(self, settings: Settings, index: NewsIndex) -> None:
        self.settings = settings
        self.index = index

    @property
    def store(self) -> ChunkStore:
        # The index may reopen its store (after another process wrote): always write to the
        # one it reads from.
        return self.index.store

    @property
    def embedder(self) -> Embedder:
        return self.index.embedder  # loads the model when something needs it (or ahead: below)

    def run(
        self,
        inputs: Sequence[str],
        source: str = "",
        prune: bool = False,
        progress: Progress | None = None,
    ) -> IngestReport:
        with write_lock(self.settings):
            units = read_inputs(inputs, self.settings, source)
            return self._run(units, prune, progress or Progress.for_terminal())

    def ingest(self, units: Iterable[Source], progress: Progress | None = None) -> IngestReport:
        """Ingest what was read already (the watcher reads only what changed)."""
        with write_lock(self.settings):
            return self._run(units, False, progress or Progress())

    def _run(self, units: Iterable[Source], prune: bool, progress: Progress) -> IngestReport:
        started = time.perf_counter()
        # Pruning needs every stored article; otherwise only the inputs' are read.
        run = _Run(self.store.stored_articles() if prune else {})
        waiting: list[Article] = []
        for unit in units:
            run.report.files_read += 1
            for item in unit.items:
                if isinstance(item, Failure):
                    run.report.failures.append(Failure(repaired(item.origin), item.reason))
                    # Whatever this input held may be what failed: prune spares all of it.
                    run.failed_files.add(repaired(unit.origin))
                    continue
                article = tidy(item)
                too_big = self._oversized(article)
                if too_big:
                    # Named by its file, like what cannot be read: a watcher waits until it changes.
                    run.report.failures.append(Failure(article.origin, too_big))
                    run.failed_files.add(repaired(unit.origin))
                    continue
                if not article.lang:
                    article = replace(article, lang=detect_language(article.text))
                waiting.append(article)
                if len(waiting) >= LOOKUP_ARTICLES:
                    self._take_all(waiting, run, prune)
                    waiting = []
        self._take_all(waiting, run, prune)
        if run.plans:
            writing = time.perf_counter()
            self._write(run.plans, run.report, progress)
            run.report.write_seconds = time.perf_counter() - writing
        if prune:
            run.report.pruned = self._prune(run.stored, set(run.seen), run.failed_files)
        run.report.seconds = time.perf_counter() - started
        return run.report

    def _oversized(self, article: Article) -> str:
        """Why an article is too long to store ('' when it is not): a 12 MB "article" (a dump,
        a book) would become some 13,000 passages and minutes of embedding."""
        cap = self.settings.max_article_mb
        size_mb = len(article.text.encode("utf-8", "replace")) / 1024 / 1024
        if size_mb <= cap:
            return ""
        return (
            f"article {article.id!r}: its text is {size_mb:.3g} MB, over the {cap:g} MB cap for"
            " one article: split it, or raise NEWSQA_MAX_ARTICLE_MB"
        )

    def _take_all(self, articles: list[Article], run: _Run, everything_known: bool) -> None:
        if articles and self.store.still_loading():
            # The look-up waits for Chroma to load a large vector index (seconds at a million
            # passages, on one core): load what chunking and embedding need meanwhile, on the
            # other core (for nothing when every article is unchanged: 0.8 s and 0.5 GB).
            self.embedder  # noqa: B018 -- the property loads the model
            load_sentence_splitter()
        if not everything_known:
            self._look_up(articles, run)
        for article in articles:
            self._take(article, run)

    def _look_up(self, articles: list[Article], run: _Run) -> None:
        """Read what the store holds of these articles, and which stored articles carry their
        texts, in one read each."""
        ids = list(dict.fromkeys(a.id for a in articles if a.id not in run.looked_up))
        digests = [text_hash(a.text) for a in articles]
        texts = list(dict.fromkeys(d for d in digests if d not in run.looked_up))
        run.looked_up.update(ids, texts)
        found = self.store.articles(ids)
        run.stored |= found
        for digest, owner in self.store.text_owners(texts).items():
            run.owners.setdefault(owner.id, owner)
            run.owner_of_text.setdefault(digest, owner.id)
        for known in found.values():  # earlier batches' articles are there already
            run.owner_of_text.setdefault(known.text_hash, known.id)

    def _take(self, article: Article, run: _Run) -> None:
        """Count the article under its verdict, and plan its writing if it is new or changed."""
        signature, digest = self._signature(article), text_hash(article.text)
        if run.seen.get(article.id, digest) != digest:
            run.report.failures.append(
                Failure(
                    article.origin,
                    f"id {article.id!r} came earlier in this run with another text: "
                    "the first one is kept (give each article its own id)",
                )
            )
            return
        verdict = _verdict(article, signature, digest, run)
        run.report.count(verdict)
        if verdict == "duplicate" and article.id not in run.seen:
            owner = run.owner_of_text[digest]
            known = run.stored.get(owner) or run.owners.get(owner)
            if article.id not in (known.also_ids if known else ()):
                self._note_duplicate(owner, article, run.plans)
        elif verdict in ("added", "updated"):
            run.plans.append(self._plan(verdict, article, signature, digest))
            run.owner_of_text[digest] = article.id
        run.seen[article.id] = digest

    def _note_duplicate(self, owner: str, article: Article, plans: list[_Planned]) -> None:
        for i, plan in enumerate(plans):  # the owner may still be waiting to be written
            if plan.article.id == owner:
                plans[i] = replace(plan, also=(*plan.also, article))
                return
        self.store.record_duplicate(owner, article)

    def _signature(self, article: Article) -> str:
        s = self.settings
        return content_hash(article) + (
            f"|{self.index.model_name}|{s.chunk_tokens}|{s.chunk_overlap_tokens}|{CHUNKER_VERSION}"
        )

    def _plan(self, verdict: Verdict, article: Article, signature: str, digest: str) -> _Planned:
        return _Planned(verdict, article, signature, digest, self.chunk(article))

    def chunk(self, article: Article) -> Chunked:
        """The article's chunks, with the texts the embedder reads for them (title first)."""
        title = self._title_context(article.title)
        title_tokens = self.embedder.count_tokens(title) if title else 0
        separator = 1 if title else 0
        room = self.embedder.max_tokens - 3 - self.embedder.prompt_tokens - title_tokens - separator
        budget = ChunkBudget(
            min(self.settings.chunk_tokens, room), self.settings.chunk_overlap_tokens
        )
        counted: dict[str, int] = {}

        def count(texts: list[str]) -> list[int]:
            sizes = self._count(texts)
            counted.update(zip(texts, sizes, strict=True))
            return sizes

        chunks = chunk_text(article.text, article.lang, article.id, count, budget)
        count([c.text for c in chunks if c.text not in counted])  # those cut between words
        texts = [f"{title}\n{c.text}" if title else c.text for c in chunks]
        # The tokenizer splits at blanks first, so "title\nchunk" holds exactly the tokens of
        # both (checked on 706 title and paragraph pairs of the bundled corpus).
        return Chunked(chunks, texts, [title_tokens + counted[c.text] for c in chunks])

    def _title_context(self, title: str) -> str:
        words = title.split()
        while words and self.embedder.count_tokens(" ".join(words)) > TITLE_TOKENS:
            words = words[: len(words) * 3 // 4]
        return " ".join(words)

    def _count(self, texts: list[str]) -> list[int]:
        return self.embedder.token_counts(texts)

    def _write(self, plans: list[_Planned], report: IngestReport, progress: Progress) -> None:
        progress.start(sum(len(p.chunks) for p in plans), "embedding")
        group: list[_Planned] = []
        size = 0
        for plan in plans:
            group.append(plan)
            size += len(plan.chunks)
            if size >= GROUP_CHUNKS:
                self._write_group(group, report, progress)
                group, size = [], 0
        if group:
            self._write_group(group, report, progress)
        progress.finish()

    def _write_group(self, group: list[_Planned], report: IngestReport, progress: Progress) -> None:
        texts = [t for plan in group for t in plan.chunked.texts]
        tokens = [n for plan in group for n in plan.chunked.tokens]
        vectors = self._embed_by_length(texts, tokens, progress)
        writes, offset = [], 0
        for plan in group:
            n = len(plan.chunks)
            vectors_of_plan = vectors[offset : offset + n]
            writes.append(
                ArticleWrite(
                    plan.article,
                    plan.chunks,
                    vectors_of_plan,
                    plan.signature,
                    plan.text_hash,
                    plan.also,
                )
            )
            offset += n
        result = self.store.replace(writes)
        report.chunks_written += result.chunks
        plans = {plan.article.id: plan for plan in group}
        for article, reason in result.failed:
            plan = plans[article.id]
            report.count(plan.verdict, -1)
            kept = " (its stored version is kept)" if plan.verdict == "updated" else ""
            report.failures.append(Failure(f"{article.origin} (id {article.id})", reason + kept))
            report.unwritten[article.id] = article.origin
            for copy in plan.also:  # recorded only on the article that was refused
                report.count("duplicate", -1)
                report.failures.append(
                    Failure(f"{copy.origin} (id {copy.id})", f"same text as {article.id}: {reason}")
                )
                report.unwritten[copy.id] = copy.origin

    def _embed_by_length(
        self, texts: list[str], tokens: list[int], progress: Progress
    ) -> np.ndarray:
        """Embed in batches of similar length, longest first, so little of a batch is padding."""
        # Token counts, not characters: chunks are capped in tokens, so most sit near the cap
        # whatever their length in characters.
        plan = self.embedder.passage_batches(tokens)
        vectors = np.zeros((len(texts), self.embedder.dimension), dtype=np.float32)
        # Calls of whole batches as the runtime cuts them (int8 caps a batch in tokens): a call
        # cut by row count would end on a short batch every time.
        for start in range(0, len(plan), SLICE_BATCHES):
            rows = [i for batch in plan[start : start + SLICE_BATCHES] for i in batch]
            vectors[rows] = self.embedder.embed_passages([texts[i] for i in rows])
            progress.advance(len(rows))
        return vectors

    def _prune(
        self, stored: dict[str, StoredArticle], present: set[str], failed_files: set[str]
    ) -> int:
        """Delete articles absent from the inputs, except those from inputs that failed (a file,
        or anything under a folder that could not be listed)."""
        pruned = 0
        for article_id, known in stored.items():
            if article_id in present or present.intersection(known.also_ids):
                continue
            if any(_within(known.origin, failed) for failed in failed_files):
                continue
            self.store.delete_article(article_id)
            pruned += 1
        return pruned


def _within(origin: str, failed: str) -> bool:
    return origin == failed or origin.startswith(failed.rstrip(os.sep) + os.sep)
