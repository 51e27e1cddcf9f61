"""Bytes to text: UTF-8 first, then a detected legacy encoding (Latin-1 French, ...)."""

from __future__ import annotations

import codecs

LIKELY = [
    "cp1252",
    "iso8859_15",
    "utf_16",
    "cp1250",
    "iso8859_2",
    "cp1251",
    "koi8_r",
    "gb18030",
    "big5",
    "shift_jis",
    "euc_kr",
]


class NotText(ValueError):
    """The bytes are binary or empty, not a text we can read."""


_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE, whose BOM it starts with
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def decode(data: bytes) -> str:
    """Decode `data`, or raise `NotText` with a reason a user understands."""
    if not data.strip():
        raise NotText("empty file")
    encoding = bom_encoding(data)
    if encoding is not None:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            raise NotText(f"not valid {encoding.upper()} although it starts like it") from None
    if b"\x00" in data[:8192]:
        raise NotText("binary file (contains NUL bytes)")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    mixed = _mostly_utf8(data)
    if mixed is not None:
        return mixed
    from charset_normalizer import from_bytes

    # Prefer the encodings news archives really use; a free guess picks exotic ones for French.
    best = from_bytes(data, cp_isolation=LIKELY).best() or from_bytes(data).best()
    if best is None:
        raise NotText("binary file (no text encoding fits)")
    return str(best)


def bom_encoding(start: bytes) -> str | None:
    """The encoding a byte-order mark at the start says, or None without one."""
    return next((encoding for bom, encoding in _BOMS if start.startswith(bom)), None)


def _mostly_utf8(data: bytes) -> str | None:
    """A file pasted together from UTF-8 and Windows-1252 parts ("voté" next to "vot\xe9"),
    decoded line by line; None unless some non-ASCII lines really are UTF-8."""
    lines = data.splitlines(keepends=True)
    decoded, utf8_lines = [], 0
    for line in lines:
        try:
            text = line.decode("utf-8")
            utf8_lines += not line.isascii()
        except UnicodeDecodeError:
            text = line.decode("cp1252", errors="replace")
        decoded.append(text)
    return "".join(decoded) if utf8_lines else None
