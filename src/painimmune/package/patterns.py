"""Regular expressions a Table Schema may use to check values: short, compiling, and never exponential.

A ``pattern`` constraint is run over every value of its column, so a pattern that backtracks
exponentially (``(a+)+``, ``(a|aa)*``, ``(?:.{1,1000}){1,1000}``) would hang validation on one
crafted cell. The parse tree of the pattern (Python's own parser, ``re._parser``) is walked: a
repetition is *large* when it has no upper bound or one above :data:`LARGE_REPEAT`, and a large
repetition of a group that itself holds a large repetition or alternatives is refused, as is any
upper bound above :data:`MAX_REPEAT` (more than Arrow's regular-expression engine takes).

>>> check_pattern("^[a-z]+$") is None
True
>>> check_pattern("(a+)+")
"'(a+)+' repeats a repeating or alternating group many times, which can take exponential time; refused"
>>> check_pattern("^(?:.{1,1000}){1,1000}!$") is None, check_pattern(r"^[A-Z]\\d([A-Z]{2}\\d){1,2}$") is None
(False, True)
"""

from __future__ import annotations

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
