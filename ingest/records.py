"""News records (JSON objects) to `Article`s: field mapping, dates, flat extra metadata."""

from __future__ import annotations

import logging
import math
import re
from dataclasses import replace
from datetime import date, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any

from index.records import Article, Scalar
from index.storage import reserved_key
from index.text import repaired, without_controls
from ingest.identity import article_id, canonical_url
from ingest.markup import without_html

log = logging.getLogger(__name__)
KNOWN_FIELDS = {"id", "title", "text", "url", "source", "published_at", "lang"}


class BadRecord(ValueError):
    """A record we cannot turn into an article; the message says why."""


def parse_date(value: object) -> date | None:
    """ISO dates and datetimes, RFC 2822 dates (feeds), or None when absent or unreadable."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    except ValueError:
        pass
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(text).date()
    except (TypeError, ValueError, IndexError):
        return None


def checked_date(origin: str, given: object) -> date | None:
    """The date given, read; one that cannot be read, or lies ahead, is said in a warning:
    the article is stored undated, or unseen by questions until that day."""
    found = parse_date(given)
    note_date(origin, given, found)
    return found


def note_date(origin: str, given: object, found: date | None) -> None:
    """A warning for a date given that was not understood, or that lies ahead (beyond the day
    of grace a feed dated in UTC may need)."""
    if found is None and str(given or "").strip():
        log.warning("%s: date %r not understood: stored undated", origin, given)
    elif found is not None and found > date.today() + timedelta(days=1):  # feeds date in UTC
        log.warning("%s: dated %s, after today: no question sees it before then", origin, found)


def article_from_record(record: Any, origin: str, source: str = "") -> Article:
    """Map a JSON news record; unknown fields with flat values are kept as metadata."""
    if not isinstance(record, dict):
        raise BadRecord("not a JSON object")
    written = _field(record, "text")
    text = without_html(written)  # a CMS export's HTML body
    if not text.strip():
        raise BadRecord("no 'text'")
    url = canonical_url(_field(record, "url"))
    record_source = source or _field(record, "source")
    # The id is of the title and text as written, as it was before markup was read.
    given_title = _field(record, "title").strip()
    key = article_id(
        _field(record, "id"), url, record_source, given_title or _first_line(written), written
    )
    title = without_html(given_title).strip() or _first_line(text)
    return Article(
        id=key,
        title=title,
        text=text.strip(),
        source=record_source,
        url=url,
        published_at=checked_date(
            f"{origin} (id {key})", _field(record, "published_at", optional=True)
        ),
        lang=_field(record, "lang", optional=True),
        origin=origin,
        extra=_extra(record),
    )


def _first_line(text: str) -> str:
    """The title of a record that gives none."""
    return text.strip().split("\n", 1)[0][:120]


def _extra(record: dict[str, Any]) -> dict[str, Scalar]:
    """The record's other flat fields, under keys Chroma accepts (it reserves '', '$…', '#…',
    'chroma:…'), with finite numbers and clean strings."""
    extra: dict[str, Scalar] = {}
    for key, value in record.items():
        if key in KNOWN_FIELDS or reserved_key(key) is not None:
            continue
        if isinstance(value, str):
            extra[clean(key)] = clean(value)
        elif isinstance(value, bool | int) or (isinstance(value, float) and math.isfinite(value)):
            extra[clean(key)] = value
    return extra


def _field(record: dict[str, Any], name: str, optional: bool = False) -> str:
    """A text field; a list of strings is joined, anything else structured is refused (or, for
    an `optional` field such as the date, ignored: the article is still worth having)."""
    value = record.get(name)
    if value is None:
        return ""
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, bool | int | float):
        return str(value)
    if isinstance(value, list) and all(isinstance(x, str) for x in value):
        return clean(" ".join(value))
    if optional:
        return ""
    raise BadRecord(f"'{name}' is a JSON {type(value).__name__}, not a string")


_LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}(?:[-_][a-z0-9]{2,8})*$", re.I)  # "fr", "en-GB"


def tidy(article: Article) -> Article:
    """The article as the archive stores and prints it: no control characters (a title's
    escape sequence would drive the terminal showing it), no lone surrogates (a file name that
    is not UTF-8, which Chroma cannot store), and a language only if it looks like a language
    code ("123" is detected from the text instead)."""

    def plain(text: str) -> str:
        return without_controls(repaired(text))

    return replace(
        article,
        title=plain(article.title),
        text=plain(article.text),
        source=plain(article.source),
        url=plain(article.url),
        origin=plain(article.origin),
        lang=article.lang if _LANGUAGE_CODE.match(article.lang) else "",
        extra={k: plain(v) if isinstance(v, str) else v for k, v in article.extra.items()},
    )


def clean(text: str) -> str:
    """Lone surrogates (from JSON escapes such as "\\ud800") replaced: they cannot be stored."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return text
