"""Stable identities: canonical URLs, article ids and content hashes."""

from __future__ import annotations

import hashlib
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from index.records import Article

_TRACKING = ("utm_", "fbclid", "gclid", "mc_cid", "mc_eid", "xtor")


def canonical_url(url: str) -> str:
    """Lower-case scheme and host, no fragment, no tracking parameters, no trailing slash."""
    url = url.strip()
    if not url:
        return ""
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        return url
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not k.lower().startswith(_TRACKING)
    ]
    path = parts.path.rstrip("/") or "/"
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, urlencode(query), ""))


def article_id(explicit_id: str, url: str, source: str, title: str, text: str) -> str:
    """The record's own id, else its canonical URL, else a hash of source, title and text."""
    if explicit_id.strip():
        return explicit_id.strip()
    if url.strip():
        return canonical_url(url)
    digest = hashlib.sha256("\x1f".join((source, title, text)).encode("utf-8")).hexdigest()
    return f"sha256:{digest[:24]}"


def text_hash(text: str) -> str:
    """Identifies the same text whatever its whitespace."""
    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()[:32]


def content_hash(article: Article) -> str:
    """Changes whenever anything stored for the article changes."""
    fields = [
        article.title,
        article.text,
        article.source,
        article.url,
        article.lang,
        article.published_at.isoformat() if article.published_at else "",
    ]
    fields += [f"{k}={v}" for k, v in sorted(article.extra.items())]
    return hashlib.sha256("\x1f".join(fields).encode("utf-8")).hexdigest()[:32]
