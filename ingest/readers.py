"""Turn ingest inputs (files, folders, URLs) into articles, or failures with a reason."""

from __future__ import annotations

import io
import json
import os
import re
import stat
from collections.abc import Container, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, AnyStr

from index.records import Article
from index.settings import Settings
from ingest.datelines import leading_date, split_front_matter
from ingest.decoding import NotText, bom_encoding, decode
from ingest.feeds import entries_from_feed, looks_like_feed
from ingest.fetch import Fetched, FetchError, fetch
from ingest.html import article_from_html
from ingest.identity import article_id
from ingest.markup import markdown_text, without_html
from ingest.records import BadRecord, article_from_record, note_date

TEXT_SUFFIXES = {".txt", ".md"}
HTML_SUFFIXES = {".html", ".htm"}
JSON_SUFFIXES = {".json", ".jsonl", ".ndjson"}
FEED_SUFFIXES = {".xml", ".rss", ".atom"}
SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | JSON_SUFFIXES | FEED_SUFFIXES
COMPRESSED_SUFFIXES = {".gz", ".bz2", ".xz", ".zip", ".zst", ".7z", ".tgz"}
TOO_DEEP = "JSON nested too deeply to be a news record"
READ_BLOCK = 1 << 20  # bytes read at a time when skipping the rest of an over-long line
THIN_FEED_WORDS = 80  # a feed entry shorter than this is a teaser: read the linked page
TEASER_FAILED = "the page of a feed teaser did not load"
MIN_SUMMARY_WORDS = 8  # words, beside the title's, that make a teaser worth keeping alone


@dataclass(frozen=True)
class Failure:
    """Something that could not be ingested, and why."""

    origin: str
    reason: str


Item = Article | Failure


@dataclass(frozen=True)
class Source:
    """One input unit (a file or a URL) and what it yielded."""

    origin: str
    items: list[Item]


def read_inputs(inputs: Sequence[str], settings: Settings, source: str = "") -> Iterator[Source]:
    """Expand folders, read each file or URL; never raises for bad input."""
    for raw in inputs:
        scheme = url_scheme(raw)
        if scheme in WEB_SCHEMES:
            yield Source(raw, read_url(raw, settings, source))
            continue
        if scheme is not None:
            yield Source(raw, [Failure(raw, unsupported_scheme(scheme))])
            continue
        path = Path(raw)
        if _is_dir(path):
            yield from _read_folder(path, settings, source)
        else:
            # The same spelling as the articles' origin, so that prune recognises failed inputs.
            yield Source(str(path), read_file(path, settings, source))


WEB_SCHEMES = ("http", "https")
_SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*)://", re.I)


def url_scheme(given: str) -> str | None:
    """The scheme of an input typed as a URL, in lower case ("HTTP://…" is "http"); None for a
    path."""
    found = _SCHEME.match(given)
    return found[1].lower() if found else None


def unsupported_scheme(scheme: str) -> str:
    return f"unsupported URL scheme '{scheme}': http:// and https:// are read"


def _is_dir(path: Path) -> bool:
    try:
        return path.is_dir()
    except OSError:
        return False  # unreachable (a folder above it cannot be searched): read_file says why


def list_folder(folder: Path) -> tuple[list[Path], list[Failure]]:
    """Every file below `folder` (hidden ones aside), sorted, and the folders that could not be
    listed."""
    unlistable: list[OSError] = []
    found: list[Path] = []
    for root, dirs, files in os.walk(folder, onerror=unlistable.append):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        found += (Path(root) / name for name in files if not name.startswith("."))
        # A link to a folder is not followed (it may loop); it is listed as skipped.
        found += (Path(root) / d for d in dirs if (Path(root) / d).is_symlink())
    failures = [
        Failure(e.filename or str(folder), f"cannot list this folder: {e.strerror}")
        for e in unlistable
    ]
    return sorted(found), failures


def _read_folder(folder: Path, settings: Settings, source: str) -> Iterator[Source]:
    """Every file below `folder`; what cannot be listed or read is a failure."""
    files, failures = list_folder(folder)
    for failure in failures:
        yield Source(failure.origin, [failure])
    for file in files:
        yield Source(str(file), read_file(file, settings, source))


def read_file(path: Path, settings: Settings, source: str = "") -> list[Item]:
    origin = str(path)
    try:
        return _read_checked(path, settings, source)
    except FileNotFoundError:
        reason = "broken symbolic link" if path.is_symlink() else "no such file or folder"
        return [Failure(origin, reason)]
    except OSError as exc:
        return [Failure(origin, f"cannot read: {exc.strerror or exc}")]
    except ValueError as exc:  # NotText, BadRecord, and what parsers raise on odd input
        return [Failure(origin, str(exc))]


def _read_checked(path: Path, settings: Settings, source: str) -> list[Item]:
    origin = str(path)
    suffix = path.suffix.lower()
    info = path.stat()  # follows links: a loop or a dangling link raises here
    if stat.S_ISDIR(info.st_mode):
        return [Failure(origin, "a link to a folder: not followed (give the folder itself)")]
    if not stat.S_ISREG(info.st_mode):
        # Opening a FIFO would wait for a writer forever.
        return [Failure(origin, "not a regular file (a pipe, socket or device)")]
    if suffix not in SUFFIXES:
        reads = ", ".join(sorted(SUFFIXES))
        hint = " (decompress it first)" if suffix in COMPRESSED_SUFFIXES else ""
        return [Failure(origin, f"unsupported file type '{suffix or 'none'}'{hint}; reads {reads}")]
    if suffix in {".jsonl", ".ndjson"}:
        return list(_read_json_lines(path, settings, source))
    size_mb = info.st_size / 1024 / 1024
    if size_mb > settings.max_file_mb:
        return [
            Failure(
                origin,
                f"file is {size_mb:.3g} MB, over the {settings.max_file_mb:g} MB"
                " cap: split it, or raise NEWSQA_MAX_FILE_MB",
            )
        ]
    return _parse_bytes(path.read_bytes(), suffix, origin, settings, source)


def read_url(url: str, settings: Settings, source: str = "") -> list[Item]:
    try:
        return read_page(fetch(url, settings), url, settings, source)
    except FetchError as exc:
        return [Failure(url, str(exc))]


def read_page(
    page: Fetched,
    url: str,
    settings: Settings,
    source: str = "",
    pages_done: Container[str] = (),
) -> list[Item]:
    """The articles of a fetched page: a feed's entries, or the page's own article.

    A teaser entry whose linked page is in `pages_done` (read in an earlier round, or given up
    on) is left out rather than fetched again."""
    try:
        if looks_like_feed(page.data) or (
            "xml" in page.content_type and "html" not in page.content_type
        ):
            entries = _feed_items(page.data, url, source)
            return [found for item in entries for found in _thicken(item, settings, pages_done)]
        return [article_from_html(decode(page.data), url, page.url, source)]
    except (FetchError, ValueError) as exc:  # NotText, BadRecord, a parser's odd input
        return [Failure(url, str(exc))]


def _parse_bytes(
    data: bytes, suffix: str, origin: str, settings: Settings, source: str
) -> list[Item]:
    if suffix in FEED_SUFFIXES or (suffix in HTML_SUFFIXES and looks_like_feed(data)):
        return _feed_items(data, origin, source)
    text = decode(data)
    if suffix in HTML_SUFFIXES:
        return [article_from_html(text, origin, source=source)]
    if suffix == ".json":
        return _json_document(text, origin, source)
    return [_plain_text(text, origin, source, markdown=suffix == ".md")]


def _plain_text(text: str, origin: str, source: str, markdown: bool = False) -> Article:
    """First non-empty line is the title (unless the front matter has one), the rest the body;
    the date comes from the front matter or a leading date line, else the article is undated.
    Markdown ("**", "[text](url)") and HTML tags are read, not stored."""
    plain = split_front_matter(text)
    lines = plain.text.strip().splitlines()
    given_title = str(plain.fields.get("title") or "").strip()
    if not lines:
        raise NotText("no text after the front matter")
    if not given_title:
        given_title, lines = lines[0].strip().lstrip("#").strip(), lines[1:]
    published = plain.published
    if plain.date_given is not None:
        note_date(origin, plain.date_given, published)
    if published is None:
        # A date line stays in the body: the article's id and text are what they were.
        published = leading_date([given_title, *(line for line in lines if line.strip())])
    title, body = given_title, "\n".join(lines).strip()
    if not body:
        body, title = title, title[:120]
    src = source or str(plain.fields.get("source") or "") or "local"
    key = article_id("", "", src, title, body)  # of the text as written, as before markup was read
    if markdown:
        title, body = markdown_text(title, inline=True) or title, markdown_text(body) or body
    else:
        title, body = without_html(title) or title, without_html(body) or body
    return Article(
        id=key,
        title=title,
        text=body,
        source=src,
        origin=origin,
        published_at=published,
    )


def _json_document(text: str, origin: str, source: str) -> list[Item]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        # Many ".json" exports are really JSON Lines.
        return list(_json_lines(text.splitlines(), origin, source))
    except RecursionError:
        return [Failure(origin, TOO_DEEP)]
    except ValueError as exc:  # e.g. an integer of more than 4,300 digits
        return [Failure(origin, f"invalid JSON ({exc})")]
    records = data if isinstance(data, list) else [data]
    items: list[Item] = []
    for n, record in enumerate(records, 1):
        try:
            items.append(article_from_record(record, origin, source))
        except BadRecord as exc:
            items.append(Failure(f"{origin}[{n}]", str(exc)))
    return items


def _read_json_lines(path: Path, settings: Settings, source: str) -> Iterator[Item]:
    cap = int(settings.max_file_mb * 1024 * 1024)
    with path.open("rb") as handle:
        encoding = bom_encoding(handle.read(4))
        handle.seek(0)
        if encoding is None:
            yield from _json_lines(_capped_lines(handle, cap), str(path), source, cap)
            return
        # UTF-16/32 lines cannot be cut on raw newline bytes: read them as text.
        with io.TextIOWrapper(handle, encoding=encoding, errors="replace") as text:
            yield from _json_lines(_capped_lines(text, cap), str(path), source, cap)


def _capped_lines(handle: IO[AnyStr], cap: int) -> Iterator[AnyStr]:
    """Lines of at most `cap` + 1 bytes (or characters): the rest of a longer one is skipped,
    never held."""
    while line := handle.readline(cap + 1):
        if len(line) > cap and line[-1:] not in ("\n", b"\n"):
            while (rest := handle.readline(READ_BLOCK)) and rest[-1:] not in ("\n", b"\n"):
                pass
        yield line


def _json_lines(
    lines: Iterable[bytes] | Iterable[str], origin: str, source: str, cap: int | None = None
) -> Iterator[Item]:
    for n, raw in enumerate(lines, 1):
        where = f"{origin}:{n}"
        if cap is not None and len(raw) > cap:
            yield Failure(where, "line over the size cap (NEWSQA_MAX_FILE_MB)")
            continue
        try:
            line = decode(raw) if isinstance(raw, bytes) else str(raw)
        except NotText as exc:
            if "empty" not in str(exc):
                yield Failure(where, str(exc))
            continue
        if not line.strip():
            continue
        try:
            yield article_from_record(json.loads(line), origin, source)
        except json.JSONDecodeError as exc:
            yield Failure(where, f"invalid JSON ({_json_problem(exc)})")
        except RecursionError:
            yield Failure(where, TOO_DEEP)
        except ValueError as exc:  # BadRecord, or an integer too long for Python to read
            yield Failure(where, str(exc))


def _feed_items(data: bytes, origin: str, source: str) -> list[Item]:
    try:
        entries = entries_from_feed(data, origin, source)
    except BadRecord as exc:
        return [Failure(origin, str(exc))]
    return [Failure(origin, str(e)) if isinstance(e, BadRecord) else e for e in entries]


def _thicken(item: Item, settings: Settings, pages_done: Container[str] = ()) -> list[Item]:
    """A teaser entry from a fetched feed, replaced by its linked article page.

    When the page does not load, that is a failure (so the watcher reads the feed again next
    round), and the entry's summary is stored meanwhile if it says something: "Lire la suite…"
    is no article."""
    if isinstance(item, Failure) or not item.url or len(item.text.split()) >= THIN_FEED_WORDS:
        return [item]
    if item.url in pages_done:
        return []
    found = read_url(item.url, settings, item.source)
    page = found[0] if found else None
    if isinstance(page, Failure):
        failed = Failure(item.url, f"{TEASER_FAILED}: {page.reason}")
        said = set(item.text.lower().split()) - set(item.title.lower().split())
        return [item, failed] if len(said) >= MIN_SUMMARY_WORDS else [failed]
    if isinstance(page, Article):
        return [
            Article(
                id=item.id,
                title=item.title or page.title,
                text=page.text,
                source=item.source,
                url=item.url,
                published_at=item.published_at or page.published_at,
                origin=item.origin,
            )
        ]
    return [item]


def _json_problem(exc: json.JSONDecodeError) -> str:
    """The parser's message with its column: "Expecting value at column 5", "Unterminated
    string starting at column 23" (that message already ends in "at")."""
    at = "" if exc.msg.endswith(" at") else " at"
    return f"{exc.msg}{at} column {exc.colno}"
