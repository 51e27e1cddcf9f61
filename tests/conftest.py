"""Shared fixtures: real model, real Chroma, a small real corpus indexed once per session; and,
for the fast tier, the same index over a fake encoder.

A test that loads the embedding model is marked `model` (`make test-fast` leaves those out):
automatically when it uses a fixture that loads it, explicitly when it runs the `newsqa`
command on a real model. An unmarked test cannot load it: `load_encoder` fails in the test's
process, and `run_cli` gives the command a model cache it cannot use.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from index.offline import go_offline

# Before anything imports transformers: the suite runs with the offline switches the CLI sets.
go_offline(allow_downloads=False)

import index.embedding  # noqa: E402
import index.embedding.encoder  # noqa: E402
import index.reading.runtime  # noqa: E402
from index.embedding import Embedder  # noqa: E402
from index.engine import NewsIndex  # noqa: E402
from index.records import Passage  # noqa: E402
from index.settings import Settings  # noqa: E402
from ingest.pipeline import Ingestor  # noqa: E402
from tests.fakes.chat import ChatEndpoint, chat_server  # noqa: E402
from tests.fakes.encoder import fake_embedder  # noqa: E402
from tests.loopback import chroma_run  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SAMPLE_CORPUS = ROOT / "data" / "frwikinews" / "corpus.jsonl"
SEED = FIXTURES / "seed_article.txt"
# Derived model files are kept between runs (as users keep them); everything else is temporary.
MODEL_CACHE = Path(os.environ.get("NEWSQA_TEST_CACHE", Path.home() / ".cache" / "newsqa"))
# The reader reads as `newsqa ask` does: windows of the default size.
WINDOW: int = Settings.model_fields["reader_window_tokens"].default
# The fixtures that load the real model; every fixture that does depends on one of them.
MODEL_FIXTURES = frozenset({"embedder", "fp32_embedder", "reader"})
# Set while an unmarked test runs; `run_cli` then hides the model cache from the command.
NO_MODEL = "TESTS_FORBID_MODEL"
_UNUSABLE_CACHE = "/dev/null/no-model-in-a-test-not-marked-model"


def make_settings(data_dir: Path, **overrides: Any) -> Settings:
    return Settings(data_dir=data_dir, cache_dir=MODEL_CACHE, _env_file=None, **overrides)


def make_passage(text: str, article_id: str = "a1", start: int = 0, **fields: Any) -> Passage:
    """A synthetic retrieved passage: chunk 0 of `article_id` unless `fields` say otherwise."""
    values: dict[str, Any] = {
        "chunk_id": f"{article_id}-{fields.get('chunk_index', 0):04d}",
        "article_id": article_id,
        "chunk_index": 0,
        "title": f"Article {article_id}",
        "source": "Test",
        "url": f"https://news.example/{article_id}",
        "published_at": date(2016, 1, 1),
        "lang": "fr",
        "text": text,
        "start": start,
        "end": start + len(text),
        "score": 0.5,
    }
    return Passage(**(values | fields))


def cache_sharing_e5(folder: Path) -> Path:
    """A fresh model cache holding only the derived e5 folder of the shared one (a link): what
    is built on top of it (int8 exports) is built anew there."""
    from index.embedding.e5_bundle import ensure_derived

    derived = ensure_derived(MODEL_CACHE)
    target = folder / "models" / derived.name
    target.parent.mkdir(parents=True)
    target.symlink_to(derived)
    return folder


def sample_records(n: int, start: int = 0) -> list[dict[str, object]]:
    with SAMPLE_CORPUS.open(encoding="utf-8") as handle:
        lines = handle.readlines()[start : start + n]
    return [json.loads(line) for line in lines]


def corpus_texts() -> dict[str, str]:
    """Each article of `corpus_file` by title, its text as the readers store it (stripped)."""
    texts = {str(r["title"]): str(r["text"]).strip() for r in sample_records(24)}
    title, body = SEED.read_text(encoding="utf-8").strip().split("\n", 1)
    texts[title.strip()] = body.strip()
    return texts


def write_jsonl(path: Path, records: Sequence[Mapping[str, object]]) -> Path:
    path.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8"
    )
    return path


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects by marker
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark `model` every test that uses a model-loading fixture, directly or through others."""
    for item in items:
        if MODEL_FIXTURES.intersection(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.model)


@pytest.fixture(autouse=True)
def _no_user_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No NEWSQA_* variable from the developer's shell leaks into a test."""
    for key in list(os.environ):
        if key.startswith("NEWSQA_"):
            monkeypatch.delenv(key)


@pytest.fixture(autouse=True)
def _model_only_where_marked(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A test not marked `model` fails at once if anything tries to load the model."""
    if request.node.get_closest_marker("model") is not None:
        return

    def refuse(settings: Settings) -> index.embedding.Encoder:
        pytest.fail(f"{request.node.nodeid} loads the embedding model: mark it `model`")

    def refuse_reader(*args: object, **kwargs: object) -> Path:
        pytest.fail(f"{request.node.nodeid} loads the answer reader: mark it `model`")

    monkeypatch.setattr(index.embedding.encoder, "load_encoder", refuse)
    monkeypatch.setattr(index.embedding, "load_encoder", refuse)
    monkeypatch.setattr(index.reading.runtime, "ensure_reader", refuse_reader)
    monkeypatch.setenv(NO_MODEL, "1")


class NetworkAttempt(AssertionError):
    pass


@pytest.fixture()
def network_attempts(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Sockets blocked for this test (local Unix sockets aside); each attempt is recorded."""
    attempts: list[object] = []
    real_connect = socket.socket.connect

    def refuse(self: socket.socket, address: Any) -> None:
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


@pytest.fixture(scope="session")
def reader() -> index.reading.runtime.Reader:
    """The shipped answer reader in its default runtime form, as users get it."""
    from index.embedding.encoder import cores_available

    folder = index.reading.runtime.ensure_reader(MODEL_CACHE)
    return index.reading.runtime.Reader(folder, cores_available(), WINDOW)


@pytest.fixture()
def fresh_index(tmp_path: Path, embedder: Embedder) -> NewsIndex:
    """An empty embedded index of its own, sharing the loaded model."""
    return NewsIndex.open(make_settings(tmp_path / "data"), embedder=embedder)


@pytest.fixture()
def fake_index(tmp_path: Path) -> NewsIndex:
    """An empty embedded Chroma index of its own whose embedder is the bag-of-words fake."""
    return NewsIndex.open(make_settings(tmp_path / "data"), embedder=fake_embedder())


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


@pytest.fixture()
def chat_endpoint() -> Iterator[ChatEndpoint]:
    """A fake OpenAI-compatible chat endpoint on a free loopback port."""
    with chat_server() as chat:
        yield chat


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    """A real Chroma server (`chroma run`) on a free loopback port."""
    path = tmp_path_factory.mktemp("chroma-server")
    with chroma_run(path / "db", path / "server.log") as (host, port, _):
        yield host, port


def run_cli(
    *args: str, env: dict[str, str] | None = None, timeout: float = 600, input: str | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the installed `newsqa` command as a user would (typing `input`, if given)."""
    newsqa = Path(sys.executable).parent / "newsqa"
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSQA_")}
    # In a test not marked `model`, a command that needs the model fails instead of loading it.
    cache = _UNUSABLE_CACHE if os.environ.get(NO_MODEL) else str(MODEL_CACHE)
    full_env |= {"NEWSQA_CACHE_DIR": cache} | (env or {})
    return subprocess.run(
        [str(newsqa), *args],
        capture_output=True,
        text=True,
        env=full_env,
        timeout=timeout,
        **({"input": input} if input is not None else {"stdin": subprocess.DEVNULL}),
    )
