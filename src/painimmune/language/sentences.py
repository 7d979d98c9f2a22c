"""The one definition of a sentence and of a paragraph in a source text.

- A **paragraph** is a maximal run of lines that are not blank.
- A **sentence** never crosses a line end. Within a line, a leading bullet (``•``, ``*``, ``-``,
  ``–``) or list number (``1.``) is not part of it, and a sentence ends after ``.``, ``!`` or ``?``
  (with any closing quotes or brackets and reference markers such as ``[2][4]`` that follow) where
  whitespace, the end of the line or, straight after a reference marker, a capital letter comes
  next. A period that ends one of the abbreviations below ends no sentence. A stretch without a
  letter or digit is not a sentence.

Offsets are those of :mod:`painimmune.language.text`. Validation (every sentence accounted for),
the curation report (coverage per source), the website and the worksheet tool use these functions.

>>> [s.text for s in sentences("  • Mast cells degranulate (e.g. NGF).[1] They sensitise.\\nNext line")]
['Mast cells degranulate (e.g. NGF).[1]', 'They sensitise.', 'Next line']
>>> [s.text for s in sentences("Lowers stress-induced IL-6.[4]Clinical trials target drivers.[3]")]
['Lowers stress-induced IL-6.[4]', 'Clinical trials target drivers.[3]']
"""

from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass

ABBREVIATIONS = frozenset({"e.g", "i.e", "dr", "vs", "al", "fig", "figs", "no", "st", "mr", "mrs", "ms", "prof", "approx"})
_LINE_START = re.compile(r"[ \t]*(?:(?:[•*\-–]|\d+\.)[ \t]+)?")
_END = re.compile(r"[.!?]+[\"”’')\]]*(?:\[\d+\])*")
_CONTENT = re.compile(r"[^\W_]")


@dataclass(frozen=True)
class Sentence:
    """One sentence of a source text: its span, its text and the paragraph it belongs to."""

    start: int
    end: int
    text: str
    paragraph: int


def paragraphs(text: str) -> list[tuple[int, int]]:
    """The spans of the paragraphs of *text*, in order."""
    spans = []
    start = None
    offset = 0
    for line in text.split("\n"):
        blank = not line.strip()
        if not blank and start is None:
            start = offset
        if blank and start is not None:
            spans.append((start, offset - 1))
            start = None
        offset += len(line) + 1
    if start is not None:
        spans.append((start, len(text)))
    return spans


@functools.lru_cache(maxsize=16)
def sentences(text: str) -> tuple[Sentence, ...]:
    """The sentences of *text*, in order (see the module docstring). A text split before in this
    process is not split again: every rule that reads a source text sentence by sentence asks."""
    starts = [start for start, _ in paragraphs(text)]
    found = []
    offset = 0
    for line in text.split("\n"):
        for start, end in _line_sentences(line):
            paragraph = bisect.bisect_right(starts, offset + start) - 1
            found.append(Sentence(offset + start, offset + end, line[start:end], paragraph))
        offset += len(line) + 1
    return tuple(found)


def _line_sentences(line: str) -> list[tuple[int, int]]:
    leading = _LINE_START.match(line)  # (it matches the empty string, so it always matches)
    position = leading.end() if leading else 0
    spans = []
    start = position
    for match in _END.finditer(line, position):
        end = match.end()
        following = line[end:end + 1]
        boundary = following == "" or following.isspace() or (following.isupper() and match.group().endswith("]"))
        if not boundary or (match.group().startswith(".") and _word_before(line, match.start()).lstrip("(\"“") in ABBREVIATIONS):
            continue
        spans.append((start, end))
        start = end
    spans.append((start, len(line)))
    trimmed = []
    for start, end in spans:
        while start < end and line[start].isspace():
            start += 1
        while end > start and line[end - 1].isspace():
            end -= 1
        if _CONTENT.search(line, start, end):
            trimmed.append((start, end))
    return trimmed


def _word_before(line: str, end: int) -> str:
    """The word of *line* that ends at *end*, lower-cased (read back to the whitespace before it,
    so that finding every sentence of a line takes time linear in its length)."""
    start = end
    while start > 0 and not line[start - 1].isspace():
        start -= 1
    return line[start:end].lower()


def sentence_at(found: list[Sentence], offset: int) -> Sentence | None:
    """The sentence of *found* (from :func:`sentences`) that holds the character at *offset*."""
    index = bisect.bisect_right([s.start for s in found], offset) - 1
    if index >= 0 and found[index].start <= offset < found[index].end:
        return found[index]
    return None
