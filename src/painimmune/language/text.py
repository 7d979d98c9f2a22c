"""Quotes and their places in a source text.

A quote is verbatim except that line breaks and runs of whitespace may differ, so a quote is
compared with its source through :func:`squash`. Offsets count Unicode characters (code points)
from the start of the decoded text of ``sources/<source_id>.txt``.

>>> text = "Mediators released by immune cells,\\n such as cytokines."
>>> span("released by immune cells, such as", text, 10)
(10, 44)
>>> span("released by immune cells, such as", text, 9) is None
True
>>> starts("immune cells", text)
[22]
"""

from __future__ import annotations

import re

_SPACE = re.compile(r"\s+")


def squash(text: str) -> str:
    """*text* with every run of whitespace turned into one space and no space at either end."""
    return " ".join(text.split())


def span(quote: str, text: str, start: int) -> tuple[int, int] | None:
    """The span ``(start, end)`` of *text* that *quote* occupies when it begins exactly at *start*
    (whitespace may differ, as in :func:`squash`), or None when it does not begin there."""
    words = quote.split()
    if not words or start < 0 or start >= len(text) or text[start].isspace():
        return None
    position = start
    for number, word in enumerate(words):
        if number:  # at least one whitespace character between words
            gap = position
            while gap < len(text) and text[gap].isspace():
                gap += 1
            if gap == position:
                return None
            position = gap
        if not text.startswith(word, position):
            return None
        position += len(word)
    return (start, position)


def starts(quote: str, text: str) -> list[int]:
    """Every offset of *text* at which *quote* begins (whitespace may differ)."""
    words = quote.split()
    if not words:
        return []
    pattern = re.compile(r"\s+".join(re.escape(word) for word in words))
    return [match.start() for match in pattern.finditer(text)]
