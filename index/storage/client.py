"""Connecting to Chroma: an embedded client under the data folder, or a server's HTTP client."""

from __future__ import annotations

import contextlib
import fcntl
import logging
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Literal

from chromadb.api.types import Embeddable, EmbeddingFunction, Embeddings
from chromadb.utils.embedding_functions import register_embedding_function

from index.errors import StoreBusy, StoreUnavailable
from index.settings import Settings

if TYPE_CHECKING:
    from chromadb.api import ClientAPI
    from chromadb.api.models.Collection import Collection

log = logging.getLogger(__name__)


@register_embedding_function
class RefuseToEmbed(EmbeddingFunction[Embeddable]):
    """Attached to every collection so Chroma never falls back to its downloading default."""

    def __init__(self) -> None:
        pass

    def __call__(self, input: Embeddable) -> Embeddings:
        raise RuntimeError("newsqa passes its own vectors; Chroma must not embed texts itself")

    @staticmethod
    def name() -> str:
        return "newsqa-refuse"

    def default_space(self) -> Literal["cosine"]:
        return "cosine"  # otherwise Chroma silently builds an l2 index

    def get_config(self) -> dict[str, Any]:
        return {}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> RefuseToEmbed:
        return RefuseToEmbed()


def open_client(settings: Settings, fresh: bool = False) -> ClientAPI:
    """An embedded client under the data directory, or an HTTP client when a host is set.

    Chroma keeps one embedded client per folder and process, whose indexes do not see another
    process's writes; `fresh` opens a new one that reads the folder again (clients opened
    before keep working on what they had)."""
    import chromadb
    from chromadb.api.shared_system_client import SharedSystemClient
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if settings.chroma_host:
        port = settings.chroma_port or 8000
        try:
            return chromadb.HttpClient(
                host=settings.chroma_host, port=port, settings=chroma_settings
            )
        except Exception as exc:
            raise StoreUnavailable(
                f"cannot reach the Chroma server at {settings.chroma_host}:{port} ({exc}); "
                "start it with `chroma run --path DIR --host HOST --port PORT` "
                "or unset NEWSQA_CHROMA_HOST to use the embedded store"
            ) from exc
    usable_folder(settings.chroma_dir, settings)
    if fresh:
        SharedSystemClient._identifier_to_system.pop(str(settings.chroma_dir), None)
    return chromadb.PersistentClient(path=str(settings.chroma_dir), settings=chroma_settings)


@contextlib.contextmanager
def write_lock(settings: Settings, wait_s: float = 600.0) -> Iterator[None]:
    """One writing process at a time on an embedded index, which Chroma does not guard itself.

    A second writer waits (saying so) up to `wait_s`, then stops with a message. With a Chroma
    server the server orders the writes, and no lock is taken."""
    if settings.uses_chroma_server:
        yield
        return
    usable_folder(settings.chroma_dir, settings)
    with (settings.chroma_dir / "newsqa-write.lock").open("a") as handle:
        if not _try_lock(handle):
            log.warning(
                "another newsqa process is writing to %s: waiting for it to finish",
                settings.chroma_dir,
            )
            deadline = time.monotonic() + wait_s
            while not _try_lock(handle):
                if time.monotonic() > deadline:
                    raise StoreBusy(
                        f"another newsqa process is still writing to {settings.chroma_dir}: run "
                        "again when it is done, or use a Chroma server (NEWSQA_CHROMA_HOST) to "
                        "ingest from several processes at once"
                    )
                time.sleep(0.5)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def usable_folder(folder: Path, settings: Settings) -> Path:
    """`folder` under the data directory, created if needed, or a message saying what to fix."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass  # can write there
    except OSError as exc:
        raise StoreUnavailable(
            f"NEWSQA_DATA_DIR={settings.data_dir} cannot hold the index ({folder}: "
            f"{exc.strerror or exc}): point it at a folder you can write to"
        ) from None
    return folder


def _try_lock(handle: IO[str]) -> bool:
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def search_breadth(collection: Collection, ef: int) -> int | None:
    """Make the collection's vector search visit `ef` nodes: a setting of the collection, kept
    in Chroma, so it is written only when it differs (collections made before it have 100).
    Returns the value it replaced, if any. Chroma reads it when it loads the collection's
    vector index, so a server that has already loaded it goes on with the old one."""
    hnsw = (collection.configuration or {}).get("hnsw") or {}
    before = hnsw.get("ef_search")
    if before == ef:
        return None
    collection.modify(configuration={"hnsw": {"ef_search": ef}})
    return int(before) if isinstance(before, int) else None
