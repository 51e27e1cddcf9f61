"""Language of an article, by py3langid (its model ships in the package)."""

from __future__ import annotations


def detect_language(text: str) -> str:
    """ISO 639-1 code of the text's language, from its first few thousand characters."""
    sample = text[:4000]
    if not sample.strip():
        return ""
    import py3langid

    lang, _score = py3langid.classify(sample)
    return str(lang)
