"""Questions written over the news corpus, as the reader is trained on them: the answer where
the article writes it, inside a chunk-sized run of whole sentences, and negatives of that size."""

from __future__ import annotations

import json
from itertools import pairwise
from pathlib import Path

from index.training.examples import Article, examples, load_paragraphs
from index.training.news import in_chunks, load_written, news_questions
from tests.conftest import ROOT

CORPUS = ROOT / "data" / "frwikinews" / "corpus.jsonl"
NEWS = ROOT / "data" / "frwikinews"
QUESTIONS = tuple(
    NEWS / name
    for name in (
        "reader-questions.jsonl",
        "reader-questions-2.jsonl",
        "reader-state-questions.jsonl",
    )
)


def words(text: str) -> int:
    return len(text.split())


def test_the_answer_sits_inside_whole_sentences_that_fit_a_chunk(tmp_path: Path) -> None:
    text = (
        "Le maire a ouvert la séance. Il a salué les élus présents. Le budget a été voté à "
        "l'unanimité. Il atteint 12 millions d'euros cette année. La séance a été levée à midi. "
        "Les élus se retrouveront en mars."
    )
    articles = {"a1": Article("Conseil municipal", text, [(0, len(text))])}
    written = tmp_path / "written.jsonl"
    rows = [
        {"article_id": "a1", "question": "Combien atteint le budget ?", "answer": "12 millions"},
        {"article_id": "a1", "question": "Qui ?", "answer": "absent du texte"},
        {"article_id": "nowhere", "question": "Quoi ?", "answer": "le maire"},
    ]
    written.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    (question,) = news_questions(load_written(written), articles, words, seed=1, tokens=20)
    a, b = question.paragraph
    assert text[question.span[0] : question.span[1]] == "12 millions"
    assert a <= question.span[0] < question.span[1] <= b
    # Whole sentences, as many as fit the budget around the answer.
    assert text[a] == text[a].upper() and text[b - 1] == "."
    assert 8 < words(text[a:b]) <= 20


def test_news_articles_are_cut_into_chunk_sized_negatives() -> None:
    articles = load_paragraphs(CORPUS)
    chunked = in_chunks(dict(list(articles.items())[:40]), words, tokens=120)
    for key, article in chunked.items():
        assert article.text == articles[key].text
        runs = article.paragraphs
        assert runs[0][0] <= 5 and all(b <= c for (_, b), (c, _) in pairwise(runs))
        assert all(words(article.text[a:b]) <= 120 for a, b in runs[1:-1] if len(runs) > 2)


def test_the_shipped_news_questions_all_find_their_answer() -> None:
    # Written for the reader over articles that no dev or test question of data/ uses.
    written = [w for path in QUESTIONS for w in load_written(path)]
    articles = in_chunks(load_paragraphs(CORPUS), words)
    questions = news_questions(written, articles, words, seed=13)
    assert len(questions) == len(written) > 2000
    evidence: set[str] = set()
    for path in ROOT.glob("data/*/*.jsonl"):
        if path not in QUESTIONS and "piaf" not in str(path) and path.name != "corpus.jsonl":
            for line in path.read_text(encoding="utf-8").splitlines():
                evidence.update(json.loads(line).get("evidence_ids") or [])
    trained = {q.article for q in questions}
    assert evidence and not evidence & trained
    measured = {w.article_id for w in load_written(NEWS / "reader-validation.jsonl")}
    assert len(measured) > 100 and not measured & trained
    made = examples(questions[:30], articles, lambda q: "train", seed=13, titles=True)["train"]
    positives = [e for e in made if e.answer is not None]
    assert len(positives) == 30 and len(made) > 30  # each with a negative from another article
    for e in positives:
        assert e.answer is not None and e.context[e.answer[0] : e.answer[1]] in e.answers
