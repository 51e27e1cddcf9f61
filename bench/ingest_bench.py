"""Ingest benchmark on the bundled corpus: pipeline speed against the bare model, in one run.

Prints:
- first ingest: chunks/s of `newsqa ingest` (a fresh index, the model loaded in-process);
- baseline: the bare model's chunks/s on the same chunk texts and batch size
  (`SentenceTransformer.encode` for `NEWSQA_EMBED_PRECISION=fp32`, the ONNX session for int8);
- their ratio (target >= 0.9), the unchanged re-ingest time as a share of the first
  (target <= 5 %), and the first ingest's peak RSS (target <= 1.5 GB).
The model's one-time preparation (int8 export and quantization, in processes of their own) runs
before the first ingest, so neither its time nor its memory is counted as the ingest's.

Run: `make bench` or
`.venv/bin/python bench/ingest_bench.py [--corpus FILE] [--limit N] [--batch-size N]`.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CORPUS = ROOT / "data" / "frwikinews" / "corpus.jsonl"

from bench.machine import cpu_line  # noqa: E402


def _run_ingest(corpus: Path, env: dict[str, str]) -> tuple[dict[str, str], float, float]:
    """Run `newsqa ingest` as a user would; its summary table, wall seconds and peak RSS (MB)."""
    newsqa = Path(sys.executable).parent / "newsqa"
    started = time.perf_counter()
    with tempfile.TemporaryFile("w+") as out:
        proc = subprocess.Popen(
            [str(newsqa), "ingest", str(corpus)],
            stdout=out,
            stderr=subprocess.DEVNULL,
            env=env,
            stdin=subprocess.DEVNULL,
            text=True,
        )
        # wait4 gives this process's own peak RSS, not the largest of every child so far.
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - started
        if proc.returncode:
            raise SystemExit(f"newsqa ingest exited with {proc.returncode}")
        out.seek(0)
        stdout = out.read()
    table = {}
    for line in stdout.splitlines():
        name, _, value = line.rpartition("  ")
        if name.strip():
            table[name.strip()] = value.strip()
    return table, wall, usage.ru_maxrss / 1024


def _prepare_model(env: dict[str, str]) -> None:
    """Build the runtime form of the model into the cache if it is not there yet."""
    prepare = (
        "from index.offline import go_offline; go_offline(allow_downloads=False); "
        "from index.embedding import load_encoder; from index.settings import Settings; "
        "load_encoder(Settings())"
    )
    subprocess.run([sys.executable, "-c", prepare], env=env, check=True, stdin=subprocess.DEVNULL)


def _baseline(data_dir: Path, batch_size: int) -> tuple[int, float]:
    """Encode the chunk texts the ingest embedded with the bare model, same batch size.

    The bare model is the runtime of the configured precision: `SentenceTransformer.encode`
    for fp32, the ONNX Runtime session for int8.
    """
    from index.offline import go_offline

    go_offline(allow_downloads=False)
    from index.embedding import load_encoder
    from index.settings import Settings
    from index.storage import open_client

    settings = Settings(data_dir=data_dir)
    collection = open_client(settings).get_collection(settings.collection)
    stored = collection.get(include=["documents", "metadatas"])
    # The pipeline embeds "title\nchunk"; rebuild exactly that (the title is capped, see
    # ingest.pipeline.TITLE_TOKENS, which the corpus titles stay under).
    texts = [
        f"{meta['title']}\n{doc}"
        for doc, meta in zip(stored["documents"] or [], stored["metadatas"] or [], strict=True)
    ]
    encoder = load_encoder(settings)
    started = time.perf_counter()
    encoder.encode([" ".join(t.split()) for t in texts], "passage", batch_size)
    return len(texts), time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--limit", type=int, default=0, help="first N articles only")
    parser.add_argument(
        "--batch-size", type=int, default=0, help="embedding batch size (default: the setting)"
    )
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="newsqa-bench-"))
    corpus = args.corpus
    if args.limit:
        corpus = work / "corpus.jsonl"
        lines = args.corpus.read_text(encoding="utf-8").splitlines()[: args.limit]
        corpus.write_text("\n".join(lines) + "\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSQA_")}
    env |= {"NEWSQA_DATA_DIR": str(work / "data")}
    for kept in ("NEWSQA_CACHE_DIR", "NEWSQA_EMBED_PRECISION"):
        if kept in os.environ:
            env[kept] = os.environ[kept]
    from index.settings import Settings

    batch_size = args.batch_size or Settings().embed_batch_size
    env["NEWSQA_EMBED_BATCH_SIZE"] = str(batch_size)  # the ingest and the baseline use the same

    print(cpu_line(), flush=True)
    _prepare_model(env)
    first, first_wall, peak_rss_mb = _run_ingest(corpus, env)
    second, second_wall, _ = _run_ingest(corpus, env)
    n_texts, base_seconds = _baseline(work / "data", batch_size)

    ingest_rate = float(first["chunks per second"])
    base_rate = n_texts / base_seconds
    results = {
        "articles": int(first["articles added"]),
        "chunks": int(first["chunks written"]),
        "precision": Settings().embed_precision,
        "batch_size": batch_size,
        "ingest_seconds": float(first["seconds"]),
        "ingest_wall_seconds": round(first_wall, 1),
        "ingest_chunks_per_s": ingest_rate,
        "encode_chunks_per_s": round(base_rate, 2),
        "ratio": round(ingest_rate / base_rate, 3),
        "reingest_seconds": float(second["seconds"]),
        "reingest_wall_seconds": round(second_wall, 1),
        "reingest_share": round(second_wall / first_wall, 4),
        "peak_rss_mb": round(peak_rss_mb),
    }
    print(json.dumps(results, indent=2))
    print(
        f"\ningest {ingest_rate:.1f} chunks/s vs bare encode {base_rate:.1f} chunks/s: "
        f"ratio {results['ratio']:.2f} (target >= 0.9)"
    )
    print(
        f"unchanged re-ingest {second_wall:.1f} s wall ({float(second['seconds']):.1f} s in "
        f"the pipeline) = {100 * results['reingest_share']:.1f} % of the first "
        f"{first_wall:.0f} s (target <= 5 %)"
    )
    print(f"peak RSS of the first ingest: {peak_rss_mb:.0f} MB (target <= 1536 MB)")


if __name__ == "__main__":
    main()
