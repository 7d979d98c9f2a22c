"""How the package rules read the rows of large tables: a chunk of rows at a time, lists split as read.

A relationship table can hold a million rows, and the package rules read them row by row in Python.
:func:`rows` takes the values of a chunk of rows at a time, so that the Python objects of a whole
column (a million quotes) never exist at once; and a relationship table's ``list`` columns are kept
as text in the frames the rules read, split by :func:`items` when a row is read, so that no Python
list is held per cell (tables loaded by :func:`painimmune.load`, whose list columns hold lists,
read the same way).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

CHUNK_ROWS = 20_000


def rows(frame: pd.DataFrame | Mapping[str, pd.Series], columns: Sequence[str]) -> Iterator[tuple[Any, ...]]:
    """The values of *columns* of each row of *frame* (a frame, or Series of one length by name) in
    order (missing values as NaN), a chunk of rows at a time."""
    series = [frame[column] for column in columns]
    length = len(series[0]) if series else 0
    if length <= CHUNK_ROWS:
        yield from zip(*(values.tolist() for values in series), strict=True)
        return
    for start in range(0, length, CHUNK_ROWS):
        yield from zip(*(values.iloc[start:start + CHUNK_ROWS].tolist() for values in series), strict=True)


def items(value: object, delimiter: str = "|") -> list[str]:
    """The items of a list cell: a list as it is, a text split at *delimiter*, a missing value none."""
    if isinstance(value, list):
        return value
    if isinstance(value, str):
        return value.split(delimiter)
    return []


def isin(values: pd.Series, allowed: pd.Series) -> np.ndarray:
    """Which of *values* are among the present values of *allowed* (``values.isin(allowed)``), by Arrow's
    hash lookup where both are Arrow strings: pandas reads *allowed* a value at a time there."""
    if isinstance(values.array, pd.arrays.ArrowStringArray) and isinstance(allowed.array, pd.arrays.ArrowStringArray):
        import pyarrow as pa
        import pyarrow.compute as pc

        value_set = pa.array(allowed.array)
        if isinstance(value_set, pa.ChunkedArray):
            value_set = value_set.combine_chunks()
        found = pc.is_in(pa.array(values.array), value_set=value_set, skip_nulls=True)  # (a missing value is among none)
        return pc.fill_null(found, False).to_numpy(zero_copy_only=False)
    return values.isin(allowed.dropna()).to_numpy(dtype=bool)
