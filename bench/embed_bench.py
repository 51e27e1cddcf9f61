"""Embedding precisions side by side on the same chunks: speed, closeness to fp32, peak RSS.

    .venv/bin/python bench/embed_bench.py [--sample 600] [--batch-sizes 16,32] [--skip-bf16]

Chunks the bundled corpus as `newsqa ingest` does (without embedding), takes an evenly spaced
sample of the chunk texts, then embeds that sample in a fresh process per candidate, so that each
peak RSS is its own:
- fp32: sentence-transformers on torch, the baseline the others are compared to in this run;
- bf16: the same model under torch autocast to bfloat16 (a candidate, not a setting);
- int8: the ONNX Runtime path of `NEWSQA_EMBED_PRECISION=int8`, exported before timing.
Prints chunks/s, the ratio to fp32, cosine to the fp32 vectors (mean and min) and peak RSS.
Retrieval quality per precision comes from `newsqa eval` on piaf-dev (see the README).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CORPUS = ROOT / "data" / "frwikinews" / "corpus.jsonl"


def chunk_texts(corpus: Path, data_dir: Path) -> list[str]:
    """The texts the ingest would embed for `corpus`, in corpus order."""
    from index.engine import NewsIndex
    from index.settings import Settings
    from ingest.pipeline import Ingestor
    from ingest.readers import Failure, read_inputs

    settings = Settings(data_dir=data_dir)
    ingestor = Ingestor(settings, NewsIndex.open(settings))
    texts: list[str] = []
    for unit in read_inputs([str(corpus)], settings):
        for item in unit.items:
            if not isinstance(item, Failure):
                texts.extend(ingestor.chunk(item).texts)
    return texts


def worker(precision: str, texts_file: Path, batch_size: int, out: Path) -> None:
    """One candidate in its own process: load, warm up, embed the sample, report."""
    import contextlib

    from index.embedding import Embedder
    from index.settings import Settings

    texts = json.loads(texts_file.read_text(encoding="utf-8"))
    runtime = "int8" if precision == "int8" else "fp32"
    settings = Settings(embed_precision=runtime, embed_batch_size=batch_size)
    embedder = Embedder.from_settings(settings)
    autocast: contextlib.AbstractContextManager[object] = contextlib.nullcontext()
    if precision == "bf16":  # torch is imported only here: the int8 path runs without it
        import torch

        autocast = torch.autocast("cpu", dtype=torch.bfloat16)
    with autocast:
        embedder.embed_passages(texts[:batch_size])  # warm-up: first-call allocations
        started = time.perf_counter()
        vectors = embedder.embed_passages(texts)
        seconds = time.perf_counter() - started
    np.save(out, vectors.astype(np.float32))
    from bench.machine import peak_rss_mb

    report = {
        "chunks_per_s": len(texts) / seconds,
        "seconds": seconds,
        "peak_rss_mb": peak_rss_mb(),
    }
    print(json.dumps(report))


def run_candidate(
    precision: str, texts_file: Path, batch_size: int, work: Path
) -> tuple[dict[str, float], np.ndarray]:
    out = work / f"{precision}-{batch_size}.npy"
    command = [sys.executable, __file__, "--worker", precision, "--texts", str(texts_file)]
    command += ["--batch-size", str(batch_size), "--vectors", str(out)]
    done = subprocess.run(
        command,
        capture_output=True,
        text=True,
        check=True,
        stdin=subprocess.DEVNULL,
    )
    return json.loads(done.stdout.strip().splitlines()[-1]), np.load(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--sample", type=int, default=600, help="chunks embedded per candidate")
    parser.add_argument("--batch-sizes", default="16,32")
    parser.add_argument("--skip-bf16", action="store_true")
    parser.add_argument("--worker", choices=["fp32", "bf16", "int8"], help=argparse.SUPPRESS)
    parser.add_argument("--texts", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--batch-size", type=int, default=32, help=argparse.SUPPRESS)
    parser.add_argument("--vectors", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()

    from index.offline import go_offline

    go_offline(allow_downloads=False)
    if args.worker:
        worker(args.worker, args.texts, args.batch_size, args.vectors)
        return

    from bench.machine import cpu_line
    from index.embedding.encoder import load_encoder
    from index.settings import Settings

    work = Path(tempfile.mkdtemp(prefix="newsqa-embed-bench-"))
    # The int8 export is a one-time cost, paid here and not inside the timed run.
    load_encoder(Settings(embed_precision="int8"))
    texts = chunk_texts(args.corpus, work / "data")
    step = max(1, len(texts) // args.sample)
    sample = texts[::step][: args.sample]
    texts_file = work / "texts.json"
    texts_file.write_text(json.dumps(sample, ensure_ascii=False), encoding="utf-8")
    print(cpu_line())
    print(f"{len(sample)} of {len(texts)} chunks (every {step}th), pid-separate runs\n")

    sizes = [int(b) for b in args.batch_sizes.split(",")]
    rows: list[tuple[str, int, dict[str, float], np.ndarray]] = []
    for precision in ["fp32", "bf16", "int8"]:
        if precision == "bf16" and args.skip_bf16:
            continue
        for batch_size in sizes:
            figures, vectors = run_candidate(precision, texts_file, batch_size, work)
            rows.append((precision, batch_size, figures, vectors))
            print(f"  {precision} batch {batch_size}: {figures['chunks_per_s']:.2f} chunks/s")

    base = next(r for r in rows if r[0] == "fp32" and r[1] == max(sizes))
    base_rate = base[2]["chunks_per_s"]
    print(f"\nbaseline: fp32 batch {base[1]}, {base_rate:.2f} chunks/s (same run)\n")
    print("| precision | batch | chunks/s | × fp32 | cosine to fp32 mean / min | peak RSS MB |")
    print("|---|---|---|---|---|---|")
    for precision, batch_size, figures, vectors in rows:
        cosine = (vectors * base[3]).sum(axis=1)
        print(
            f"| {precision} | {batch_size} | {figures['chunks_per_s']:.2f} | "
            f"{figures['chunks_per_s'] / base_rate:.2f} | "
            f"{cosine.mean():.4f} / {cosine.min():.4f} | {figures['peak_rss_mb']:.0f} |"
        )


if __name__ == "__main__":
    main()
