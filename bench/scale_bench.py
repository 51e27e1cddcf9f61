"""Scale bench: archives of 100k, 300k and 1M passages, today's code beside the code it replaced.

    .venv/bin/python bench/scale_bench.py [--sizes 100000,300000,1000000] [--baseline-max 300000]
        [--baseline-ref 7368d56] [--work DIR] [--svg bench/scale.svg]

The archive is synthetic but derived from the bundled corpus so that word statistics stay those
of news text: each synthetic article takes the title of a random bundled article and ten
sentences drawn at random from the whole corpus, in two passages of five; it gets one of 20
sources and a date in 2010-2020. Vectors are random but clustered (4,096 random centres, each
passage its centre plus noise, normalized), which HNSW finds no easier than real embeddings.
The archive is written through the storage layer (`ChunkStore.replace`, as an ingest writes,
the word index told of each batch), by a process of its own that has exited before the probes
start (a bench process holding the vector index took 2-3 GB of page cache from them, and the
ingest's time outside embedding rose by seconds). What is measured at each size goes through
`newsqa` itself:
- ingest of 100 new articles (`newsqa ingest`, real model): seconds, and the part outside
  embedding (pipeline seconds minus the bare encoder's seconds on the same chunk texts);
- cold start of `newsqa ask` (a fresh process until its first answer is printed);
- retrieval latency p50 / p95 over 60 questions, with the question's embedding excluded
  (vectors computed beforehand) and included;
- peak RSS of the process that answered them, and disk per 100k passages.
The baseline is the same probes run against a git worktree of `--baseline-ref` (the code
before the word index was segmented), on the same Chroma files, up to `--baseline-max`.

`--chroma server` measures the same archive through a `chroma run` server on its files (the
front ends then hold no vector index of their own); the word index a server-mode front end
keeps is a copy of the one built beside the embedded store (same writes, same tokens), and the
server's own peak RSS is printed beside the front end's. The server answers one vector query
before the probes (timed: it loads its index then), as a server that has been serving would.
With `--work` kept from an earlier run, sizes already built are measured again without writing.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if "--probe" not in sys.argv:  # a probe imports the code tree it was given (PYTHONPATH)
    sys.path.insert(0, str(ROOT))
CORPUS = ROOT / "data" / "frwikinews" / "corpus.jsonl"
QA = ROOT / "data" / "frwikinews" / "qa.jsonl"
BASELINE_REF = "7368d56"  # the last commit with the single bm25s matrix and full syncs
SENTENCES_PER_PASSAGE = 5
PASSAGES_PER_ARTICLE = 2
CENTRES = 4096
BUILD_ARTICLES = 2500  # articles written per batch while building
QUESTIONS = 60


class Synthetic:
    """Articles made of the bundled corpus's titles and sentences, reproducibly."""

    def __init__(self, seed: int = 0) -> None:
        from index.text import sentence_spans

        records = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines()]
        self.titles = [str(r["title"]) for r in records]
        self.sentences = [
            str(r["text"])[a:b] for r in records for a, b in sentence_spans(str(r["text"]), "fr")
        ]
        self.rng = random.Random(seed)
        self.vectors = np.random.default_rng(seed)
        centres = self.vectors.standard_normal((CENTRES, 384)).astype(np.float32)
        self.centres = centres / np.linalg.norm(centres, axis=1, keepdims=True)

    def article(self, n: int, prefix: str) -> dict[str, Any]:
        picked = self.rng.sample(self.sentences, SENTENCES_PER_PASSAGE * PASSAGES_PER_ARTICLE)
        passages = [
            " ".join(picked[i : i + SENTENCES_PER_PASSAGE])
            for i in range(0, len(picked), SENTENCES_PER_PASSAGE)
        ]
        year, month = self.rng.randint(2010, 2020), self.rng.randint(1, 12)
        day = f"{year}-{month:02d}-{self.rng.randint(1, 28):02d}"
        return {
            "id": f"{prefix}-{n:07d}",
            "title": f"{self.rng.choice(self.titles)} ({n})",
            "text": "\n\n".join(passages),
            "source": f"source-{self.rng.randrange(20):02d}",
            "published_at": day,
            "lang": "fr",
        }

    def reseeded(self, seed: str) -> Synthetic:
        """The same material drawn by another stream: articles no earlier draw produced (a
        kept archive measured again must not find its 100 new articles already stored)."""
        other = object.__new__(Synthetic)
        other.__dict__ |= self.__dict__
        other.rng = random.Random(seed)
        return other

    def passage_vectors(self, n: int) -> np.ndarray:
        centre = self.centres[self.vectors.integers(0, CENTRES)]
        v = centre + 0.35 * self.vectors.standard_normal((n, 384)).astype(np.float32) / 19.6
        unit: np.ndarray = (v / np.linalg.norm(v, axis=1, keepdims=True)).astype(np.float32)
        return unit


def build(data_dir: Path, target: int) -> float:
    """`grow` in a process of its own: this one then holds no vector index (2-3 GB at 1M)
    while the probes run, which would take that much page cache from them."""
    script = str(Path(__file__).resolve())
    done = subprocess.run(
        [sys.executable, script, "--probe", "grow", str(data_dir), str(target)],
        stdout=subprocess.PIPE,  # progress goes to stderr, shown as it comes
        text=True,
        env=dict(os.environ) | {"PYTHONPATH": str(ROOT)},
        check=True,
        stdin=subprocess.DEVNULL,
    )
    return float(json.loads(done.stdout.strip().splitlines()[-1]))


def grow(data_dir: Path, target: int) -> float:
    """Write synthetic articles until the archive holds `target` passages; returns seconds.
    The draws are seeded by the archive's size at the start: a build from empty is always
    the same, and a build that grows a kept archive repeats none of it."""
    from datetime import date

    from index.engine import NewsIndex
    from index.records import Article, Chunk
    from index.settings import Settings
    from index.storage import ArticleWrite

    index = NewsIndex.open(Settings(data_dir=data_dir))
    store = index.store
    index.lexical.ready(store)  # caught up with earlier writes before adding more
    started = time.perf_counter()
    have = store.count()
    synthetic = Synthetic(seed=have)
    while target - have >= PASSAGES_PER_ARTICLE:
        writes = []
        for _ in range(min(BUILD_ARTICLES, (target - have) // PASSAGES_PER_ARTICLE)):
            record = synthetic.article(have // PASSAGES_PER_ARTICLE, "synthetic")
            text = record["text"]
            article = Article(
                id=record["id"],
                title=record["title"],
                text=text,
                source=record["source"],
                published_at=date.fromisoformat(record["published_at"]),
                lang="fr",
                origin="scale-bench",
            )
            chunks, at = [], 0
            for i, passage in enumerate(text.split("\n\n")):
                start = text.index(passage, at)
                chunks.append(Chunk(article.id, i, start, start + len(passage), passage))
                at = start + len(passage)
            vectors = synthetic.passage_vectors(len(chunks))
            writes.append(
                ArticleWrite(article, chunks, vectors, f"c-{article.id}", f"t-{article.id}")
            )
            have += len(chunks)
        store.replace(writes)  # as an ingest writes them, the word index told
        print(f"  built {have:,} passages ({time.perf_counter() - started:.0f} s)", file=sys.stderr)
    return time.perf_counter() - started


# -- probes, run in a child process against either code tree --------------------------------


def probe_latency(data_dir: Path, questions: list[str]) -> dict[str, float]:
    """Retrieval latency with and without the question's embedding, and the peak RSS."""
    from index.engine import NewsIndex
    from index.settings import Settings

    index = NewsIndex.open(Settings(data_dir=data_dir))
    embedder = index.embedder
    for q in questions[:5]:
        index.retrieve(q)  # warm: model, store, word index
    included, embed_ms = [], []
    for q in questions:
        t = time.perf_counter()
        index.retrieve(q)
        included.append(1000 * (time.perf_counter() - t))
    vectors = {}
    for q in questions:
        t = time.perf_counter()
        vectors[q] = embedder.embed_query(q)
        embed_ms.append(1000 * (time.perf_counter() - t))

    class Cached:
        """The real embedder for everything but the questions, whose vectors are ready."""

        def __getattr__(self, name: str) -> Any:
            return getattr(embedder, name)

        def embed_query(self, text: str) -> np.ndarray:
            return vectors[text]

    index._embedder = Cached()  # type: ignore[assignment]
    index._retriever = None
    excluded = []
    for q in questions:
        t = time.perf_counter()
        index.retrieve(q)
        excluded.append(1000 * (time.perf_counter() - t))
    return {
        "p50_ms": _pct(excluded, 50),
        "p95_ms": _pct(excluded, 95),
        "p50_with_embedding_ms": _pct(included, 50),
        "p95_with_embedding_ms": _pct(included, 95),
        "embed_p50_ms": _pct(embed_ms, 50),
        "peak_rss_mb": _peak_rss_mb(os.getpid()),
    }


def probe_encoder(texts: list[str]) -> float:
    """Seconds the bare encoder takes for these passage texts (same batch size as ingest)."""
    from index.embedding import load_encoder
    from index.settings import Settings

    settings = Settings()
    encoder = load_encoder(settings)
    encoder.encode(texts[:8], "passage", settings.embed_batch_size)  # warm
    t = time.perf_counter()
    encoder.encode(texts, "passage", settings.embed_batch_size)
    return time.perf_counter() - t


def _pct(values: list[float], q: int) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, max(0, -(-q * len(ordered) // 100) - 1))], 1)


def _child(args: list[str], code: Path, env: dict[str, str]) -> Any:
    """Run one probe in a fresh process with `code` first on the path; its JSON result."""
    env = env | {"PYTHONPATH": str(code)}
    done = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--probe", *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        stdin=subprocess.DEVNULL,
    )
    if done.returncode:
        raise RuntimeError(f"probe {args[0]} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _newsqa(args: list[str], code: Path, env: dict[str, str]) -> tuple[str, float]:
    started = time.perf_counter()
    newsqa = Path(sys.executable).parent / "newsqa"
    done = subprocess.run(
        [sys.executable, str(newsqa), *args],
        capture_output=True,
        text=True,
        env=env | {"PYTHONPATH": str(code)},
        check=False,
        stdin=subprocess.DEVNULL,
    )
    if done.returncode:
        raise RuntimeError(f"newsqa {args[0]} failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    return done.stdout, time.perf_counter() - started


def measure(
    data_dir: Path,
    code: Path,
    synthetic: Synthetic,
    prefix: str,
    questions: list[str],
    server: dict[str, str] | None = None,
) -> dict[str, float]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSQA_")}
    env |= {"NEWSQA_DATA_DIR": str(data_dir)} | (server or {})
    if "NEWSQA_CACHE_DIR" in os.environ:
        env["NEWSQA_CACHE_DIR"] = os.environ["NEWSQA_CACHE_DIR"]
    work = Path(tempfile.mkdtemp(prefix="scale-"))
    fresh = synthetic.reseeded(prefix)
    new = [fresh.article(i, prefix) for i in range(100)]
    feed = work / "new.jsonl"
    feed.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in new), encoding="utf-8"
    )
    table, ingest_wall = _newsqa(["ingest", str(feed)], code, env)
    seconds = float(_row(table, "seconds"))
    texts = [f"{r['title']}\n{p}" for r in new for p in str(r["text"]).split("\n\n")]
    (work / "texts.json").write_text(json.dumps(texts))
    encode_s = _child(["encode", str(work / "texts.json")], code, env)
    _, cold = _newsqa(["ask", questions[0]], code, env)
    (work / "questions.json").write_text(json.dumps(questions))
    latency = _child(["latency", str(data_dir), str(work / "questions.json")], code, env)
    shutil.rmtree(work, ignore_errors=True)
    return {
        "ingest_100_s": round(ingest_wall, 1),
        "ingest_pipeline_s": round(seconds, 1),
        "ingest_outside_embedding_s": round(seconds - encode_s, 1),
        "cold_start_s": round(cold, 1),
        **latency,
    }


def _peak_rss_mb(pid: int) -> float:
    """A process's own peak (VmHWM), not `ru_maxrss`: Linux starts a child's at its parent's
    peak (the larger is kept across exec), and this bench's parent may have just built the
    archive. Kept here rather than in bench.machine: probes run against other code trees."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def measure_on_server(
    data: Path, synthetic: Synthetic, prefix: str, questions: list[str]
) -> dict[str, float]:
    """The same probes with the vector index in a `chroma run` process of its own."""
    from index.storage.lexical import lexical_folder
    from tests.loopback import chroma_run

    with chroma_run(data / "chroma", data.parent / "chroma-server.log", 300) as (host, port, proc):
        server = {"NEWSQA_CHROMA_HOST": host, "NEWSQA_CHROMA_PORT": str(port)}
        words = lexical_folder(data, "news", f"{host}:{port}")
        shutil.copytree(lexical_folder(data, "news", None), words)
        try:
            # A server that has been serving holds its vector index already: the server's own
            # first load is timed apart, then the front ends are measured against it.
            first = _first_query_s(host, port, synthetic)
            row = measure(data, ROOT, synthetic, prefix, questions, server)
            row["server_first_query_s"] = round(first, 1)
            row["server_peak_rss_mb"] = round(_peak_rss_mb(proc.pid))
        finally:
            shutil.rmtree(words.parent, ignore_errors=True)
    return row


def _first_query_s(host: str, port: int, synthetic: Synthetic) -> float:
    """Seconds a fresh `chroma run` takes to answer its first vector query (it loads the
    collection's vector index then)."""
    from index.settings import Settings
    from index.storage.client import open_client

    settings = Settings(chroma_host=host, chroma_port=port)
    client = open_client(settings)
    started = time.perf_counter()
    client.get_collection(settings.collection).query(
        query_embeddings=synthetic.passage_vectors(1).tolist(), n_results=1
    )
    return time.perf_counter() - started


def _row(table: str, name: str) -> str:
    for line in table.splitlines():
        label, _, value = line.rpartition("  ")
        if label.strip() == name:
            return value.strip()
    raise KeyError(name)


def _disk(*paths: Path) -> int:
    return sum(f.stat().st_size for p in paths for f in p.rglob("*") if f.is_file())


def _baseline_tree(ref: str) -> Path:
    tree = Path(tempfile.mkdtemp(prefix="newsqa-baseline-"))
    subprocess.run(
        ["git", "-C", str(ROOT), "worktree", "add", "--detach", "--force", str(tree), ref],
        check=True,
        capture_output=True,
    )
    return tree


def _svg(results: list[dict[str, Any]], path: Path) -> None:
    """Two small charts: retrieval p95 (ms) and serving RSS (MB) against passages, log x."""
    import math

    panels = [
        ("p95_with_embedding_ms", "retrieval p95 with embedding (ms)"),
        ("peak_rss_mb", "serving process peak RSS (MB)"),
    ]
    colours = {"segmented": "#1f77b4", "baseline": "#d62728"}
    out = [
        '<svg xmlns="http://www.w3.org/2000/svg" width="720" height="300" '
        'font-family="sans-serif" font-size="11">'
    ]
    sizes = sorted({r["passages"] for r in results})
    for p, (key, label) in enumerate(panels):
        x0, y0, w, h = 60 + p * 360, 30, 270, 210
        top = max(r[key] for r in results) * 1.1
        out.append(f'<text x="{x0}" y="18">{label}</text>')
        out.append(f'<rect x="{x0}" y="{y0}" width="{w}" height="{h}" fill="none" stroke="#999"/>')
        lo, hi = (
            math.log10(sizes[0]),
            math.log10(sizes[-1]) if len(sizes) > 1 else math.log10(sizes[0]) + 1,
        )

        def xy(
            n: float, v: float, x0: float = x0, lo: float = lo, hi: float = hi
        ) -> tuple[float, float]:
            return x0 + w * (math.log10(n) - lo) / (hi - lo or 1), y0 + h - h * v / top  # noqa: B023

        for n in sizes:
            x, _ = xy(n, 0)
            out.append(f'<text x="{x - 14:.0f}" y="{y0 + h + 14}">{n // 1000}k</text>')
        out.append(
            f'<text x="{x0 - 50}" y="{y0 + 8}">{top:.0f}</text>'
            f'<text x="{x0 - 20}" y="{y0 + h}">0</text>'
        )
        for code, colour in colours.items():
            pts = sorted((r["passages"], r[key]) for r in results if r["code"] == code)
            if pts:
                line = " ".join(f"{a:.1f},{b:.1f}" for a, b in (xy(n, v) for n, v in pts))
                out.append(
                    f'<polyline points="{line}" fill="none" stroke="{colour}" stroke-width="2"/>'
                )
                for n, v in pts:
                    x, y = xy(n, v)
                    out.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}"/>')
    out.append('<text x="60" y="290" fill="#1f77b4">segmented word index (this code)</text>')
    out.append('<text x="330" y="290" fill="#d62728">baseline: one bm25s matrix, full syncs</text>')
    out.append("</svg>")
    path.write_text("\n".join(out) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,300000,1000000")
    parser.add_argument("--baseline-max", type=int, default=300_000)
    parser.add_argument("--baseline-ref", default=BASELINE_REF)
    parser.add_argument("--work", type=Path, default=None, help="keep the archives here")
    parser.add_argument("--svg", type=Path, default=ROOT / "bench" / "scale.svg")
    parser.add_argument("--chroma", choices=["embedded", "server"], default="embedded")
    parser.add_argument("--probe", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.probe:
        kind, *rest = args.probe
        if kind == "encode":
            print(json.dumps(probe_encoder(json.loads(Path(rest[0]).read_text()))))
        elif kind == "grow":
            print(json.dumps(grow(Path(rest[0]), int(rest[1]))))
        else:
            print(json.dumps(probe_latency(Path(rest[0]), json.loads(Path(rest[1]).read_text()))))
        return

    from bench.machine import cpu_line

    print(cpu_line(), flush=True)
    work = args.work or Path(tempfile.mkdtemp(prefix="newsqa-scale-"))
    data = work / "data"
    synthetic = Synthetic()
    questions = [
        json.loads(line)["question"] for line in QA.read_text(encoding="utf-8").splitlines()
    ]
    questions = (questions * 2)[:QUESTIONS]
    compare = args.baseline_max and args.chroma == "embedded"
    baseline = _baseline_tree(args.baseline_ref) if compare else None
    results: list[dict[str, Any]] = []
    try:
        for size in [int(s) for s in args.sizes.split(",")]:
            built = build(data, size)
            print(f"{size:,} passages built in {built:.0f} s", flush=True)
            # New ids each run: a kept archive must not find the 100 articles already stored.
            prefix = f"{args.chroma}{size}-{int(time.time())}"
            row: dict[str, float | str] = {}
            if args.chroma == "server":
                row |= measure_on_server(data, synthetic, prefix, questions)
            else:
                row |= measure(data, ROOT, synthetic, prefix, questions)
            disk = _disk(data / "chroma", data / "lexical")
            row |= {
                "code": "segmented" if args.chroma == "embedded" else "server",
                "passages": size,
                "disk_mb_per_100k": round(disk / size * 1e5 / 2**20),
            }
            results.append(row)
            print(json.dumps(row), flush=True)
            if baseline is not None and size <= args.baseline_max:
                old = work / "baseline-data"
                old.mkdir(exist_ok=True)
                if not (old / "chroma").exists():
                    (old / "chroma").symlink_to(data / "chroma")  # the same Chroma files
                # Its own word index, synced once before timing (its first start reads all).
                _child(
                    ["latency", str(old), _qfile(work, questions[:6])], baseline, dict(os.environ)
                )
                row = dict(measure(old, baseline, synthetic, f"old{size}", questions))
                row |= {
                    "code": "baseline",
                    "passages": size,
                    "disk_mb_per_100k": round(
                        _disk(data / "chroma", old / "lexical") / size * 1e5 / 2**20
                    ),
                }
                results.append(row)
                print(json.dumps(row), flush=True)
                # This code's word index hears of the baseline's writes on its next start.
    finally:
        if baseline is not None:
            subprocess.run(
                ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(baseline)],
                check=False,
                capture_output=True,
            )
    (work / f"results-{args.chroma}.json").write_text(json.dumps(results, indent=1))
    if args.chroma == "embedded":
        _svg(results, args.svg)
    print(f"\n{cpu_line()}")
    keys = [
        "ingest_100_s",
        "ingest_outside_embedding_s",
        "cold_start_s",
        "p50_ms",
        "p95_ms",
        "p50_with_embedding_ms",
        "p95_with_embedding_ms",
        "peak_rss_mb",
        "disk_mb_per_100k",
    ]
    if args.chroma == "server":
        keys += ["server_first_query_s", "server_peak_rss_mb"]
    print("passages  code       " + "  ".join(keys))
    for r in results:
        print(
            f"{r['passages']:>8,}  {r['code']:<9}  " + "  ".join(f"{r[k]:>{len(k)}}" for k in keys)
        )
    print(f"results: {work / f'results-{args.chroma}.json'}; chart: {args.svg}")


def _qfile(work: Path, questions: list[str]) -> str:
    path = work / "warm-questions.json"
    path.write_text(json.dumps(questions))
    return str(path)


if __name__ == "__main__":
    main()
