"""Bytes to text: UTF-8 first, then a detected legacy encoding (Latin-1 French, ...)."""

from __future__ import annotations

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


def decode(data: bytes) -> str:
    """Decode `data`, or raise `NotText` with a reason a user understands."""
    if not data.strip():
        raise NotText("empty file")
    if b"\x00" in data[:8192]:
        raise NotText("binary file (contains NUL bytes)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    # Prefer the encodings news archives really use; a free guess picks exotic ones for French.
    best = from_bytes(data, cp_isolation=LIKELY).best() or from_bytes(data).best()
    if best is None:
        raise NotText("binary file (no text encoding fits)")
    return str(best)
