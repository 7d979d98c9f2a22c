"""Text cells no reader is handed: one a spreadsheet would run as a formula, or one holding a
character that does not show (:mod:`painimmune.package.characters`), found a column at a time.

Validation names every such cell (rules ``spreadsheet-formula`` and ``invisible-character``); the
loader refuses a table holding one, so that a package whose hashes were refreshed after a formula
was written into it cannot pass the formula on through :func:`painimmune.load`. Most values are
printable ASCII not beginning with a formula character, found by one pass of Arrow's kernels;
only the others are looked at one by one.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from painimmune.package import characters, csvio

# Characters every reader shows as they are: printable ASCII, Latin-1 and Latin Extended-A letters
# and signs (not the no-break space or soft hyphen), Greek letters, and general punctuation (dashes,
# quotation marks, ellipsis, not the line and paragraph separators). A value of these alone holds
# nothing that does not show, which Arrow finds in one pass; any other value is looked at by
# painimmune.package.characters (tests/test_security.py checks each of these characters there).
SHOWN = "\x20-\x7e\u00a1-\u00ac\u00ae-\u017f\u0391-\u03a1\u03a3-\u03a9\u03b1-\u03c9\u2010-\u2027\u2030-\u205e"
# A cell a spreadsheet would read as a formula (=, +, -, @, |, and their full-width and small forms)
# or that begins with a tab or carriage return.
FORMULA_START = "[" + re.escape("".join(csvio.FORMULA_START)) + "]"


def printable_ascii(values: pd.Series) -> np.ndarray:
    """Which of *values* (strings) are printable ASCII only (U+0020 to U+007E): Arrow's kernel where
    the strings are Arrow's, a regular expression otherwise; a missing value is not."""
    if isinstance(values.array, pd.arrays.ArrowStringArray):
        import pyarrow as pa
        import pyarrow.compute as pc

        return pc.fill_null(pc.ascii_is_printable(pa.array(values.array)), False).to_numpy(zero_copy_only=False)
    return ~values.str.contains("[^\x20-\x7e]", regex=True).fillna(True).to_numpy(dtype=bool)


def first_unsafe(values: pd.Series, delimiter: str | None = None) -> tuple[int, str] | None:
    """The index of the first of *values* (text, or lists of items split at *delimiter*) that a
    spreadsheet would run or that holds a character that does not show, and why, in words; None
    when there is none. Missing values are safe.

    >>> first_unsafe(pd.Series(["IL-6", "=1+1"])), first_unsafe(pd.Series(["a|b", "a|@x"]), "|")
    ((1, 'text begins with =, which a spreadsheet runs as a formula'), (1, 'an item begins with @, which a spreadsheet runs as a formula'))
    """
    present = values.notna().to_numpy()
    suspect = present & values.str.contains(_suspect_pattern(delimiter), regex=True).fillna(False).to_numpy(dtype=bool)
    for index, value in values[suspect].items():
        reason = _reason(str(value), delimiter)
        if reason:
            return int(index), reason
    return None


def first_unsafe_cell(frame: pd.DataFrame, columns: dict[str, str | None]) -> tuple[str, int, str] | None:
    """The first cell of *columns* of *frame* (each a text column, or a list column with its
    delimiter) that :func:`first_unsafe` refuses, as (column, index, why), or None. Where every
    column is Arrow's, all of them are judged together by one pass of Arrow's kernels per kind of
    column first (a table is almost always clean), and only a table that is not is looked at
    column by column."""
    if columns and all(isinstance(frame[column].array, pd.arrays.ArrowStringArray) for column in columns):
        import pyarrow as pa
        import pyarrow.compute as pc

        kinds: dict[str | None, list[str]] = {}
        for column, delimiter in columns.items():
            kinds.setdefault(delimiter, []).append(column)
        suspect = False
        for delimiter, names in kinds.items():
            arrays = [pa.array(frame[name].array) for name in names]
            values = pa.chunked_array([chunk.cast(pa.large_string()) for array in arrays
                                       for chunk in (array.chunks if isinstance(array, pa.ChunkedArray) else [array])], pa.large_string())
            suspect = suspect or bool(pc.any(pc.match_substring_regex(values, _suspect_pattern(delimiter))).as_py())
        if not suspect:
            return None
    for column, delimiter in columns.items():
        found = first_unsafe(frame[column], delimiter)
        if found is not None:
            return column, *found
    return None


def _suspect_pattern(delimiter: str | None) -> str:
    """A regular expression found in every value that may be unsafe: a character outside
    :data:`SHOWN`, or a formula character at the start of the value (of an item, in a list)."""
    start = "^" if delimiter is None else f"(?:^|{re.escape(delimiter)})"
    return f"[^{SHOWN}]|{start}{FORMULA_START}"


def _reason(value: str, delimiter: str | None) -> str | None:
    refusal = characters.refusal(value)
    if refusal:
        return f"text {refusal}"
    for item in [value] if delimiter is None else value.split(delimiter):
        if item.startswith(csvio.FORMULA_START):
            what = "text" if delimiter is None else "an item"
            shown = item[0] if item[0].isprintable() else characters.describe(item[0])
            return f"{what} begins with {shown}, which a spreadsheet runs as a formula"
    return None
