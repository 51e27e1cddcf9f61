"""Fixtures of the index tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.index.chat_server import ChatEndpoint, chat_server


@pytest.fixture()
def endpoint() -> Iterator[ChatEndpoint]:
    """A fake OpenAI-compatible endpoint on a free loopback port."""
    with chat_server() as chat:
        yield chat
