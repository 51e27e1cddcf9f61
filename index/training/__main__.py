"""`python -m index.training`: train the answer reader (what `make train-reader` runs)."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from index.embedding.e5_bundle import ensure_derived
from index.reading.network import WEIGHTS, trained_from
from index.settings import Settings
from index.training.examples import OutsideTrainPart, write_split
from index.training.reader import NewsFiles, Recipe, train


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m index.training", description=__doc__)
    parser.add_argument("--qa", type=Path, default=Path("data/piaf-dev/qa.jsonl"))
    parser.add_argument("--corpus", type=Path, default=Path("data/piaf-dev/corpus.jsonl"))
    parser.add_argument("--out", type=Path, default=WEIGHTS, help="where the weights go")
    parser.add_argument("--epochs", type=int, default=Recipe.epochs)
    parser.add_argument("--first-trained-layer", type=int, default=Recipe.first_trained_layer)
    parser.add_argument("--seed", type=int, default=Recipe.seed)
    parser.add_argument(
        "--split-seed",
        type=int,
        default=Recipe.split_seed,
        help="draws the PIAF articles held back for validation (keep it to compare runs)",
    )
    parser.add_argument(
        "--titles",
        action=argparse.BooleanOptionalAction,
        default=Recipe.titles,
        help="read each paragraph after its article's title, as `newsqa ask` does",
    )
    parser.add_argument(
        "--window-tokens",
        type=int,
        default=Recipe.window_tokens,
        help="tokens a training window holds, question included",
    )
    parser.add_argument(
        "--synthetic",
        type=int,
        default=Recipe.synthetic,
        help="cloze questions made from the training articles, read in a first epoch",
    )
    parser.add_argument(
        "--same-article-share",
        type=float,
        default=Recipe.same_article_share,
        help="share of questions also given a paragraph of their own article as a negative",
    )
    parser.add_argument(
        "--tail-average",
        type=float,
        default=Recipe.tail_average,
        help="average the weights over this share of the last steps (0: the last weights)",
    )
    parser.add_argument(
        "--news-questions",
        type=Path,
        nargs="+",
        default=[],
        help="files of questions written over the news corpus, trained on beside the PIAF part",
    )
    parser.add_argument(
        "--written-qa",
        type=Path,
        help="more questions in the QA file's layout, written over its train part's paragraphs",
    )
    parser.add_argument(
        "--news-validation", type=Path, help="news questions on other articles, only measured"
    )
    parser.add_argument(
        "--init",
        type=Path,
        help="trained weights to go on from (e.g. the shipped reader) instead of e5's layers",
    )
    parser.add_argument("--learning-rate", type=float, default=Recipe.learning_rate)
    parser.add_argument("--news-corpus", type=Path, default=Path("data/frwikinews/corpus.jsonl"))
    parser.add_argument("--limit", type=int, help="questions per part (a quick run)")
    parser.add_argument(
        "--split-dir", type=Path, help="also write qa.train.jsonl and qa.validation.jsonl here"
    )
    args = parser.parse_args(argv)
    given = (*args.news_questions, args.news_validation, args.written_qa, args.init)
    for path in (args.qa, args.corpus, *(p for p in given if p)):
        if not path.is_file():
            print(f"error: {path} not found (run from the project root)", file=sys.stderr)
            return 2
    logging.basicConfig(level=logging.WARNING)
    if args.init is not None and (first := trained_from(args.init)) != args.first_trained_layer:
        print(
            f"error: {args.init} trained layers {first}-11, not {args.first_trained_layer}-11: "
            f"give --first-trained-layer {first}",
            file=sys.stderr,
        )
        return 2
    if args.split_dir is not None:
        for path in write_split(args.qa, args.split_seed, args.split_dir):
            print(f"wrote {path}")
    model_dir = ensure_derived(Settings().cache_dir)
    recipe = Recipe(
        first_trained_layer=args.first_trained_layer,
        epochs=args.epochs,
        seed=args.seed,
        split_seed=args.split_seed,
        titles=args.titles,
        window_tokens=args.window_tokens,
        synthetic=args.synthetic,
        same_article_share=args.same_article_share,
        tail_average=args.tail_average,
        init=args.init,
        learning_rate=args.learning_rate,
    )
    news = None
    if args.news_questions or args.news_validation:
        news = NewsFiles(args.news_corpus, tuple(args.news_questions), args.news_validation)
    try:
        train(args.qa, args.corpus, model_dir, args.out, recipe, args.limit, news, args.written_qa)
    except OutsideTrainPart as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"weights written to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
