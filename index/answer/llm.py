"""Answer models behind one small interface: an OpenAI-compatible endpoint or a local GGUF file.

Every call either returns text or logs one warning line and returns None, so the caller can
fall back to the extractive answer; a model that is down never breaks a question.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from typing import Any

from llama_index.core.base.llms.types import ChatMessage

from index.answer.followups import recent_turns
from index.answer.prompts import answer_messages, condense_messages
from index.errors import UserError
from index.records import Passage, Turn
from index.settings import Settings

log = logging.getLogger(__name__)

# Local servers (Ollama, llama.cpp, vLLM) accept any key, but the client insists on one.
_DUMMY_API_KEY = "not-needed"
_LLAMACPP_CONTEXT = 4096
_WARNING_CHARS = 200
_CONDENSE_LABEL = re.compile(r"^(standalone question|question autonome|question)\s*:\s*", re.I)

ChatFn = Callable[[Sequence[ChatMessage]], str]


class LLMBackend:
    """A chat model used to write answers with [k] markers and to rewrite follow-ups."""

    def __init__(self, name: str, chat: ChatFn, settings: Settings, secret: str = "") -> None:
        self.name = name
        self._chat = chat
        self._history_turns = settings.history_turns
        self._secret = secret  # scrubbed from anything logged

    @classmethod
    def from_settings(cls, settings: Settings) -> LLMBackend | None:
        """The configured backend, or None for the extractive answerer."""
        if settings.answer_backend == "openai":
            return _openai(settings)
        if settings.answer_backend == "llamacpp":
            return _llamacpp(settings)
        return None

    def answer(self, question: str, language: str, passages: Sequence[Passage]) -> str | None:
        """The model's answer with [k] markers into `passages`, or None if it failed."""
        return self._call("answer", answer_messages(question, language, passages))

    def condense(self, history: Sequence[Turn], question: str) -> str | None:
        """`question` rewritten to stand alone given the last turns, or None if it failed."""
        turns = recent_turns(history, self._history_turns)
        if not turns:
            return question
        text = self._call("condense", condense_messages(turns, question))
        if text is None:
            return None
        line = next(line for line in text.splitlines() if line.strip())
        line = _CONDENSE_LABEL.sub("", line.strip()).strip().strip("\"'«»“”").strip()
        return line or None

    def _call(self, what: str, messages: list[ChatMessage]) -> str | None:
        try:
            text = self._chat(messages)
        except Exception as exc:  # any failure of the model means: fall back, keep serving
            log.warning(
                "%s: %s failed (%s: %s)", self.name, what, type(exc).__name__, self._clip(exc)
            )
            return None
        if not text or not text.strip():
            log.warning("%s: %s came back empty", self.name, what)
            return None
        return text.strip()

    def _clip(self, exc: Exception) -> str:
        message = " ".join(str(exc).split())
        if self._secret:
            message = message.replace(self._secret, "***")
        return message[:_WARNING_CHARS]


def _openai(settings: Settings) -> LLMBackend:
    if not settings.llm_model:
        raise UserError(
            "set NEWSQA_LLM_MODEL to the model name your endpoint serves "
            "(e.g. qwen2.5:7b-instruct), or use NEWSQA_ANSWER_BACKEND=extractive"
        )
    from llama_index.llms.openai_like import OpenAILike
    from openai import OpenAI

    api_key = settings.llm_api_key.get_secret_value() or _DUMMY_API_KEY
    # Our own client so that NEWSQA_LLM_MAX_RETRIES means exactly that many retries:
    # llama-index would otherwise add its own retry loop (with sleeps) around the client's.
    client = OpenAI(
        api_key=api_key,
        base_url=settings.llm_base_url,
        timeout=settings.llm_timeout_s,
        max_retries=settings.llm_max_retries,
    )
    llm = OpenAILike(
        model=settings.llm_model,
        api_base=settings.llm_base_url,
        api_key=api_key,
        is_chat_model=True,
        temperature=settings.llm_temperature,
        max_tokens=settings.llm_max_tokens,
        timeout=settings.llm_timeout_s,
        max_retries=0,
        openai_client=client,
    )

    def chat(messages: Sequence[ChatMessage]) -> str:
        return llm.chat(messages).message.content or ""

    secret = settings.llm_api_key.get_secret_value()
    return LLMBackend("openai", chat, settings, secret=secret)


def _llamacpp(settings: Settings) -> LLMBackend:
    path = settings.llm_model_path
    if path is None or not path.is_file():
        where = f" ({path} is not a file)" if path is not None else ""
        raise UserError(f"set NEWSQA_LLM_MODEL_PATH to a GGUF model file{where}")
    try:
        from llama_index.llms.llama_cpp import LlamaCPP
    except ImportError:
        raise UserError(
            "the llamacpp backend needs its extra: pip install 'newsqa[llamacpp]'"
        ) from None

    llm = LlamaCPP(
        model_path=str(path),
        temperature=settings.llm_temperature,
        max_new_tokens=settings.llm_max_tokens,
        context_window=_LLAMACPP_CONTEXT,
        verbose=False,
    )
    model: Any = llm._model

    def chat(messages: Sequence[ChatMessage]) -> str:
        # The loaded model's own chat completion applies the chat template stored in the GGUF;
        # LlamaCPP.chat would format every model with one generic template instead.
        reply = model.create_chat_completion(
            messages=[{"role": m.role.value, "content": m.content or ""} for m in messages],
            temperature=settings.llm_temperature,
            max_tokens=settings.llm_max_tokens,
        )
        return str(reply["choices"][0]["message"]["content"] or "")

    return LLMBackend("llamacpp", chat, settings)
