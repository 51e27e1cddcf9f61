"""HTML pages to `Article`s with trafilatura (main text, title, date, canonical URL)."""

from __future__ import annotations

from urllib.parse import urlsplit

from index.records import Article
from ingest.identity import article_id, canonical_url
from ingest.records import BadRecord, parse_date

MIN_WORDS = 20  # below this the "article" is page furniture, not news


def article_from_html(html: str, origin: str, url: str = "", source: str = "") -> Article:
    import trafilatura

    doc = trafilatura.bare_extraction(
        html, url=url or None, with_metadata=True, include_comments=False, include_tables=True
    )
    text = (getattr(doc, "text", None) or "").strip() if doc is not None else ""
    if len(text.split()) < MIN_WORDS:
        raise BadRecord("no article text found in the page")
    page_url = canonical_url(getattr(doc, "url", None) or url)
    title = (getattr(doc, "title", None) or "").strip()
    lines = text.split("\n")
    if title and lines[0].strip() == title:  # trafilatura repeats the headline
        text = "\n".join(lines[1:]).strip()
    title = title or lines[0][:120]
    page_source = source or getattr(doc, "sitename", None) or urlsplit(page_url).netloc
    return Article(
        id=article_id("", page_url, page_source, title, text),
        title=title,
        text=text,
        source=page_source or "local",  # a saved page with no site name, as text files are
        url=page_url,
        published_at=parse_date(getattr(doc, "date", None)),
        origin=origin,
    )
