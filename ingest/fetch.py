"""Fetch a URL with a timeout and a size cap."""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from index.settings import Settings

USER_AGENT = "newsqa/0.1 (+news question answering; ingest)"


class FetchError(RuntimeError):
    """The URL could not be fetched; the message says why."""


@dataclass(frozen=True)
class Fetched:
    url: str  # after redirects
    content_type: str
    data: bytes


def fetch(url: str, settings: Settings) -> Fetched:
    cap = int(settings.fetch_max_mb * 1024 * 1024)
    try:
        with (
            httpx.Client(
                timeout=settings.fetch_timeout_s,
                follow_redirects=True,
                headers={"User-Agent": USER_AGENT},
            ) as client,
            client.stream("GET", url) as response,
        ):
            if response.status_code >= 400:
                raise FetchError(f"HTTP {response.status_code}")
            declared = int(response.headers.get("content-length") or 0)
            if declared > cap:
                raise FetchError(f"larger than {settings.fetch_max_mb:g} MB")
            body = bytearray()
            for piece in response.iter_bytes():
                body.extend(piece)
                if len(body) > cap:
                    raise FetchError(f"larger than {settings.fetch_max_mb:g} MB")
            content_type = response.headers.get("content-type", "").split(";")[0].strip()
            return Fetched(str(response.url), content_type.lower(), bytes(body))
    except httpx.TimeoutException as exc:
        raise FetchError(f"timed out after {settings.fetch_timeout_s:g} s") from exc
    except httpx.HTTPError as exc:
        raise FetchError(str(exc) or type(exc).__name__) from exc
