"""Training examples for the reader, from a QA file with answer spans (PIAF's layout).

Each question gives one positive (the paragraph the annotator read, answer span inside) and
negatives the reader must answer "no answer" to: the paragraph that BM25 ranks highest for the
question in another article, and, for a share of the questions, another paragraph of the same
article that does not hold the answer. The split is by article, so the validation part holds
articles the reader never saw.
"""

from __future__ import annotations

import json
import logging
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from index.reading.spans import title_head
from index.text import tokenize

VALIDATION_SHARE = 0.2
SAME_ARTICLE_SHARE = 0.3  # questions that also get a paragraph of their own article as negative


class OutsideTrainPart(ValueError):
    """Written questions on articles the train part does not hold."""


@dataclass(frozen=True)
class Example:
    question_id: str
    question: str
    context: str
    answer: tuple[int, int] | None  # character span in `context`; None: no answer here
    answers: tuple[str, ...]  # the reference answers, for scoring


@dataclass(frozen=True)
class Question:
    id: str
    text: str
    article: str
    paragraph: tuple[int, int]
    span: tuple[int, int]
    answers: tuple[str, ...]


@dataclass(frozen=True)
class Split:
    train: list[Example]
    validation: list[Example]
    train_articles: int
    validation_articles: int
    validation_ids: frozenset[str]  # the held-back articles, never trained on
    written_questions: int = 0  # of the train part's questions, those written here


def load_questions(qa_file: Path) -> list[Question]:
    found = []
    for line in qa_file.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        if not row.get("answer_spans"):
            continue  # a question whose answer was not found in the text: nothing to learn
        found.append(
            Question(
                row["id"],
                row["question"],
                row["evidence_ids"][0],
                tuple(row["evidence_span"]),
                tuple(row["answer_spans"][0]),
                tuple(row.get("answers") or [row["answer"]]),
            )
        )
    return found


@dataclass(frozen=True)
class Article:
    title: str
    text: str
    paragraphs: list[tuple[int, int]]

    def paragraph(self, span: tuple[int, int], titles: bool) -> str:
        """A paragraph as the reader gets it: its article's title first when `titles`."""
        return (title_head(self.title) if titles else "") + self.text[span[0] : span[1]]


def load_paragraphs(corpus_file: Path) -> dict[str, Article]:
    """Article id -> its title, text and paragraph spans."""
    articles = {}
    for line in corpus_file.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            spans = [tuple(s) for s in row.get("paragraph_spans") or [[0, len(row["text"])]]]
            articles[row["id"]] = Article(row.get("title") or "", row["text"], spans)
    return articles


def split_by_article(
    questions: Sequence[Question], seed: int, share: float = VALIDATION_SHARE
) -> tuple[set[str], set[str]]:
    articles = sorted({q.article for q in questions})
    random.Random(seed).shuffle(articles)
    cut = round(len(articles) * share)
    return set(articles[cut:]), set(articles[:cut])


def build(
    qa_file: Path,
    corpus_file: Path,
    seed: int,
    limit: int | None = None,
    same_article_share: float = SAME_ARTICLE_SHARE,
    titles: bool = False,
    split_seed: int | None = None,
    written: Path | None = None,
) -> Split:
    """Positives and negatives for both parts of the split (`limit` questions per part); the
    split is drawn with `split_seed` (`seed` when None), the rest with `seed`. `written`:
    more questions in the same layout, written here over the train part's paragraphs."""
    questions = load_questions(qa_file)
    train_ids, validation_ids = split_by_article(
        questions, seed if split_seed is None else split_seed
    )
    more = load_questions(written) if written is not None else []
    outside = sorted({q.article for q in more} - train_ids)
    if outside:
        # Trained on, they would leak held-back (or never-split) articles into the reader.
        raise OutsideTrainPart(
            f"{written}: questions on articles outside the train part ({len(outside)}, e.g. "
            f"{outside[0]}); write them over train articles only"
        )
    parts = examples(
        questions + more,
        load_paragraphs(corpus_file),
        lambda q: "train" if q.article in train_ids else "validation",
        seed,
        limit,
        same_article_share,
        titles,
    )
    return Split(
        parts.get("train", []),
        parts.get("validation", []),
        len(train_ids),
        len(validation_ids),
        frozenset(validation_ids),
        len(more),
    )


def examples(
    questions: Sequence[Question],
    articles: dict[str, Article],
    part_of: Callable[[Question], str],
    seed: int,
    limit: int | None = None,
    same_article_share: float = SAME_ARTICLE_SHARE,
    titles: bool = False,
) -> dict[str, list[Example]]:
    """Each question's positive and negatives, in the part `part_of` gives it."""
    negatives = _OtherArticle(articles, titles)
    rng = random.Random(seed)
    parts: dict[str, list[Example]] = {}
    for q in questions:
        part = parts.setdefault(part_of(q), [])
        if limit is not None and sum(e.answer is not None for e in part) >= limit:
            continue
        article = articles[q.article]
        a, b = q.paragraph
        context = article.paragraph(q.paragraph, titles)
        head = len(context) - (b - a)  # the title read in front, when there is one
        answer = (q.span[0] - a + head, q.span[1] - a + head)
        if not (0 <= answer[0] < answer[1] <= len(context)):
            continue
        part.append(Example(q.id, q.text, context, answer, q.answers))
        other = negatives.best(q.text, q.article)
        if other is not None:
            part.append(Example(q.id, q.text, other, None, q.answers))
        if rng.random() < same_article_share:
            same = _same_article_negative(article, q, rng, titles)
            if same is not None:
                part.append(Example(q.id, q.text, same, None, q.answers))
    return parts


def _same_article_negative(
    article: Article, q: Question, rng: random.Random, titles: bool
) -> str | None:
    others = [
        span
        for span in article.paragraphs
        if span != q.paragraph
        and not any(ans.lower() in article.text[span[0] : span[1]].lower() for ans in q.answers)
    ]
    return article.paragraph(rng.choice(others), titles) if others else None


class _OtherArticle:
    """The best BM25 paragraph for a question outside its own article: a hard negative."""

    def __init__(self, articles: dict[str, Article], titles: bool) -> None:
        import bm25s

        # bm25s sets its logger to DEBUG when imported, which would print a line per index.
        logging.getLogger("bm25s").setLevel(logging.WARNING)
        self.rows: list[tuple[str, str]] = []
        words = []
        for key, article in articles.items():
            for a, b in article.paragraphs:
                self.rows.append((key, article.paragraph((a, b), titles)))
                # Ranked on the paragraph's own words: the title is only what the reader sees first.
                words.append(tokenize(article.text[a:b]))
        self.bm25 = bm25s.BM25()
        self.bm25.index(words, show_progress=False)

    def best(self, question: str, article: str) -> str | None:
        terms = tokenize(question)
        if not terms:
            return None
        ranked, _ = self.bm25.retrieve([terms], k=min(10, len(self.rows)), show_progress=False)
        for i in ranked[0]:
            owner, text = self.rows[int(i)]
            if owner != article:
                return text
        return None


def write_split(qa_file: Path, seed: int, out_dir: Path) -> tuple[Path, Path]:
    """The QA file cut in two by the same article split: `qa.train.jsonl` (what the reader
    and its settings were tuned on) and `qa.validation.jsonl` (articles never trained on)."""
    train_ids, _ = split_by_article(load_questions(qa_file), seed)
    lines: dict[str, list[str]] = {"train": [], "validation": []}
    for line in qa_file.read_text(encoding="utf-8").splitlines():
        if line.strip():
            article = json.loads(line)["evidence_ids"][0]
            lines["train" if article in train_ids else "validation"].append(line)
    paths = (out_dir / "qa.train.jsonl", out_dir / "qa.validation.jsonl")
    for path, part in zip(paths, ("train", "validation"), strict=True):
        path.write_text("\n".join(lines[part]) + "\n", encoding="utf-8")
    return paths
