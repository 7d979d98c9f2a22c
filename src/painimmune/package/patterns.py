"""Regular expressions a Table Schema may use to check values: short, compiling, and never exponential.

A ``pattern`` constraint is run over every value of its column, so a pattern that backtracks
exponentially (``(a+)+``, ``(a|aa)*``, ``(?:.{1,1000}){1,1000}``) would hang validation on one
crafted cell. The parse tree of the pattern (Python's own parser, ``re._parser``) is walked: a
repetition is *large* when it has no upper bound or one above :data:`LARGE_REPEAT`, and a large
repetition of a group that itself holds a large repetition or alternatives is refused, as is any
upper bound above :data:`MAX_REPEAT` (more than Arrow's regular-expression engine takes). So is
a large repetition that follows another with nothing between them that the first cannot match
(``.*.*.*=``, ``\\w+x?\\w+``): each split of a value between them is tried, which takes time
polynomial in the value's length (a 4 KB cell: minutes). Which characters a part of a pattern can
match is judged on :data:`_SAMPLE` (ASCII and a few letters and spaces beyond), erring towards
refusal.

>>> check_pattern("^[a-z]+$") is None
True
>>> check_pattern("(a+)+")
"'(a+)+' repeats a repeating or alternating group many times, which can take exponential time; refused"
>>> check_pattern("^(?:.{1,1000}){1,1000}!$") is None, check_pattern(r"^[A-Z]\\d([A-Z]{2}\\d){1,2}$") is None
(False, True)
>>> check_pattern(".*.*.*=") is None, check_pattern("^[0-9]+\\.[0-9]+$") is None
(False, True)
"""

from __future__ import annotations

import functools
import re
import sys
from typing import Any

if sys.version_info >= (3, 11):  # the parser of the re module (public as sre_parse before Python 3.11)
    from re import _constants as sre_constants  # type: ignore[attr-defined]
    from re import _parser as sre_parse  # type: ignore[attr-defined]
else:  # pragma: no cover (Python 3.10)
    import sre_constants
    import sre_parse

MAX_PATTERN = 1000
LARGE_REPEAT = 10  # a repetition of more than this many times counts as unbounded when it nests
MAX_REPEAT = 1000  # the largest upper bound of a repetition
_REPEATS = {sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT, getattr(sre_constants, "POSSESSIVE_REPEAT", None)}


def check_pattern(pattern: Any) -> str | None:
    """Why *pattern* may not be used to check values (None when it may): it must be a regular
    expression of at most :data:`MAX_PATTERN` characters that compiles, with no unbounded
    repetition of a group that itself repeats without bound or holds alternatives."""
    if not isinstance(pattern, str) or len(pattern) > MAX_PATTERN:
        return f"must be a regular expression of at most {MAX_PATTERN} characters"
    try:
        parsed = sre_parse.parse(pattern)
    except (re.error, RecursionError, OverflowError) as exc:
        return f"{pattern!r} is not a regular expression ({exc})"
    if _largest_bound(parsed) > MAX_REPEAT:
        return f"{pattern!r} repeats more than {MAX_REPEAT} times; refused"
    if _nested_repeat(parsed, inside_unbounded=False):
        return f"{pattern!r} repeats a repeating or alternating group many times, which can take exponential time; refused"
    if _adjacent_repeats(parsed, frozenset())[1]:
        return (f"{pattern!r} has two unbounded repetitions in a row that can match the same characters (as '.*.*'), which can take "
                "time polynomial in a value's length; refused")
    return None


def _largest_bound(items: Any) -> int:
    """The largest finite upper bound of a repetition anywhere in a parsed pattern (0 when none)."""
    largest = 0
    for op, value in items:
        if op in _REPEATS:
            high = value[1]
            largest = max(largest, 0 if high == sre_constants.MAXREPEAT else high, _largest_bound(value[2]))
        elif op == sre_constants.SUBPATTERN:
            largest = max(largest, _largest_bound(value[-1]))
        elif op == sre_constants.BRANCH:
            largest = max([largest, *(_largest_bound(branch) for branch in value[1])])
        elif op in (sre_constants.ASSERT, sre_constants.ASSERT_NOT):
            largest = max(largest, _largest_bound(value[1]))
    return largest


def _nested_repeat(items: Any, inside_unbounded: bool) -> bool:
    """Whether a parsed pattern has an unbounded repeat inside an unbounded repeat, or alternatives
    inside an unbounded repeat."""
    return any(_item_nests(op, value, inside_unbounded) for op, value in items)


def _item_nests(op: Any, value: Any, inside_unbounded: bool) -> bool:
    if op in _REPEATS:
        _, high, body = value
        unbounded = high == sre_constants.MAXREPEAT or high > LARGE_REPEAT
        return (inside_unbounded and unbounded) or _nested_repeat(body, inside_unbounded or unbounded)
    if op == sre_constants.SUBPATTERN:
        return _nested_repeat(value[-1], inside_unbounded)
    if op == sre_constants.BRANCH:
        branches = value[1]
        alternatives = len(branches) > 1 and any(len(branch) for branch in branches)
        return (inside_unbounded and alternatives) or any(_nested_repeat(branch, inside_unbounded) for branch in branches)
    if op in (sre_constants.ASSERT, sre_constants.ASSERT_NOT):
        return _nested_repeat(value[1], inside_unbounded)
    return False


# The characters on which the character sets of a pattern are compared: ASCII, and letters, digits
# and spaces beyond it that the classes \w, \d and \s (and their negations) treat differently.
_SAMPLE = "".join(map(chr, range(128))) + "\u00a0\u00e9\u03b1\u0663\u2003\u4e00"


def _chars(items: Any) -> frozenset[str]:
    """The characters of :data:`_SAMPLE` that some part of the parsed *items* can match."""
    found: set[str] = set()
    for op, value in items:
        if op in _REPEATS:
            found |= _chars(value[2])
        elif op == sre_constants.SUBPATTERN:
            found |= _chars(value[-1])
        elif op == sre_constants.BRANCH:
            for branch in value[1]:
                found |= _chars(branch)
        elif op in (sre_constants.LITERAL, sre_constants.NOT_LITERAL, sre_constants.ANY, sre_constants.IN):
            found |= _sample_matches(_one_source(op, value))
    return frozenset(found)


def _one_source(op: Any, value: Any) -> str:
    """A regular expression of the one-character item (*op*, *value*)."""
    if op == sre_constants.LITERAL:
        return re.escape(chr(value))
    if op == sre_constants.NOT_LITERAL:
        return f"[^{re.escape(chr(value))}]"
    if op == sre_constants.ANY:
        return "."
    return _class_source(value)


@functools.lru_cache(maxsize=256)
def _sample_matches(source: str) -> frozenset[str]:
    """The characters of :data:`_SAMPLE` that the one-character expression *source* matches (flags,
    which only widen a set, taken as set: any character, either case)."""
    return frozenset(re.findall(source, _SAMPLE, re.DOTALL | re.IGNORECASE))


def _class_source(members: Any) -> str:
    """A character class ``[...]`` equivalent to the parsed class *members* (for a membership test)."""
    parts = []
    negate = ""
    for op, value in members:
        if op == sre_constants.NEGATE:
            negate = "^"
        elif op == sre_constants.LITERAL:
            parts.append(re.escape(chr(value)))
        elif op == sre_constants.RANGE:
            parts.append(f"{re.escape(chr(value[0]))}-{re.escape(chr(value[1]))}")
        elif op == sre_constants.CATEGORY:
            parts.append(_CATEGORIES.get(value, "\\s\\S"))
        else:  # (a set the parser compiled: counted as any character)
            parts.append("\\s\\S")
    return f"[{negate}{''.join(parts)}]"


_CATEGORIES = {sre_constants.CATEGORY_DIGIT: "\\d", sre_constants.CATEGORY_NOT_DIGIT: "\\D", sre_constants.CATEGORY_SPACE: "\\s",
               sre_constants.CATEGORY_NOT_SPACE: "\\S", sre_constants.CATEGORY_WORD: "\\w", sre_constants.CATEGORY_NOT_WORD: "\\W"}


def _adjacent_repeats(items: Any, live: frozenset[str]) -> tuple[frozenset[str], bool]:
    """Walk the parsed *items* in order. *live* holds the characters that a large repetition before
    them can still take (nothing it cannot match has come since). Returns what is live after them,
    and whether a large repetition met a live one that can match a character it can."""
    for op, value in items:
        if op in _REPEATS:
            low, high, body = value
            if high == sre_constants.MAXREPEAT or high > LARGE_REPEAT:
                chars = _chars(body)
                if live & chars:
                    return live, True
                live = live | chars
                continue
            taken, found = _adjacent_repeats(body, live)  # a small repetition: its body twice, as two turns meet
            if found or (high > 1 and _adjacent_repeats(body, taken)[1]):
                return live, True
            live = (live | taken) if low == 0 else taken
        elif op == sre_constants.SUBPATTERN:
            live, found = _adjacent_repeats(value[-1], live)
            if found:
                return live, True
        elif op == sre_constants.BRANCH:
            after: frozenset[str] = frozenset()
            for branch in value[1]:
                taken, found = _adjacent_repeats(branch, live)
                if found:
                    return live, True
                after |= taken
            live = after
        elif op in (sre_constants.LITERAL, sre_constants.NOT_LITERAL, sre_constants.ANY, sre_constants.IN):
            chars = _chars([(op, value)])
            live = live if live & chars else frozenset()  # a character the live repetitions cannot take ends them
    return live, False
