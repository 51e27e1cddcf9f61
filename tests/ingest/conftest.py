"""Fixtures of the ingest tests: a local news site to fetch pages and feeds from."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.fakes.news_site import news_site


@pytest.fixture(scope="session")
def site() -> Iterator[str]:
    with news_site() as base_url:
        yield base_url
