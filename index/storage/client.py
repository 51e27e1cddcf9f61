"""Connecting to Chroma: an embedded client under the data folder, or a server's HTTP client."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from chromadb.api.types import Embeddable, EmbeddingFunction, Embeddings
from chromadb.utils.embedding_functions import register_embedding_function

from index.errors import StoreUnavailable
from index.settings import Settings

if TYPE_CHECKING:
    from chromadb.api import ClientAPI


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


def open_client(settings: Settings) -> ClientAPI:
    """An embedded client under the data directory, or an HTTP client when a host is set."""
    import chromadb
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
    settings.chroma_dir.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(settings.chroma_dir), settings=chroma_settings)
