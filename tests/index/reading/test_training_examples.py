"""The reader's training examples: with titles, each context reads as `newsqa ask` reads a
passage (its title first) and the answer offsets still land on the annotated answer."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from index.reading import title_head
from index.training.examples import OutsideTrainPart, build, load_paragraphs
from tests.conftest import ROOT

PIAF = ROOT / "data" / "piaf-dev"


def test_titles_go_in_front_and_answers_stay_on_their_words() -> None:
    plain = build(PIAF / "qa.jsonl", PIAF / "corpus.jsonl", seed=13, limit=20)
    titled = build(PIAF / "qa.jsonl", PIAF / "corpus.jsonl", seed=13, limit=20, titles=True)
    titles = {title_head(a.title) for a in load_paragraphs(PIAF / "corpus.jsonl").values()}
    assert len(plain.train) == len(titled.train) > 20
    pairs = zip(plain.train + plain.validation, titled.train + titled.validation, strict=True)
    for bare, read in pairs:
        head = read.context[: len(read.context) - len(bare.context)]
        assert head and head in titles and read.context == head + bare.context
        if bare.answer is None:
            assert read.answer is None
            continue
        assert read.answer is not None
        words = read.context[read.answer[0] : read.answer[1]]
        assert words == bare.context[bare.answer[0] : bare.answer[1]]
        assert words.strip() and not head.endswith(words)


def test_another_seed_trains_on_the_same_articles_and_holds_back_the_same_ones() -> None:
    # A second run for a blend changes its seed; the validation articles must not move, or
    # the blend would have been trained on some of them.
    first = build(PIAF / "qa.jsonl", PIAF / "corpus.jsonl", seed=13, limit=20)
    second = build(PIAF / "qa.jsonl", PIAF / "corpus.jsonl", seed=14, limit=20, split_seed=13)
    moved = build(PIAF / "qa.jsonl", PIAF / "corpus.jsonl", seed=14, limit=20)
    assert second.validation_ids == first.validation_ids != moved.validation_ids


def test_written_questions_are_trained_on_and_never_over_held_back_articles(
    tmp_path: Path,
) -> None:
    written = PIAF / "qa.written.jsonl"
    articles = load_paragraphs(PIAF / "corpus.jsonl")
    rows = [json.loads(line) for line in written.read_text(encoding="utf-8").splitlines()]
    for row in rows:
        (start, end), article = row["answer_spans"][0], articles[row["evidence_ids"][0]]
        assert article.text[start:end] == row["answer"]
        assert tuple(row["evidence_span"]) in article.paragraphs
    plain = build(PIAF / "qa.jsonl", PIAF / "corpus.jsonl", seed=13, split_seed=13)
    more = build(PIAF / "qa.jsonl", PIAF / "corpus.jsonl", seed=13, split_seed=13, written=written)
    assert more.written_questions == len(rows)
    positives = sum(e.answer is not None for e in more.train)
    assert positives == sum(e.answer is not None for e in plain.train) + len(rows)
    assert more.validation == plain.validation

    # A question over a held-back article is refused before anything is trained.
    held_back = next(
        line
        for line in (PIAF / "qa.validation.jsonl").read_text(encoding="utf-8").splitlines()
        if line.strip()
    )
    leaking = tmp_path / "leak.jsonl"
    leaking.write_text(json.dumps(rows[0]) + "\n" + held_back + "\n", encoding="utf-8")
    with pytest.raises(OutsideTrainPart, match=r"outside the train part \(1, e\.g\. "):
        build(PIAF / "qa.jsonl", PIAF / "corpus.jsonl", seed=13, split_seed=13, written=leaking)
