"""Which of the reader's matrices int8 quantization can take: one variant per group kept fp32.

    .venv/bin/python bench/quantization_grid.py [--train 600] [--validation 771]
        [--weights FILE] [--work DIR]

Exports the reader once (fp32 ONNX), quantizes it once per variant with ONNX Runtime, leaving
one group of matrices in fp32, and reads PIAF gold paragraphs after their article's title (as
`newsqa ask` reads passages) with each variant. Two figures per variant: how often its span is
the fp32 form's span on `--train` questions of the train part (needs no labels: this is what
chooses), then exact match and F1 on `--validation` questions of the held-back part (reported,
not chosen on). Session 16 chose `index.reading.runtime.KEEP_FP32["int8"]` from this.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from index.offline import go_offline  # noqa: E402

go_offline(allow_downloads=False)

from bench.machine import cpu_line  # noqa: E402
from bench.shared import GoldRow, gold_span, piaf_gold  # noqa: E402
from index.embedding.encoder import cores_available  # noqa: E402
from index.embedding.onnx_int8 import fp32_file, in_child, quantize_int8  # noqa: E402
from index.evaluation.metrics import exact_match, token_f1  # noqa: E402
from index.reading.network import WEIGHTS  # noqa: E402
from index.reading.runtime import KEEP_FP32, MODEL_FILE, Reader, _export  # noqa: E402
from index.settings import Settings  # noqa: E402

LAYER = r"/layer\.\d+/"
# Each variant: the node-name patterns left in fp32 (nothing: every matrix int8); the shipped
# forms are measured with their own patterns.
VARIANTS: dict[str, tuple[str, ...]] = {
    "nothing": (),
    "feed-forward output": KEEP_FP32["int8"],
    "feed-forward input": (LAYER + r"intermediate/dense/MatMul$",),
    "attention output": (LAYER + r"attention/output/dense/MatMul$",),
    "query, key, value": (LAYER + r"attention/self/(query|key|value)/MatMul$",),
    "every matrix": KEEP_FP32["fp32"],
}


def spans(reader: Reader, rows: list[GoldRow]) -> list[str]:
    """Each row's best span, the paragraph read after its title."""
    return [gold_span(reader, row, titled=True) for row in rows]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--train", type=int, default=600)
    parser.add_argument("--validation", type=int, default=771)
    parser.add_argument("--weights", type=Path, default=WEIGHTS)
    parser.add_argument("--work", type=Path, help="keep the exported graphs here")
    args = parser.parse_args()
    print(cpu_line())
    settings = Settings()
    work = args.work or Path(tempfile.mkdtemp(prefix="quantization-grid-"))
    source = work / "export"
    if not (source / MODEL_FILE).is_file():
        source.mkdir(parents=True, exist_ok=True)
        in_child(_export, settings.cache_dir, args.weights, "fp32", source)
        fp32_file(source / MODEL_FILE).rename(source / MODEL_FILE)
    train = piaf_gold("train", args.train)
    validation = piaf_gold("validation", args.validation)
    reference: list[str] = []
    print(f"{'left in fp32':<22} {'same span (train)':>17} {'EM':>6} {'F1':>6} {'time':>6}")
    for name, keep in reversed(VARIANTS.items()):  # "every matrix" first: the reference
        folder = work / name.replace(" ", "-").replace(",", "")
        if not (folder / MODEL_FILE).is_file():
            folder.mkdir(exist_ok=True)
            shutil.copy(source / "tokenizer.json", folder)
            in_child(quantize_int8, source / MODEL_FILE, folder / MODEL_FILE, keep)
        reader = Reader(folder, cores_available(), settings.reader_window_tokens)
        started = time.perf_counter()
        own = spans(reader, train)
        reference = reference or own
        same = sum(a == b for a, b in zip(own, reference, strict=True)) / len(own)
        read = spans(reader, validation)
        em = sum(exact_match(s, r.answers) for s, r in zip(read, validation, strict=True))
        f1 = sum(token_f1(s, r.answers) for s, r in zip(read, validation, strict=True))
        seconds = time.perf_counter() - started
        print(
            f"{name:<22} {same:>17.3f} {em / len(read):>6.3f} {f1 / len(read):>6.3f} "
            f"{seconds:>5.0f}s"
        )
    if not args.work:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
