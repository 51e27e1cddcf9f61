"""Fine-tune the reader's upper layers and span head on cached lower-layer outputs.

Seeded; prints what it measures on the validation articles (gold paragraph given): exact match
and F1 of the best span, and how often the reader says "no answer" to a paragraph without one.
"""

from __future__ import annotations

import logging
import math
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from index.embedding.vocabulary import shared_tokenizer
from index.evaluation.metrics import exact_match, token_f1
from index.reading.network import load_base, load_upper, make_upper, save_upper
from index.reading.spans import best_span
from index.reading.windows import MAX_TOKENS, Specials
from index.training import synthetic
from index.training.examples import (
    SAME_ARTICLE_SHARE,
    Example,
    Split,
    build,
    examples,
    load_paragraphs,
)
from index.training.features import Feature, cache_lower, featurize
from index.training.news import in_chunks, load_written, news_questions

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Recipe:
    first_trained_layer: int = 4
    epochs: int = 2
    batch_size: int = 16
    learning_rate: float = 1.5e-4
    head_learning_rate: float = 1e-3
    warmup_share: float = 0.1
    weight_decay: float = 0.01
    seed: int = 13
    # The PIAF articles held back for validation: another `seed` must not move them, or a
    # second run would train on the first one's validation articles (and a blend on both).
    split_seed: int = 13
    titles: bool = True  # contexts start with their article's title, as `ask` reads them
    window_tokens: int = MAX_TOKENS  # tokens a training window holds (question included)
    synthetic: int = 0  # cloze questions read in a first epoch, before the annotated ones
    same_article_share: float = SAME_ARTICLE_SHARE  # questions also given a same-article negative
    tail_average: float = 0.0  # share of the last steps whose weights are averaged (0: none)
    # Trained weights to go on from (a shipped reader taught one more thing) instead of e5's.
    init: Path | None = None


@dataclass(frozen=True)
class NewsFiles:
    """Questions written over the news corpus (`index.training.news`): `train` (one file or
    several, read in turn) is trained on, `validation` (other articles) only measured."""

    corpus: Path
    train: tuple[Path, ...] = ()
    validation: Path | None = None


def train(
    qa_file: Path,
    corpus_file: Path,
    model_dir: Path,
    out: Path,
    recipe: Recipe,
    limit: int | None = None,
    news: NewsFiles | None = None,
    written: Path | None = None,
) -> dict[str, Any]:
    import torch

    random.seed(recipe.seed)
    np.random.seed(recipe.seed)
    torch.manual_seed(recipe.seed)
    started = time.perf_counter()
    split = build(
        qa_file,
        corpus_file,
        recipe.seed,
        limit,
        same_article_share=recipe.same_article_share,
        titles=recipe.titles,
        split_seed=recipe.split_seed,
        written=written,
    )
    tokenizer = shared_tokenizer(model_dir / "tokenizer.json")
    pad = Specials.of(tokenizer).pad
    base = load_base(model_dir)
    news_train, news_validation = _news(news, tokenizer, recipe)
    trained = split.train + news_train
    train_features = featurize(tokenizer, trained, recipe.window_tokens)
    validation_features = featurize(tokenizer, split.validation, recipe.window_tokens)
    news_features = featurize(tokenizer, news_validation, recipe.window_tokens)
    cloze = _cloze(corpus_file, split, recipe)
    cloze_features = featurize(tokenizer, cloze, recipe.window_tokens)
    if cloze:
        print(f"cloze questions: {len(cloze)} ({len(cloze_features)} windows)")
    print(
        f"examples: train {len(trained)} ({len(news_train)} of them from news questions, "
        f"{split.written_questions} questions written over PIAF paragraphs; "
        f"{split.train_articles} PIAF articles, {len(train_features)} windows), "
        f"validation {len(split.validation)} ({split.validation_articles} articles, "
        f"{len(validation_features)} windows), news validation {len(news_validation)}"
    )
    upper = make_upper(base, recipe.first_trained_layer)
    if recipe.init is not None:
        load_upper(upper, recipe.init)
        print(f"starting from {recipe.init}")
    # The layers being trained are not run while caching: only those below them.
    del base.encoder.layer[recipe.first_trained_layer :]
    every = train_features + validation_features + cloze_features + news_features
    cache_lower(base, every, recipe.first_trained_layer, pad)
    print(f"lower layers cached in {time.perf_counter() - started:.0f} s")
    del base
    if cloze_features:
        _fit(upper, cloze_features, recipe, epochs=1)
        print(
            "after the cloze epoch: "
            + _line(evaluate(upper, split.validation, validation_features))
        )
    average = _fit(upper, train_features, recipe, recipe.epochs)
    if average is not None:
        last = evaluate(upper, split.validation, validation_features)
        print("validation with the last weights, not averaged: " + _line(last))
        upper.load_state_dict(average)
    figures = evaluate(upper, split.validation, validation_features)
    if news_validation:
        news_figures = evaluate(upper, news_validation, news_features)
        print(
            "news validation (unseen articles, the chunk around the answer): " + _line(news_figures)
        )
        figures["news_validation"] = news_figures
    figures.update(
        train_examples=len(trained),
        news_train_examples=len(news_train),
        written_questions=split.written_questions,
        validation_examples=len(split.validation),
        validation_articles=split.validation_articles,
        seconds=round(time.perf_counter() - started),
        seed=recipe.seed,
        split_seed=recipe.split_seed,
        epochs=recipe.epochs,
        first_trained_layer=recipe.first_trained_layer,
        titles=recipe.titles,
        window_tokens=recipe.window_tokens,
        synthetic=len(cloze),
        same_article_share=recipe.same_article_share,
        tail_average=recipe.tail_average,
        learning_rate=recipe.learning_rate,
        init=recipe.init.name if recipe.init else None,
    )
    save_upper(upper, recipe.first_trained_layer, out, figures)
    print("validation (unseen articles, gold paragraph): " + _line(figures))
    return figures


def _news(
    files: NewsFiles | None, tokenizer: Any, recipe: Recipe
) -> tuple[list[Example], list[Example]]:
    """Training and validation examples from questions written over the news corpus."""
    if files is None:
        return [], []

    def count(text: str) -> int:
        return len(tokenizer.encode(text, add_special_tokens=False).ids)

    articles = in_chunks(load_paragraphs(files.corpus), count)
    found: list[list[Example]] = []
    validation = (files.validation,) if files.validation else ()
    for paths in (files.train, validation):
        written = [w for path in paths for w in load_written(path)]
        questions = news_questions(written, articles, count, recipe.seed)
        parts = examples(
            questions,
            articles,
            lambda q: "all",
            recipe.seed,
            same_article_share=recipe.same_article_share,
            titles=recipe.titles,
        )
        found.append(parts.get("all", []))
    return found[0], found[1]


def _cloze(corpus_file: Path, split: Split, recipe: Recipe) -> list[Example]:
    """Cloze questions over every article but the validation ones (none when not asked)."""
    if recipe.synthetic <= 0:
        return []
    articles = load_paragraphs(corpus_file)
    keep = [key for key in articles if key not in split.validation_ids]
    return synthetic.make(articles, keep, recipe.synthetic, recipe.seed, recipe.titles)


def _fit(upper: Any, features: list[Feature], recipe: Recipe, epochs: int) -> dict[str, Any] | None:
    """Train `upper` in place; with `recipe.tail_average`, also return the mean of its weights
    over that share of the last steps (the mean smooths the noise of the final updates)."""
    import torch

    head = list(upper.head.parameters())
    body = [p for n, p in upper.named_parameters() if not n.startswith("head.")]
    optimizer = torch.optim.AdamW(
        [
            {"params": body, "lr": recipe.learning_rate},
            {"params": head, "lr": recipe.head_learning_rate},
        ],
        weight_decay=recipe.weight_decay,
    )
    rng = random.Random(recipe.seed)
    steps = epochs * math.ceil(len(features) / recipe.batch_size)
    warmup = max(1, int(steps * recipe.warmup_share))

    def schedule(step: int) -> float:
        if step < warmup:
            return (step + 1) / warmup
        return max(0.0, (steps - step) / max(1, steps - warmup))

    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, schedule)
    average_from = (
        steps - max(1, int(steps * recipe.tail_average)) if recipe.tail_average > 0 else None
    )
    average: dict[str, Any] | None = None
    averaged = 0
    upper.train()
    step = 0
    for epoch in range(epochs):
        total, seen, began = 0.0, 0, time.perf_counter()
        for batch in _batches(features, recipe.batch_size, rng):
            hidden, mask, allowed = _tensors(batch)
            logits = upper(hidden, mask)
            logits = logits.masked_fill(~allowed[:, :, None], -1e4)
            starts = torch.tensor([f.start for f in batch])
            ends = torch.tensor([f.end for f in batch])
            loss = (
                torch.nn.functional.cross_entropy(logits[:, :, 0], starts)
                + torch.nn.functional.cross_entropy(logits[:, :, 1], ends)
            ) / 2
            loss.backward()  # type: ignore[no-untyped-call]
            torch.nn.utils.clip_grad_norm_(upper.parameters(), 1.0)
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad()
            total += float(loss.detach()) * len(batch)
            seen += len(batch)
            step += 1
            if average_from is not None and step > average_from:
                averaged += 1
                with torch.no_grad():
                    if average is None:
                        average = {k: v.detach().clone() for k, v in upper.state_dict().items()}
                    else:
                        for k, v in upper.state_dict().items():
                            average[k] += (v.detach() - average[k]) / averaged
            if step % 50 == 0:
                print(
                    f"  epoch {epoch + 1} step {step}/{steps} loss {total / seen:.3f}", flush=True
                )
        print(
            f"epoch {epoch + 1}: loss {total / max(seen, 1):.3f} "
            f"({time.perf_counter() - began:.0f} s)",
            flush=True,
        )
    upper.eval()
    return average


def _batches(features: list[Feature], size: int, rng: random.Random) -> list[list[Feature]]:
    """Batches of similar length (less padding), in random order."""
    order = list(range(len(features)))
    rng.shuffle(order)
    pool = size * 50
    batches = []
    for at in range(0, len(order), pool):
        chunk = sorted(order[at : at + pool], key=lambda i: len(features[i].window.ids))
        batches += [[features[i] for i in chunk[k : k + size]] for k in range(0, len(chunk), size)]
    rng.shuffle(batches)
    return batches


def _tensors(batch: Sequence[Feature]) -> tuple[Any, Any, Any]:
    import torch

    width = max(len(f.window.ids) for f in batch)
    dims = batch[0].hidden.shape[1] if batch[0].hidden is not None else 0
    hidden = np.zeros((len(batch), width, dims), dtype=np.float32)
    mask = np.zeros((len(batch), width), dtype=np.int64)
    allowed = np.zeros((len(batch), width), dtype=bool)
    for row, f in enumerate(batch):
        assert f.hidden is not None
        n = len(f.window.ids)
        hidden[row, :n] = f.hidden
        mask[row, :n] = 1
        allowed[row, 0] = True  # "no answer"
        first = f.window.context_start
        allowed[row, first : first + len(f.window.offsets)] = True
    return torch.from_numpy(hidden), torch.from_numpy(mask), torch.from_numpy(allowed)


def evaluate(
    upper: Any, examples: Sequence[Example], features: Sequence[Feature]
) -> dict[str, Any]:
    """EM / F1 of the best span on paragraphs with the answer; "no answer" rate on the others."""
    import torch

    by_example: dict[int, list[Feature]] = {}
    for f in features:
        by_example.setdefault(f.example, []).append(f)
    em, f1, null_right, null_seen, answered = [], [], 0, 0, 0
    with torch.inference_mode():
        for index, own in by_example.items():
            example = examples[index]
            hidden, mask, _ = _tensors(own)
            logits = upper(hidden, mask).numpy()
            span = best_span(
                example.context, [f.window for f in own], logits[:, :, 0], logits[:, :, 1]
            )
            if example.answer is None:
                null_seen += 1
                null_right += span is None or span.margin < 0
                continue
            text = example.context[span.start : span.end] if span else ""
            answered += span is not None and span.margin >= 0
            em.append(exact_match(text, example.answers))
            f1.append(token_f1(text, example.answers))
    return {
        "exact_match": round(float(np.mean(em)), 3) if em else 0.0,
        "f1": round(float(np.mean(f1)), 3) if f1 else 0.0,
        "answered_with_answer": round(answered / max(len(em), 1), 3),
        "no_answer_without_answer": round(null_right / max(null_seen, 1), 3),
    }


def _line(figures: dict[str, Any]) -> str:
    keys = ("exact_match", "f1", "answered_with_answer", "no_answer_without_answer")
    return ", ".join(f"{k} {figures[k]}" for k in keys)
