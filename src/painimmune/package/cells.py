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
    start = FORMULA_START if delimiter is None else f"(?:^|{re.escape(delimiter)}){FORMULA_START}"
    present = values.notna().to_numpy()
    suspect = present & (~printable_ascii(values) | values.str.contains(start, regex=True).fillna(False).to_numpy(dtype=bool))
    for index, value in values[suspect].items():
        reason = _reason(str(value), delimiter)
        if reason:
            return int(index), reason
    return None


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
