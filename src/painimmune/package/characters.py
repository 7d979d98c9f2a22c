"""What text in a package may hold: one definition for every cell, every source text and the descriptors.

A character is refused when it is invisible or changes how text reads without being seen:

- every character Python does not call printable (:meth:`str.isprintable`): the Unicode categories
  Cc (controls), Cf (format: soft hyphen U+00AD, zero-width space and joiners U+200B–U+200D, word
  joiner U+2060, U+FEFF, the Arabic letter mark U+061C, bidirectional marks and overrides, the tag
  characters U+E0000–U+E007F), Cs (surrogates), Co (private use), Cn (unassigned), Zl and Zp (line
  and paragraph separators), and Zs other than the ASCII space (no-break and other spaces);
- the invisible letters and marks that Python calls printable: every other Unicode
  ``Default_Ignorable_Code_Point`` (the combining grapheme joiner U+034F, the Hangul fillers
  U+115F, U+1160, U+3164, U+FFA0, the Khmer inherent vowels U+17B4 and U+17B5, the Mongolian free
  variation selectors and vowel separator U+180B–U+180F, the variation selectors U+FE00–U+FE0F and
  U+E0100–U+E01EF), the Khitan small script filler U+16FE4 and the Braille pattern blank U+2800.

Letters and digits are held to a second definition, :func:`first_lookalike`: a letter or digit that
reads as a Latin letter or an ASCII digit without being one (Cyrillic Т and а, Greek capital Τ,
Greek ρ and ι, dotless ı, ß for β, the micro sign µ for μ, fullwidth Ｔ, mathematical 𝐓, small
capital ᴛ, the Kelvin sign, Roman numeral Ⅰ, Arabic-Indic digits, a symbol named after a letter
such as ⍺), or belongs to another alphabet, would make "ТNF-α" a second TNF that no reader can
tell apart. The letters a text may hold are ASCII letters, Latin letters that are an ASCII letter
with diacritics (é, ö: their canonical decomposition begins with one) and the Greek small letters
that read as no Latin one (:data:`GREEK_ALLOWED`: α, β, γ, δ, κ, μ, ...: TNF-α, IL-1β, NF-κB);
the digits, ASCII digits; and no combining mark stands on its own (one that NFC does not join to
the letter before it). Every letter of the four sources is one of these (the validation rule
source-text-character holds them to it).

A line feed is the whitespace rule's to judge in a cell, and ends lines in a source text. The source
texts, which are copied verbatim from their documents, may also hold what :data:`SOURCE_TEXT_ALLOWED`
lists (the no-break spaces of web pages' furniture), so that quotes stay verbatim; a cell never may.

>>> first_refused("TNF\\u200b-α")
(3, '\\u200b')
>>> describe("\\u00ad")
'U+00AD SOFT HYPHEN'
>>> first_refused("do not") is None
True
>>> all(first_refused(f"TNF{char}-α") for char in "\u17b4\u17b5\U00016fe4\u2800")
True
>>> first_lookalike("\u0422NF-α")
(0, 'Т')
>>> first_lookalike("TNF-α, IL-1β, NF-κB, Guillain–Barré, 2 µm")
(39, 'µ')
>>> [first_lookalike(text) for text in ("ρain", "paın", "IL-1ß", "TNF-⍺")]
[(0, 'ρ'), (2, 'ı'), (4, 'ß'), (4, '⍺')]
"""

from __future__ import annotations

import functools
import re
import unicodedata

# Printable by Python's definition, yet invisible or a modifier of what comes before.
_INVISIBLE_PRINTABLE = re.compile("[\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180f\u2800\u3164\ufe00-\ufe0f\uffa0\U00016fe4"
                                  "\U000e0100-\U000e01ef]")
LINE_FEED = "\n"
# What a source text may hold beyond cells: line feeds, and the no-break space of page furniture.
SOURCE_TEXT_ALLOWED = frozenset({LINE_FEED, "\u00a0"})


def is_refused(char: str, allowed: frozenset[str] = frozenset({LINE_FEED})) -> bool:
    """Whether the one character *char* is refused (see the module docstring), unless *allowed*."""
    return char not in allowed and (not char.isprintable() or _INVISIBLE_PRINTABLE.match(char) is not None)


def is_clean(text: str) -> bool:
    """Whether *text* holds no refused character (a line feed is left to the whitespace rule)."""
    return text.replace(LINE_FEED, "").isprintable() and _INVISIBLE_PRINTABLE.search(text) is None


def first_refused(text: str, allowed: frozenset[str] = frozenset({LINE_FEED})) -> tuple[int, str] | None:
    """The offset and character of the first refused character of *text*, or None."""
    shown = text
    for char in allowed:
        shown = shown.replace(char, "")
    if shown.isprintable() and _INVISIBLE_PRINTABLE.search(shown) is None:  # (most text: a pass or two in C)
        return None
    for offset, char in enumerate(text):
        if is_refused(char, allowed):
            return offset, char
    return None


def describe(char: str) -> str:
    """The code point and Unicode name of *char*: ``U+200B ZERO WIDTH SPACE``."""
    name = unicodedata.name(char, "") or {"Cc": "a control character", "Cs": "a lone surrogate", "Co": "a private-use character",
                                          "Cn": "an unassigned code point"}.get(unicodedata.category(char), "unnamed")
    return f"U+{ord(char):04X} {name}"


def refusal(text: str, allowed: frozenset[str] = frozenset({LINE_FEED})) -> str | None:
    """Why *text* is refused, in words naming the first refused character and where it is, or None."""
    found = first_refused(text, allowed)
    if found is None:
        return None
    offset, char = found
    return (f"holds {describe(char)} at character {offset + 1}, an invisible or format character that changes what the text "
            "reads as without being seen; remove it")


# The Greek small letters a text may hold: those that read as no Latin letter (not ι, ν, ο, ρ, τ,
# υ, χ, ω, which read as i, v, o, p, t, u, x, w).
GREEK_ALLOWED = frozenset("αβγδεζηθκλμξπσςφψ")
# A symbol whose Unicode name makes it a letter: LATIN ... LETTER, APL FUNCTIONAL SYMBOL ALPHA.
_NAMED_AS_LETTER = re.compile(r"\b(?:LETTER|ALPHA|BETA|GAMMA|DELTA|EPSILON|ZETA|ETA|THETA|IOTA|KAPPA|LAMDA|LAMBDA|MU|NU|XI|OMICRON|PI|"
                              r"RHO|SIGMA|TAU|UPSILON|PHI|CHI|PSI|OMEGA)\b")


@functools.lru_cache(maxsize=4096)
def is_lookalike(char: str) -> bool:
    """Whether the one character *char* is a letter, digit or mark a text may not hold (see the
    module docstring): a letter other than ASCII, an ASCII letter with diacritics or a Greek letter of
    :data:`GREEK_ALLOWED`; a digit other than ASCII; a combining mark; a symbol named as a letter."""
    if char.isascii() or char in GREEK_ALLOWED:
        return False
    category = unicodedata.category(char)
    if category[0] == "L":
        decomposed = unicodedata.normalize("NFD", char)
        return not (len(decomposed) > 1 and decomposed[0].isascii() and decomposed[0].isalpha())
    if category in ("Nd", "Nl", "Mn", "Me"):
        return True
    return _NAMED_AS_LETTER.search(unicodedata.name(char, "")) is not None


def first_lookalike(text: str) -> tuple[int, str] | None:
    """The offset and character of the first letter or digit of *text* that :func:`is_lookalike`
    refuses, or None."""
    if text.isascii():
        return None
    for found in _NON_ASCII.finditer(text):
        if is_lookalike(found.group()):
            return found.start(), found.group()
    return None


_NON_ASCII = re.compile("[^\x00-\x7f]")


def lookalike_refusal(text: str) -> str | None:
    """Why *text* is refused for a look-alike letter, in words naming it and where it is, or None."""
    found = first_lookalike(text)
    if found is None:
        return None
    offset, char = found
    return (f"holds {describe(char)} at character {offset + 1}, a letter, digit or mark that reads as a Latin letter or an ASCII "
            "digit without being one, or of another alphabet; write it in ASCII letters (letters with diacritics such as é, and the "
            "Greek small letters such as α and β, are kept)")
