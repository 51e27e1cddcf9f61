"""Long HTML replies cut under Telegram's 4,096-character limit, tags balanced in each part."""

from __future__ import annotations

import re

from telegram.constants import MessageLimit

# Tags and character references are atoms: a split never falls inside one.
_ATOM = re.compile(r"<[^>]*>|&#?\w+;")
_TAG_NAME = re.compile(r"</?([a-zA-Z-]+)")
_SENTENCE_END = ".!?…»"
# Break preferences, best first: between paragraphs, lines, sentences, words, anywhere.
_PARAGRAPH, _LINE, _SENTENCE, _WORD, _ANYWHERE = 4, 3, 2, 1, 0
_Stack = tuple[tuple[str, str], ...]  # open tags: (name, opening tag as written)


def utf16_len(value: str) -> int:
    """Length as Telegram counts it (UTF-16 code units)."""
    return len(value.encode("utf-16-le")) // 2


def split_html(html: str, limit: int = MessageLimit.MAX_TEXT_LENGTH) -> list[str]:
    """Cut HTML into parts of at most `limit` UTF-16 units, each with balanced tags.

    Cuts prefer paragraph, then line, sentence and word boundaries; never inside a tag, an
    entity or a link. Tags open at a cut (bold, blockquote...) are closed and reopened.
    """
    if utf16_len(html) <= limit:
        return [html]
    atoms = _atoms(html)
    parts: list[str] = []
    start = 0
    carried: _Stack = ()
    while start < len(atoms):
        end, stack = _best_cut(atoms, start, carried, limit)
        body = "".join(atoms[start:end]).rstrip()
        part = _drop_empty_pairs("".join(tag for _, tag in carried) + body + _closing(stack))
        if _TAGS_ONLY.sub("", part).strip():
            parts.append(part)
        start, carried = end, stack
        while start < len(atoms) and atoms[start].isspace():
            start += 1
    return parts


_TAGS_ONLY = re.compile(r"<[^>]*>")
_EMPTY_PAIR = re.compile(r"<(\w+)[^>]*></\1>")  # a tag reopened only to be closed again


def _drop_empty_pairs(html: str) -> str:
    while (shorter := _EMPTY_PAIR.sub("", html)) != html:
        html = shorter
    return html


def _atoms(html: str) -> list[str]:
    atoms: list[str] = []
    position = 0
    for match in _ATOM.finditer(html):
        atoms.extend(html[position : match.start()])
        atoms.append(match.group())
        position = match.end()
    atoms.extend(html[position:])
    return atoms


def _apply(stack: _Stack, atom: str) -> _Stack:
    if not atom.startswith("<") or atom.endswith("/>"):
        return stack
    name_match = _TAG_NAME.match(atom)
    if name_match is None:
        return stack
    name = name_match.group(1).lower()
    if atom.startswith("</"):
        for depth in range(len(stack) - 1, -1, -1):
            if stack[depth][0] == name:
                return stack[:depth] + stack[depth + 1 :]
        return stack
    return (*stack, (name, atom))


def _closing(stack: _Stack) -> str:
    return "".join(f"</{name}>" for name, _ in reversed(stack))


def _best_cut(atoms: list[str], start: int, carried: _Stack, limit: int) -> tuple[int, _Stack]:
    """The end index (exclusive) of the part beginning at `start`, and the tags open there."""
    size = utf16_len("".join(tag for _, tag in carried))
    stack = carried
    best: dict[int, tuple[int, _Stack]] = {}
    end = start
    while end < len(atoms):
        after = _apply(stack, atoms[end])
        grown = size + utf16_len(atoms[end])
        if grown + utf16_len(_closing(after)) > limit:
            break
        size, stack, end = grown, after, end + 1
        if not any(name == "a" for name, _ in stack):
            best[_kind_of_cut(atoms, end)] = (end, stack)
    if end == len(atoms):
        return end, stack
    if not best:
        # Only a link longer than a whole message gets here: cut inside it (closing and
        # reopening the <a>) rather than fail; always take at least one atom.
        return (end, stack) if end > start else (end + 1, _apply(stack, atoms[end]))
    # The best kind of cut that still fills at least half the part; else the latest cut.
    half = start + (end - start) // 2
    for kind in (_PARAGRAPH, _LINE, _SENTENCE, _WORD):
        if kind in best and best[kind][0] > half:
            return best[kind]
    return max(best.values(), key=lambda cut: cut[0])


def _kind_of_cut(atoms: list[str], end: int) -> int:
    """How good a cut between atoms[end - 1] and atoms[end] is."""
    previous = atoms[end - 1]
    if previous == "\n":
        return _PARAGRAPH if end >= 2 and atoms[end - 2] == "\n" else _LINE
    if previous == " ":
        before = atoms[end - 2] if end >= 2 else ""
        if before == "»":  # a quote closes a sentence only when the sentence ends inside it
            inside = next((a for a in reversed(atoms[: end - 2]) if not a.isspace()), "")
            return _SENTENCE if inside and inside[-1] in _SENTENCE_END else _WORD
        return _SENTENCE if before and before[-1] in _SENTENCE_END else _WORD
    return _ANYWHERE
