"""Markup taken out of article text: HTML in a JSON record or a feed entry, Markdown in a `.md`.

A CMS export often holds its bodies as HTML ("<p>Jean <i>Dupont</i> a gagné.</p>"): stored as
is, the tags would be cut into answers and quotes. Paragraphs stay paragraphs (a blank line),
which the chunker and the sentence splitter rely on.
"""

from __future__ import annotations

import re

# Only tags a news body is made of: "a < b" or "<Jean>" in prose is text, not markup.
_TAG = re.compile(
    r"</?(?:a|abbr|b|blockquote|br|cite|code|div|em|figcaption|figure|font|h[1-6]|hr|i|img|li"
    r"|mark|ol|p|pre|q|s|section|small|span|strong|sub|sup|table|td|th|tr|u|ul)\b[^<>]*>",
    re.IGNORECASE,
)
_BLOCKS = {
    "blockquote", "div", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "li",
    "ol", "p", "pre", "section", "table", "tr", "ul",
}  # fmt: skip
_DROPPED = frozenset({"script", "style", "template"})


def has_html(text: str) -> bool:
    """Whether the text holds HTML tags a body is written with."""
    return _TAG.search(text) is not None


def html_text(html: str) -> str:
    """The text of an HTML fragment: entities read, a blank line between blocks."""
    import lxml.html
    from lxml import etree

    try:
        root = lxml.html.fragment_fromstring(html, create_parent="div")
    except (etree.ParserError, ValueError):  # nothing to parse, or characters lxml refuses
        return html
    for element in list(root.iter()):
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag in _DROPPED or not tag:  # comments and processing instructions too
            element.drop_tree()
        elif tag == "br":
            element.tail = "\n" + (element.tail or "")
        elif tag in _BLOCKS:
            element.text = "\n\n" + (element.text or "")
            element.tail = "\n\n" + (element.tail or "")
    return _paragraphs(root.text_content())


def without_html(text: str) -> str:
    """The text with its HTML read as such, or as it was when it holds none."""
    return html_text(text) if has_html(text) else text


def markdown_text(markdown: str) -> str:
    """The text of a Markdown document: no "**", "#" or link targets, inline HTML read too."""
    from markdown_it import MarkdownIt

    return html_text(MarkdownIt("commonmark").render(markdown))


def _paragraphs(text: str) -> str:
    lines = (" ".join(line.split()) for line in text.split("\n"))
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
