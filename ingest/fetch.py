"""Fetch a URL with a timeout and a size cap, conditionally when validators are known."""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from index.settings import Settings

USER_AGENT = "newsqa/0.1 (+news question answering; ingest)"


class FetchError(RuntimeError):
    """The URL could not be fetched; the message says why."""


@dataclass(frozen=True)
class Validators:
    """What a server said identifies the version it sent (ETag, Last-Modified)."""

    etag: str = ""
    last_modified: str = ""

    def headers(self) -> dict[str, str]:
        wanted = {}
        if self.etag:
            wanted["If-None-Match"] = self.etag
        if self.last_modified:
            wanted["If-Modified-Since"] = self.last_modified
        return wanted


@dataclass(frozen=True)
class Fetched:
    url: str  # after redirects
    content_type: str
    data: bytes
    validators: Validators = Validators()
    not_modified: bool = False  # a 304: the version known already is current


def fetch(url: str, settings: Settings, known: Validators | None = None) -> Fetched:
    """The page at `url`; with `known` validators, a 304 comes back as `not_modified`."""
    cap = int(settings.fetch_max_mb * 1024 * 1024)
    try:
        with (
            httpx.Client(
                timeout=settings.fetch_timeout_s,
                follow_redirects=True,
                headers={"User-Agent": USER_AGENT},
            ) as client,
            client.stream("GET", url, headers=known.headers() if known else None) as response,
        ):
            validators = Validators(
                response.headers.get("etag", ""), response.headers.get("last-modified", "")
            )
            if response.status_code == 304 and known is not None:
                return Fetched(str(response.url), "", b"", known, not_modified=True)
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
            return Fetched(str(response.url), content_type.lower(), bytes(body), validators)
    except httpx.TimeoutException as exc:
        raise FetchError(f"timed out after {settings.fetch_timeout_s:g} s") from exc
    except httpx.HTTPError as exc:
        raise FetchError(str(exc) or type(exc).__name__) from exc
