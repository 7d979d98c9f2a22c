"""Marked-up text for the website: a text cut into pieces, each knowing which marks cover it.

A source page shows the full text of a source with every quoted span highlighted and every span
of ``not_encoded`` marked with its reason; an assertion shows its quote with the words that name
its subject and object highlighted. Both are a text plus spans that may overlap; :func:`pieces`
cuts the text at every span boundary so that a template can render each piece with the marks that
cover it, and the marks that begin or end there, without building HTML itself.

>>> [(p.text, [m.key for m in p.covering]) for p in pieces("abcdef", [Mark(1, 4, "q", "x"), Mark(2, 6, "q", "y")])]
[('a', []), ('b', ['x']), ('cd', ['x', 'y']), ('ef', ['y'])]
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from painimmune.language.text import starts


@dataclass(frozen=True)
class Mark:
    """A span ``[start, end)`` of a text: its kind (``quoted``, ``skipped``, ``subject``, ``object``),
    a key unique among the marks of the text, and what the template needs to render it."""

    start: int
    end: int
    kind: str
    key: str
    data: dict[str, Any] = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class Piece:
    """A stretch of text with the marks that cover it, begin at its start and end at its end."""

    text: str
    covering: list[Mark]
    opening: list[Mark]
    closing: list[Mark]

    def has(self, kind: str) -> bool:
        """Whether a mark of *kind* covers this piece."""
        return any(mark.kind == kind for mark in self.covering)


def pieces(text: str, marks: list[Mark]) -> list[Piece]:
    """*text* cut at every start and end of *marks* (which may overlap), in order; marks are
    listed in the order given. Marks outside the text or empty are ignored."""
    usable = [mark for mark in marks if 0 <= mark.start < mark.end <= len(text)]
    cuts = sorted({0, len(text), *(mark.start for mark in usable), *(mark.end for mark in usable)})
    result = []
    for start, end in zip(cuts, cuts[1:], strict=False):
        result.append(Piece(
            text[start:end],
            [mark for mark in usable if mark.start <= start and end <= mark.end],
            [mark for mark in usable if mark.start == start],
            [mark for mark in usable if mark.end == end],
        ))
    return result


def find_mention(mention: str, quote: str) -> tuple[int, int] | None:
    """Where *mention* occurs in *quote* (first place; whitespace may differ), or None."""
    if not mention:
        return None
    place = quote.find(mention)
    if place >= 0:
        return (place, place + len(mention))
    found = starts(mention, quote)
    if not found:
        return None
    end = found[0]
    for number, word in enumerate(mention.split()):
        if number:
            while end < len(quote) and quote[end].isspace():
                end += 1
        end += len(word)
    return (found[0], end)
