"""Shared fixtures: real model, real Chroma, a small real corpus indexed once per session."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from index.offline import go_offline

# Before anything imports transformers: the suite runs with the offline switches the CLI sets.
go_offline(allow_downloads=False)

from index.embedding import Embedder  # noqa: E402
from index.engine import NewsIndex  # noqa: E402
from index.settings import Settings  # noqa: E402
from ingest.pipeline import Ingestor  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SAMPLE_CORPUS = ROOT / "data" / "frwikinews" / "corpus.jsonl"
SEED = FIXTURES / "seed_article.txt"
# Derived model files are kept between runs (as users keep them); everything else is temporary.
MODEL_CACHE = Path(os.environ.get("NEWSQA_TEST_CACHE", Path.home() / ".cache" / "newsqa"))


def make_settings(data_dir: Path, **overrides: object) -> Settings:
    return Settings(
        data_dir=data_dir,
        cache_dir=MODEL_CACHE,
        _env_file=None,  # type: ignore[call-arg]
        **overrides,
    )


def sample_records(n: int, start: int = 0) -> list[dict[str, object]]:
    with SAMPLE_CORPUS.open(encoding="utf-8") as handle:
        lines = handle.readlines()[start : start + n]
    return [json.loads(line) for line in lines]


def write_jsonl(path: Path, records: list[dict[str, object]]) -> Path:
    path.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8"
    )
    return path


@pytest.fixture(autouse=True)
def _no_user_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No NEWSQA_* variable from the developer's shell leaks into a test."""
    for key in list(os.environ):
        if key.startswith("NEWSQA_"):
            monkeypatch.delenv(key)


class NetworkAttempt(AssertionError):
    pass


@pytest.fixture()
def network_attempts(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Sockets blocked for this test (local Unix sockets aside); each attempt is recorded."""
    attempts: list[object] = []
    real_connect = socket.socket.connect

    def refuse(self: socket.socket, address: object) -> None:
        if self.family == socket.AF_UNIX:
            return real_connect(self, address)
        attempts.append(address)
        raise NetworkAttempt(f"connection attempted to {address}")

    def refuse_lookup(*args: object, **kwargs: object) -> list[object]:
        attempts.append(args[0])
        raise NetworkAttempt(f"name lookup for {args[0]}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse_lookup)
    return attempts


@pytest.fixture(scope="session")
def embedder() -> Embedder:
    """The default embedder (int8), as users get it."""
    return Embedder.from_settings(make_settings(Path("unused")))


@pytest.fixture(scope="session")
def fp32_embedder() -> Embedder:
    """sentence-transformers on torch, the reference the int8 path is held to."""
    return Embedder.from_settings(make_settings(Path("unused"), embed_precision="fp32"))


@pytest.fixture()
def fresh_index(tmp_path: Path, embedder: Embedder) -> NewsIndex:
    """An empty embedded index of its own, sharing the loaded model."""
    return NewsIndex.open(make_settings(tmp_path / "data"), embedder=embedder)


@pytest.fixture(scope="session")
def corpus_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small slice of the bundled Wikinews corpus, plus the seed article."""
    folder = tmp_path_factory.mktemp("corpus")
    write_jsonl(folder / "wikinews.jsonl", sample_records(24))
    shutil.copy(SEED, folder / "seed.txt")
    return folder


@pytest.fixture(scope="session")
def indexed(
    tmp_path_factory: pytest.TempPathFactory, embedder: Embedder, corpus_file: Path
) -> NewsIndex:
    """The small corpus ingested once into an embedded Chroma; tests only read it."""
    settings = make_settings(tmp_path_factory.mktemp("indexed"))
    index = NewsIndex.open(settings, embedder=embedder)
    report = Ingestor(settings, index).run([str(corpus_file)])
    assert report.failed == 0 and report.added == 25
    return index


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    """A real Chroma server (`chroma run`) on a free loopback port."""
    port = free_port()
    path = tmp_path_factory.mktemp("chroma-server")
    chroma = Path(sys.executable).parent / "chroma"
    log = (path / "server.log").open("wb")
    proc = subprocess.Popen(
        [
            str(chroma),
            "run",
            "--path",
            str(path / "db"),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        stdout=log,
        stderr=log,
        env=os.environ | {"ANONYMIZED_TELEMETRY": "False"},
    )
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=1)
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise RuntimeError((path / "server.log").read_text(errors="replace")) from None
            time.sleep(0.3)
    yield "127.0.0.1", port
    proc.terminate()
    proc.wait(timeout=20)
    log.close()


def run_cli(
    *args: str, env: dict[str, str] | None = None, timeout: float = 600, input: str | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the installed `newsqa` command as a user would (typing `input`, if given)."""
    newsqa = Path(sys.executable).parent / "newsqa"
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSQA_")}
    full_env |= {"NEWSQA_CACHE_DIR": str(MODEL_CACHE)} | (env or {})
    return subprocess.run(
        [str(newsqa), *args],
        capture_output=True,
        text=True,
        env=full_env,
        timeout=timeout,
        **({"input": input} if input is not None else {"stdin": subprocess.DEVNULL}),
    )
