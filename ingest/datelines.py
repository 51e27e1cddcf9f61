"""A plain-text article's date: from its front matter, or from a leading date line.

`.txt` and `.md` files carry no date field, but news text often opens with one ("7 octobre
2016 – Le gouvernement…", "Publié le 7 octobre 2016", "2016-10-07") and Markdown notes often
have YAML front matter (`date: 2016-10-07`). Only the opening lines are looked at: a date deeper
in the text is usually about the story, not the article.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import frontmatter
import yaml

from index.retrieval.dates import month_number
from index.text import fold

log = logging.getLogger(__name__)

LINES_LOOKED_AT = 2  # the title line and the one after it
_MONTH = (
    r"janvier|fevrier|mars|avril|mai|juin|juillet|aout|septembre|octobre|novembre|decembre|"
    r"january|february|march|april|may|june|july|august|september|october|november|december"
)
_LEADING = re.compile(
    r"^\W*(?:(?:publie|mis a jour|date|published|updated|posted)\s*(?:le|on)?\s*:?\s*)?"
    r"(?:(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|monday|tuesday|wednesday|"
    r"thursday|friday|saturday|sunday),?\s+)?"
    r"(?:(?P<iso>(?:19|20)\d\d-[01]\d-[0-3]\d)"
    rf"|(?P<d>[0-3]?\d)(?:er|st|nd|rd|th)?\s+(?P<m>{_MONTH})\s+(?P<y>(?:19|20)\d\d)"
    rf"|(?P<m2>{_MONTH})\s+(?P<d2>[0-3]?\d)(?:st|nd|rd|th)?,?\s+(?P<y2>(?:19|20)\d\d))"
    r"(?![\d-])"
)
_FRONT_DATE_KEYS = ("date", "published", "published_at", "pubdate")


@dataclass(frozen=True)
class PlainText:
    """A text file split into its front matter fields (if any) and its text."""

    text: str
    fields: dict[str, Any] = field(default_factory=dict)

    @property
    def date_given(self) -> object:
        """The front matter's date field as written, if it has one."""
        return next((self.fields[k] for k in _FRONT_DATE_KEYS if self.fields.get(k)), None)

    @property
    def published(self) -> date | None:
        for key in _FRONT_DATE_KEYS:
            value = self.fields.get(key)
            day = _as_date(value)
            if day is not None:
                return day
        return None


def split_front_matter(text: str) -> PlainText:
    """The front matter's fields and the text after it; a block that YAML cannot read is still
    taken off the text, its fields read as plain `key: value` lines."""
    if not text.lstrip().startswith("---"):
        return PlainText(text)
    try:
        post = frontmatter.loads(text)
    except (yaml.YAMLError, ValueError) as exc:
        block = _BLOCK.match(text)
        if block is None:  # an opening rule and no closing one: no front matter
            return PlainText(text)
        # A field YAML cannot read ("date: 2017-02-30", "title: [draft"): the block is still
        # front matter, not the article's title and text; its fields are read as plain lines.
        log.debug("front matter read as plain lines: %s", str(exc).splitlines()[0])
        return PlainText(text[block.end() :], _plain_fields(block["fields"]))
    return PlainText(post.content, dict(post.metadata))


_BLOCK = re.compile(r"\A\s*---[ \t]*\r?\n(?P<fields>.*?)^---[ \t]*\r?$\n?", re.S | re.M)
_FIELD = re.compile(r"^(?P<key>[\w-]+)[ \t]*:[ \t]*(?P<value>.*?)[ \t]*$", re.M)


def _plain_fields(block: str) -> dict[str, Any]:
    """`key: value` lines, each value a string without its quotes."""
    return {m["key"].lower(): m["value"].strip().strip("\"'") for m in _FIELD.finditer(block)}


def leading_date(lines: list[str]) -> date | None:
    """The date one of the opening lines starts with, if any."""
    for line in lines[:LINES_LOOKED_AT]:
        m = _LEADING.match(fold(line.strip()))
        day = _from_match(m) if m is not None else None
        if day is not None:
            return day
    return None


def _from_match(m: re.Match[str]) -> date | None:
    try:
        if m["iso"]:
            return date.fromisoformat(m["iso"])
        day, month, year = (m["d"], m["m"], m["y"]) if m["d"] else (m["d2"], m["m2"], m["y2"])
        number = month_number(month)
        return date(int(year), number, int(day)) if number else None
    except ValueError:  # 31 février
        return None


def _as_date(value: object) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value.strip()).date()
        except ValueError:
            return leading_date([value])
    return None
