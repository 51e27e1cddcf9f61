"""Markup taken out of article text: HTML in a JSON record or a feed entry, Markdown in a `.md`.

A CMS export often holds its bodies as HTML ("<p>Jean <i>Dupont</i> a gagné.</p>"): stored as
is, the tags would be cut into answers and quotes. Paragraphs stay paragraphs (a blank line),
which the chunker and the sentence splitter rely on.
"""

from __future__ import annotations

import re
from typing import Any

from index.text import without_controls

# Only tags a news body is made of: "a < b" or "<Jean>" in prose is text, not markup. A body
# counts as HTML only with a closing tag or a line break: "a<b et c>d" opens no element.
_TAG = re.compile(
    r"</(?:a|abbr|b|blockquote|cite|code|div|em|figcaption|figure|font|h[1-6]|i|li|mark|ol|p"
    r"|pre|q|s|section|small|span|strong|sub|sup|table|td|th|tr|u|ul)\s*>|<br\s*/?>",
    re.IGNORECASE,
)
_BLOCKS = {
    "article", "aside", "blockquote", "caption", "dd", "div", "dt", "figcaption", "figure",
    "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "ol", "p", "pre",
    "section", "table", "td", "th", "tr", "ul",
}  # fmt: skip
_DROPPED = frozenset({"script", "style", "template"})


def has_html(text: str) -> bool:
    """Whether the text holds HTML a body is written with."""
    return _TAG.search(text) is not None


def html_text(html: str) -> str:
    """The text of an HTML fragment: entities read, a blank line between blocks, a list's
    items with their "-" or number."""
    import lxml.html
    from lxml import etree

    # huge_tree: past 10 MB lxml would drop a text node without a word.
    parser = lxml.html.HTMLParser(huge_tree=True)
    try:
        root = lxml.html.fragment_fromstring(
            without_controls(html), create_parent="div", parser=parser
        )
    except (etree.ParserError, ValueError):  # nothing to parse, or characters lxml refuses
        return html
    for element in list(root.iter()):
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag in _DROPPED or not tag:  # comments and processing instructions too
            element.drop_tree()
        elif tag == "br":
            element.tail = "\n" + (element.tail or "")
        elif tag in _BLOCKS:
            element.text = "\n\n" + _marker(element) + (element.text or "")
            element.tail = "\n\n" + (element.tail or "")
    return _paragraphs(root.text_content())


def _marker(element: Any) -> str:
    """ "- " or "3. " before a list item, so that "- 5 %" keeps its sign and "2024." its year."""
    parent = element.getparent()
    if element.tag != "li" or parent is None:
        return ""
    if parent.tag != "ol":
        return "- "
    start = int(parent.get("start", "1")) if parent.get("start", "1").isdigit() else 1
    return f"{start + parent.index(element)}. "


def without_html(text: str) -> str:
    """The text with its HTML read as such, or as it was when it holds none."""
    return html_text(text) if has_html(text) else text


def markdown_text(markdown: str, inline: bool = False) -> str:
    """The text of a Markdown document (or of one line, `inline`: a title is no list): no "**"
    or link targets; HTML in it is read as HTML in a body is."""
    from markdown_it import MarkdownIt

    # Raw HTML is left to `without_html`, which wants a closing tag: "a<b et c>d" is prose.
    md = MarkdownIt("commonmark", {"html": False})
    rendered = md.renderInline(markdown) if inline else md.render(markdown)
    return without_html(html_text(rendered))


def _paragraphs(text: str) -> str:
    lines = (" ".join(line.split()) for line in text.split("\n"))
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
