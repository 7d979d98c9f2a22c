"""Which reference markers (``[2]``, ``[2][4]``) a sentence carries: the one written policy, as code.

A source that cites references (the physician's article) marks them with numbers in brackets. A
sentence carries:

1. the markers it holds itself (they end it: ``... nearby nerves.[2][1]``);
2. else, the markers that end its paragraph or list item: a web article gives one set of markers
   at the end of a paragraph, for the whole paragraph;
3. else, when it is an item of a list under a heading that ends in markers (a table's heading:
   ``Condition Key & Immune Features [2][4]``), the heading's markers. The list runs over the
   paragraphs that begin with a bullet after the heading.

A sentence of a source without markers carries none. Validation (``cited-references-policy``) and
the worksheet tool use :func:`sentence_markers`.

>>> text = "Intro one. Intro two.[1][3]\\n\\nKey features [2][4]\\n\\n  • Item: A; B.\\n\\n  • Other.[5]\\n\\nPlain."
>>> found = sentence_markers(text)
>>> [(text[start:end], numbers) for (start, end), numbers in found.items() if numbers]
[('Intro one.', ['1', '3']), ('Intro two.[1][3]', ['1', '3']), ('Key features [2][4]', ['2', '4']), ('Item: A; B.', ['2', '4']), ('Other.[5]', ['5'])]
"""

from __future__ import annotations

import re

from painimmune.language.sentences import Sentence, paragraphs, sentences

MARKER = re.compile(r"\[(\d+)\]")
_ENDS_IN_MARKERS = re.compile(r"(?:\[\d+\])+\s*$")
_BULLET = re.compile(r"^[ \t]*(?:[•*\-–]|\d+\.)[ \t]+")


def own_markers(text: str) -> list[str]:
    """The reference numbers that end *text* (a sentence), in order; empty when none do."""
    ending = _ENDS_IN_MARKERS.search(text)
    return MARKER.findall(ending.group(0)) if ending else []


def sentence_markers(text: str) -> dict[tuple[int, int], list[str]]:
    """The reference numbers each sentence of *text* carries under the policy above, by the
    sentence's span (:func:`painimmune.language.sentences.sentences`)."""
    found = sentences(text)
    by_paragraph: dict[int, list[Sentence]] = {}
    for sentence in found:
        by_paragraph.setdefault(sentence.paragraph, []).append(sentence)
    spans = paragraphs(text)
    heading: list[str] = []  # the markers of the heading whose list the current paragraph may belong to
    result: dict[tuple[int, int], list[str]] = {}
    for number, (start, _) in enumerate(spans):
        members = by_paragraph.get(number, [])
        bullet = bool(_BULLET.match(text[start:]))
        if not bullet:
            heading = []
        final = own_markers(members[-1].text) if members else []
        for sentence in members:
            result[(sentence.start, sentence.end)] = own_markers(sentence.text) or final or (heading if bullet else [])
        if not bullet and len(members) == 1 and final and not re.search(r"[.!?][\"”’')\]]*\s*(?:\[\d+\])+\s*$", members[0].text):
            heading = final  # a heading that ends in markers, with no sentence end before them
    return result


def markers_of_span(text: str, start: int, end: int, found: dict[tuple[int, int], list[str]] | None = None) -> list[str]:
    """The reference numbers carried by the sentences that the span ``start:end`` of *text*
    overlaps, in order of first appearance."""
    found = found if found is not None else sentence_markers(text)
    numbers: list[str] = []
    for (first, last), carried in found.items():
        if first < end and start < last:
            numbers += [number for number in carried if number not in numbers]
    return numbers
