"""Load the tables as typed pandas DataFrames.

Types come from the Table Schemas: enums become categoricals, integers nullable ``Int64``,
booleans nullable ``boolean``, ``list`` fields Python lists. Values are checked before they are
cast, so nothing is silently turned into a missing value.
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd

from painimmune import csvio
from painimmune.descriptor import DataPackage
from painimmune.errors import DataError
from painimmune.schemas import Field, Schema, enum, field_names, list_delimiter, primary_key

_BOOLEANS = {"true": True, "false": False}


def tables(path: str | Path | None = None) -> list[str]:
    """Names of the tables (the package's resources), in descriptor order.

    Args:
        path: a data package directory or ``datapackage.json``; the installed data by default.
    """
    return DataPackage(path).table_names


def load(name: str, path: str | Path | None = None) -> pd.DataFrame:
    """Load table *name* as a typed DataFrame.

    Args:
        name: one of :func:`tables`.
        path: a data package directory or ``datapackage.json``; the installed data by default.

    Raises:
        UnknownTableError: *name* is not a table of the package (the message lists the valid names).
        DataError: the file does not match its Table Schema (the message names row, column and value).
    """
    package = DataPackage(path)
    return _load(package, name)


def load_all(path: str | Path | None = None) -> dict[str, pd.DataFrame]:
    """All tables as a dict of typed DataFrames, keyed by table name."""
    package = DataPackage(path)
    return {name: _load(package, name) for name in package.table_names}


def schema(name: str, path: str | Path | None = None) -> pd.DataFrame:
    """The data dictionary of table *name*: one row per column with type, constraints and description."""
    package = DataPackage(path)
    table_schema = package.schema(name)
    keys = set(primary_key(table_schema))
    rows = []
    for field in table_schema["fields"]:
        cons = field.get("constraints", {})
        rows.append(
            {
                "column": field["name"],
                "title": field.get("title", ""),
                "type": field.get("type", "any"),
                "primary_key": field["name"] in keys,
                "required": bool(cons.get("required", False)),
                "unique": bool(cons.get("unique", False)),
                "enum": "|".join(cons.get("enum", [])),
                "pattern": cons.get("pattern", ""),
                "description": field.get("description", ""),
            }
        )
    return pd.DataFrame(rows)


def _load(package: DataPackage, name: str) -> pd.DataFrame:
    table_schema = package.schema(name)
    path = package.table_path(name)
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise DataError(f"{name}: file {path} is missing") from exc
    text = csvio.decode(data, f"{name} ({path})")
    return typed_frame(name, read_text_frame(name, text, table_schema), table_schema)


def read_text_frame(name: str, text: str, table_schema: Schema) -> pd.DataFrame:
    """Parse CSV *text* into a frame of strings (missing cells as NA), checking the header against the schema."""
    columns = field_names(table_schema)
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, na_values=[""])
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise DataError(f"{name}: malformed CSV: {exc}") from exc
    if list(frame.columns) != columns:
        raise DataError(f"{name}: header {list(frame.columns)} does not match the schema's columns {columns}")
    return frame


def typed_frame(name: str, frame: pd.DataFrame, table_schema: Schema) -> pd.DataFrame:
    """Cast a frame of strings to the types its Table Schema declares."""
    keys = primary_key(table_schema)
    typed = {field["name"]: _cast(name, frame, field, keys) for field in table_schema["fields"]}
    return pd.DataFrame(typed, index=frame.index)


def row_key(frame: pd.DataFrame, index: object, keys: list[str]) -> str:
    """How a row is named in messages: its primary-key values, or its line in the file without a key."""
    if keys:
        return ", ".join(str(frame.at[index, key]) for key in keys)
    return f"line {int(index) + 2}"


def _cast(table: str, frame: pd.DataFrame, field: Field, keys: list[str]) -> pd.Series:
    column = field["name"]
    values = frame[column]
    kind = field.get("type", "string")
    present = values.notna()

    def fail(mask: pd.Series, expected: str) -> None:
        row = mask.idxmax()
        raise DataError(f"{table}: row {row_key(frame, row, keys)}: column {column}: value {values[row]!r} is not {expected}")

    if kind == "integer":
        bad = present & ~values.str.fullmatch(r"[+-]?\d+").fillna(False).astype(bool)
        if bad.any():
            fail(bad, "an integer")
        return pd.to_numeric(values).astype("Int64")
    if kind == "boolean":
        bad = present & ~values.isin(list(_BOOLEANS))
        if bad.any():
            fail(bad, "true or false")
        return values.map(_BOOLEANS).astype("boolean")
    if kind == "list":
        delimiter = list_delimiter(field)
        return values.map(lambda cell: cell.split(delimiter) if isinstance(cell, str) else [])
    allowed = enum(field)
    if allowed is not None:
        bad = present & ~values.isin(allowed)
        if bad.any():
            fail(bad, f"one of {allowed}")
        return pd.Series(pd.Categorical(values, categories=allowed), index=frame.index, name=column)
    return values
