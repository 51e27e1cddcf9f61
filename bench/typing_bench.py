"""Questions as users type them: without accents, in lower case, in capitals, with a phone's
apostrophe; answered right with the question re-spelt and without (`NEWSQA_RESPELL_QUESTIONS`),
in the same run.

    .venv/bin/python bench/typing_bench.py [--data-dir DIR] [--questions 0]

Ingests the bundled corpus into DIR if needed (the collection `newsqa eval --corpus` uses) and
asks each answerable question of data/frwikinews/qa.jsonl and data/temporal/{tune,
validation}.jsonl (on its `as_of` date), French then English, as written and in each typing,
with both settings (French questions are re-spelt; English ones only put out of capitals). A
question is right when its answer holds a gold answer (`contains_answer`). Also prints what a
whole question takes (retrieval and answer) in each setting: a re-spelt question is searched
twice.
"""

from __future__ import annotations

import argparse
import sys
import time
import unicodedata
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from index.offline import go_offline  # noqa: E402

go_offline(allow_downloads=False)

from bench.machine import cpu_line  # noqa: E402
from bench.shared import CORPUS, QA, corpus_answerer, percentiles  # noqa: E402
from index.answer import Answerer  # noqa: E402
from index.embedding import Embedder  # noqa: E402
from index.evaluation import load_qa  # noqa: E402
from index.evaluation.metrics import contains_answer  # noqa: E402
from index.retrieval import question_language  # noqa: E402
from index.settings import Settings  # noqa: E402

TEMPORAL = ROOT / "data" / "temporal"


def without_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize(
        "NFC", "".join(c for c in decomposed if not unicodedata.combining(c))
    )


TYPINGS: dict[str, Callable[[str], str]] = {
    "as written": lambda q: q,
    "lower case": lambda q: q.lower(),
    "no accents": without_accents,
    "lower, no accents": lambda q: without_accents(q.lower()),
    "capitals": lambda q: q.upper(),
    "phone apostrophe": lambda q: q.replace("'", "\u2019"),
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", type=Path, default=ROOT / ".newsqa")
    parser.add_argument("--questions", type=int, default=0, help="the first N only (0: all)")
    args = parser.parse_args()
    print(cpu_line())
    settings = Settings(data_dir=args.data_dir)
    respelling = corpus_answerer(settings, CORPUS, Embedder.from_settings(settings))
    as_typed = Answerer(
        settings.model_copy(update={"respell_questions": False}),
        respelling.index,
        reader=respelling.reader,
    )
    files = [QA, TEMPORAL / "tune.jsonl", TEMPORAL / "validation.jsonl"]
    answerable = [i for f in files for i in load_qa(f)[0] if not i.unanswerable]
    for answerer in (respelling, as_typed):  # warm: the reader built and loaded
        answerer.answer(answerable[0].question)
    times: dict[str, list[float]] = {"re-spelt": [], "as typed": []}
    for language in ("fr", "en"):
        items = [i for i in answerable if question_language(i.question) == language]
        items = items[: args.questions or None]
        print(f"\n{len(items)} answerable questions in {language}, each in {len(TYPINGS)} typings")
        print(f"{'typing':18} {'re-spelt':>9} {'as typed':>9}   (answered right)")
        for typing, change in TYPINGS.items():
            right = {"re-spelt": 0.0, "as typed": 0.0}
            for item in items:
                for name, answerer in (("re-spelt", respelling), ("as typed", as_typed)):
                    began = time.perf_counter()
                    answer = answerer.answer_timed(change(item.question), as_of=item.as_of).answer
                    times[name].append((time.perf_counter() - began) * 1000)
                    right[name] += contains_answer(answer.text, item.answers)
            print(f"{typing:18} {right['re-spelt']:>9.0f} {right['as typed']:>9.0f}", flush=True)
    for name, values in times.items():
        print(f"whole question, {name:9} {percentiles(values)}")


if __name__ == "__main__":
    main()
