"""How the package rules read the rows of large tables: a chunk of rows at a time, lists split as read.

A relationship table can hold a million rows, and the package rules read them row by row in Python.
:func:`rows` takes the values of a chunk of rows at a time, so that the Python objects of a whole
column (a million quotes) never exist at once; and a relationship table's ``list`` columns are kept
as text in the frames the rules read, split by :func:`items` when a row is read, so that no Python
list is held per cell (tables loaded by :func:`painimmune.load`, whose list columns hold lists,
read the same way).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import pandas as pd

CHUNK_ROWS = 20_000


def rows(frame: pd.DataFrame, columns: Sequence[str]) -> Iterator[tuple[Any, ...]]:
    """The values of *columns* of each row of *frame* in order (missing values as NaN), a chunk of
    rows at a time."""
    for start in range(0, len(frame), CHUNK_ROWS):
        part = frame.iloc[start:start + CHUNK_ROWS]
        yield from zip(*(part[column].tolist() for column in columns))


def items(value: object, delimiter: str = "|") -> list[str]:
    """The items of a list cell: a list as it is, a text split at *delimiter*, a missing value none."""
    if isinstance(value, list):
        return value
    if isinstance(value, str):
        return value.split(delimiter)
    return []
