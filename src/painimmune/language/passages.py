"""Passages of a source text recorded by place and fingerprint rather than by their words.

A release never republishes the source texts. A passage that no row encodes (a row of
``not_encoded``) is therefore recorded by where it lies (``quote_start`` and ``length``, in Unicode
characters), the sha256 of its UTF-8 text, so that whoever holds the text can check it, and its
opening: its first word or first few words (:func:`opening`), ending in "…" when cut.

>>> text = "Intro. A passage of seven words stands here. Next."
>>> passage = Passage.of(text, 7, 44)
>>> passage.length, passage.opening
(37, 'A passage of…')
>>> passage.holds(text), passage.holds(text.replace("seven", "eight"))
(True, False)
>>> find(text, passage)
[7]
>>> opening("Introduction")
'Introduction'
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from painimmune.language.text import starts

# An opening is at most five words and twelve characters (its first word always whole): with five
# words and no limit on characters, the openings of the clinic page's many short passages (headings,
# page furniture) let a reader of the data rebuild 15 percentage points more of it than the rows
# quote (benchmarks/rights.md; the goal is at most 5).
OPENING_WORDS = 5
OPENING_CHARACTERS = 12
ELLIPSIS = "…"


def opening(passage: str) -> str:
    """The first words of *passage*, one space apart: its first word, then each next one while they
    are at most :data:`OPENING_WORDS` words and :data:`OPENING_CHARACTERS` characters; "…" is
    appended when the passage has more words."""
    words = passage.split()
    shown = words[:1]
    for word in words[1:OPENING_WORDS]:
        if len(" ".join(shown)) + 1 + len(word) > OPENING_CHARACTERS:
            break
        shown.append(word)
    return " ".join(shown) + (ELLIPSIS if len(shown) < len(words) else "")


def fingerprint(passage: str) -> str:
    """The sha256 of *passage* encoded as UTF-8, in lower-case hex."""
    return hashlib.sha256(passage.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Passage:
    """A passage as a release records it: start, length, sha256 and opening, no more of its words."""

    start: int
    length: int
    sha256: str
    opening: str

    @classmethod
    def of(cls, text: str, start: int, end: int) -> Passage:
        """The record of ``text[start:end]``."""
        words = text[start:end]
        return cls(start, len(words), fingerprint(words), opening(words))

    @property
    def end(self) -> int:
        """Where the passage ends (exclusive)."""
        return self.start + self.length

    def holds(self, text: str) -> bool:
        """Whether ``text[start:start + length]`` has the recorded sha256 (the passage is where it says)."""
        return 0 <= self.start and self.end <= len(text) and fingerprint(text[self.start:self.end]) == self.sha256

    def opens(self, text: str) -> bool:
        """Whether the recorded opening is the opening of the passage of *text* at this place."""
        return opening(text[self.start:self.end]) == self.opening


def find(text: str, passage: Passage) -> list[int]:
    """Every offset of *text* where a passage with the length, sha256 and opening of *passage*
    begins (the places its opening begins are the only ones tried)."""
    words = passage.opening.removesuffix(ELLIPSIS)
    return [start for start in starts(words, text)
            if Passage(start, passage.length, passage.sha256, passage.opening).holds(text)]
