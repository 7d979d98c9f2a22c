"""Load the tables as typed pandas DataFrames.

Types come from the Table Schemas: enums become categoricals, integers nullable ``Int64``,
booleans nullable ``boolean``, ``list`` fields Python lists. Values are checked before they are
cast, so nothing is silently turned into a missing value.
"""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

import numpy as np
import pandas as pd

from painimmune.errors import DataError, IntegrityError
from painimmune.package import cells, csvio, files, reading, schemas
from painimmune.package.descriptor import DataPackage
from painimmune.package.integrity import file_hash, parse_hash
from painimmune.package.schemas import Field, Schema, enum, list_delimiter, primary_key

_BOOLEANS = {"true": True, "false": False}
_CAST = ("integer", "boolean", "list")  # the types not loaded as text (with those holding an enum: categoricals)


def tables(path: str | Path | None = None) -> list[str]:
    """Names of the tables (the package's resources), in descriptor order.

    Args:
        path: a data package directory, ``datapackage.json`` or release data zip; the installed data by default.
    """
    return DataPackage(path).table_names


def load(name: str, path: str | Path | None = None, *, verify: bool = True) -> pd.DataFrame:
    """Load table *name* as a typed DataFrame.

    Args:
        name: one of :func:`tables`; any other name (such as a file path) is refused.
        path: a data package directory, ``datapackage.json`` or release data zip; the installed data by default.
        verify: check the file against the ``hash`` recorded in ``datapackage.json`` first. A
            curator editing a table by hand can pass ``verify=False`` to load it before running
            ``python scripts/build.py``; users should never need to.

    Raises:
        UnknownTableError: *name* is not a table of the package (the message lists the valid names).
        IntegrityError: the file's bytes differ from the recorded hash (it changed after the build).
        DataError: the file does not match its Table Schema (the message names row, column and value).
    """
    package = DataPackage(path)
    return _load(package, name, verify)


def load_all(path: str | Path | None = None, *, verify: bool = True) -> dict[str, pd.DataFrame]:
    """All tables as a dict of typed DataFrames, keyed by table name (see :func:`load`)."""
    package = DataPackage(path)
    return {name: _load(package, name, verify) for name in package.table_names}


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


# Verified frames already loaded, by table file: (stamp of the files they came from, frame).
# Callers always get a copy, so no caller can change what the next one receives.
_CACHE: dict[Path, tuple[tuple[int, ...], pd.DataFrame]] = {}


def _load(package: DataPackage, name: str, verify: bool) -> pd.DataFrame:
    table_schema = package.schema(name)
    path = package.table_path(name)
    stamp = _stamp(package, name)
    cached = _CACHE.get(path)
    if stamp is not None and cached is not None and cached[0] == stamp:
        return _copy(cached[1])
    with files.open_file(path, "table", name) as handle:
        frame = typed_frame(name, _verified_text_frame(package, name, handle, verify), table_schema)
    if verify and stamp is not None:  # only verified data is served from the cache, to any caller
        _CACHE[path] = (stamp, frame)
        return _copy(frame)
    return frame


def _stamp(package: DataPackage, name: str) -> tuple[int, ...] | None:
    """Size and modification time of the table, its schema and the descriptor (holding its hash):
    if none changed, the bytes verified before are the bytes on disk. None if one cannot be read."""
    files = [package.table_path(name), package.root / "datapackage.json", package.schema_path(name)]
    stamp: list[int] = []
    for file in files:
        if file is not None:
            try:
                info = file.stat()
            except OSError:
                return None
            stamp += [info.st_size, info.st_mtime_ns]
    return tuple(stamp)


def _copy(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy no caller's change reaches: the Python lists of list columns are copied, and the other
    columns are shared only where pandas copies a column before writing to it (copy-on-write: always
    in pandas 3, when switched on in pandas 2)."""
    shared = int(pd.__version__.split(".", 1)[0]) >= 3 or pd.options.mode.copy_on_write is True
    copy = frame.copy(deep=not shared)
    for column, values in frame.items():
        if values.dtype == object:
            copy[column] = pd.Series([list(cell) for cell in values.tolist()], index=frame.index, dtype=object)
    return copy


def _verified_text_frame(package: DataPackage, name: str, handle: BinaryIO, verify: bool) -> pd.DataFrame:
    """Table *name* (its file open as *handle*) as a frame of strings, read in bounded memory
    (:mod:`painimmune.package.reading`); with *verify*, the bytes parsed are the bytes whose hash
    is checked against ``datapackage.json``, and the Table Schema's hash is checked too. Faults are
    reported in the order of a check of the hashes before the parse: the table's hash, the schema's,
    then the file's contents.

    Raises:
        IntegrityError: see :func:`verify_hash`; or the Table Schema changed after the build.
        DataError: see :func:`read_text_frame`.
    """
    algorithm = _recorded_algorithm(package, name) if verify else None
    schema = package.resource(name)["schema"]
    try:
        table = reading.read_file_strict(handle, name, algorithm)
    except DataError:
        if algorithm is not None:
            _check_digest(package, name, algorithm, reading.file_digest(handle, algorithm))
            package.verify_file(schema, package.schema_bytes(name))
        raise
    if algorithm is not None:
        _check_digest(package, name, algorithm, table.digest or "")
        package.verify_file(schema, package.schema_bytes(name))
    return _complete(name, table, package.schema(name))


def _recorded_algorithm(package: DataPackage, name: str) -> str:
    """The algorithm of the hash ``datapackage.json`` records for table *name*.

    Raises:
        IntegrityError: no hash is recorded, or it is not a well-formed hash.
    """
    recorded = package.resource(name).get("hash")
    where = f"{name}: {package.resource(name)['path']}"
    if not isinstance(recorded, str) or not recorded:
        raise IntegrityError(f"{where}: datapackage.json records no hash, so the file cannot be verified; {_UNVERIFIED}")
    try:
        return parse_hash(recorded)[0]
    except DataError as exc:
        raise IntegrityError(f"{where}: {exc} in datapackage.json; {_UNVERIFIED}") from exc


def _check_digest(package: DataPackage, name: str, algorithm: str, found: str) -> None:
    """Raise :class:`IntegrityError` unless *found* is the digest recorded for table *name*."""
    digest = parse_hash(str(package.resource(name)["hash"]))[1]
    if found != digest:
        where = f"{name}: {package.resource(name)['path']}"
        raise IntegrityError(
            f"{where}: the file does not match the {algorithm} hash in datapackage.json (recorded {digest[:12]}..., "
            f"found {found[:12]}...): it changed after the package was built; {_UNVERIFIED}"
        )


def verify_hash(package: DataPackage, name: str, data: bytes) -> None:
    """Check *data* against the ``hash`` that ``datapackage.json`` records for table *name*.

    Raises:
        IntegrityError: no hash is recorded, or the bytes do not match it.
    """
    recorded = package.resource(name).get("hash")
    where = f"{name}: {package.resource(name)['path']}"
    if not isinstance(recorded, str) or not recorded:
        raise IntegrityError(f"{where}: datapackage.json records no hash, so the file cannot be verified; {_UNVERIFIED}")
    try:
        algorithm, digest, found = file_hash(recorded, data)
    except DataError as exc:
        raise IntegrityError(f"{where}: {exc} in datapackage.json; {_UNVERIFIED}") from exc
    if found != digest:
        raise IntegrityError(
            f"{where}: the file does not match the {algorithm} hash in datapackage.json (recorded {digest[:12]}..., "
            f"found {found[:12]}...): it changed after the package was built; {_UNVERIFIED}"
        )


_UNVERIFIED = ("a curator who edited it on purpose runs `python scripts/build.py`, or loads it unverified "
               "with load(..., verify=False) or `painimmune show --no-verify`")


def read_text_frame(name: str, data: bytes, table_schema: Schema) -> pd.DataFrame:
    """Parse the bytes of a CSV table into a frame of strings (missing cells as NA), in bounded
    memory (:mod:`painimmune.package.reading`), refused as :func:`checked_rows` refuses.

    Raises:
        DataError: the bytes are not strict UTF-8 text with LF line ends, the CSV is malformed, its
            header differs from the schema's columns, or a row has the wrong number of cells.
    """
    return _complete(name, reading.read_strict(data, name), table_schema)


def _complete(name: str, table: reading.TableText, table_schema: Schema) -> pd.DataFrame:
    """The frame of *table*, refused unless its header is the schema's and every row is complete."""
    refuse_header(name, table.header, table_schema)
    if table.ragged:
        position, row = table.ragged[0]
        raise DataError(f"{name}: line {csvio.line_of(position)}: {len(row)} cells where the header has "
                        f"{len(table.header)}; is the file truncated, or a delimiter missing or extra?")
    return table.frame


def checked_rows(name: str, text: str, table_schema: Schema) -> tuple[list[str], list[list[str]]]:
    """The header and rows of CSV *text*, refused unless they fit the Table Schema's columns.

    Raises:
        DataError: the CSV is malformed, its header differs from the schema's columns, or a row has
            the wrong number of cells (a truncated file); the message names the column or line.
    """
    header, rows = csvio.parse(text, name)
    refuse_header(name, header, table_schema)
    ragged = csvio.ragged_rows(header, rows)
    if ragged:
        position = ragged[0]
        raise DataError(f"{name}: line {csvio.line_of(position)}: {len(rows[position])} cells where the header has "
                        f"{len(header)}; is the file truncated, or a delimiter missing or extra?")
    return header, rows


def refuse_header(name: str, header: list[str], table_schema: Schema) -> None:
    """Raise :class:`DataError` naming the first way *header* differs from the schema's columns, if any."""
    problems = schemas.header_problems(header, table_schema)
    if problems:
        column, message = problems[0]
        raise DataError(f"{name}: column {column}: {message}" if column else f"{name}: {message}")


def typed_frame(name: str, frame: pd.DataFrame, table_schema: Schema) -> pd.DataFrame:
    """Cast a frame of strings to the types its Table Schema declares."""
    keys = primary_key(table_schema)
    texts = {field["name"]: list_delimiter(field) if field.get("type") == "list" else None
             for field in table_schema["fields"] if field.get("type", "string") not in ("integer", "boolean")}
    found = cells.first_unsafe_cell(frame, texts)
    if found is not None:
        column, row, reason = found
        raise DataError(f"{name}: row {row_key(frame, row, keys)}: column {column}: value {str(frame.at[row, column])[:80]!r}: "
                        f"{reason}; refused (`painimmune validate` names every such cell)")
    typed = frame.copy(deep=False)
    for field in table_schema["fields"]:
        if not _loaded_as_text(field):  # (text stays as read, missing cells pd.NA)
            typed[field["name"]] = _cast(name, frame, field, keys)
    return typed


def _loaded_as_text(field: Field) -> bool:
    """Whether a column of *field* is loaded as the strings read: no integer, boolean, list or enum."""
    return field.get("type") not in _CAST and enum(field) is None


def row_key(frame: pd.DataFrame, index: int, keys: list[str]) -> str:
    """How a row is named in messages: its primary-key values, or its line in the file when a key is empty."""
    values = [frame.at[index, key] for key in keys]
    if values and not any(pd.isna(value) for value in values):
        return ", ".join(str(value) for value in values)
    return f"line {csvio.line_of(int(index))}"


def _cast(table: str, frame: pd.DataFrame, field: Field, keys: list[str]) -> pd.Series:
    """The column of *field* (one not loaded as text: :func:`_loaded_as_text`) cast to its type,
    refused when a value is not of it."""
    column = field["name"]
    values = frame[column]
    kind = field.get("type", "string")
    allowed = enum(field)
    if kind == "list":
        delimiter = list_delimiter(field)
        return pd.Series([cell.split(delimiter) if isinstance(cell, str) else [] for cell in values.tolist()], index=frame.index,
                         name=column, dtype=object)
    present = values.notna().to_numpy()

    def fail(bad: np.ndarray, expected: str) -> None:
        row = values.index[int(bad.argmax())]
        raise DataError(f"{table}: row {row_key(frame, row, keys)}: column {column}: value {values[row]!r} is not {expected}")

    if kind == "integer":
        bad = present & ~_matches(values, csvio.TEXT_SYNTAX["integer"])
        if bad.any():
            fail(bad, "an integer")
        return _integers(values)
    words = list(_BOOLEANS) if kind == "boolean" else allowed or []
    codes = _codes(values, words)
    bad = present & (codes < 0)
    if bad.any():
        fail(bad, "true or false" if kind == "boolean" else f"one of {words}")
    if kind == "boolean":
        return pd.Series(pd.arrays.BooleanArray(codes == words.index("true"), codes < 0), index=frame.index, name=column)
    return pd.Series(pd.Categorical.from_codes(codes, dtype=pd.CategoricalDtype(words)), index=frame.index, name=column)


def _codes(values: pd.Series, words: list[str]) -> np.ndarray:
    """The position of each of *values* in *words*, -1 where it is missing or none of them: one
    pass of Arrow's kernel where the strings are Arrow's (as the package's reader makes them)."""
    if isinstance(values.array, pd.arrays.ArrowStringArray):
        import pyarrow as pa
        import pyarrow.compute as pc

        found = pc.index_in(pa.array(values.array), value_set=pa.array(words, pa.large_string()))
        return np.asarray(pc.fill_null(found, -1).to_numpy(zero_copy_only=False), dtype=np.int64)
    return pd.Index(words).get_indexer(values.astype(object).where(values.notna(), None)).astype(np.int64)


def _matches(values: pd.Series, pattern: str) -> np.ndarray:
    """Which of *values* match *pattern* (of ASCII ranges and alternatives only, which Arrow's
    engine and Python's read alike) whole; False where missing."""
    if isinstance(values.array, pd.arrays.ArrowStringArray):
        import pyarrow as pa
        import pyarrow.compute as pc

        found = pc.match_substring_regex(pa.array(values.array), f"^(?:{pattern})$")
        return np.asarray(pc.fill_null(found, False).to_numpy(zero_copy_only=False), dtype=bool)
    return values.str.fullmatch(pattern).fillna(False).to_numpy(dtype=bool)


def _integers(values: pd.Series) -> pd.Series:
    """*values*, each an integer in the package's one form (:func:`_matches`) or missing, as ``Int64``."""
    if isinstance(values.array, pd.arrays.ArrowStringArray):
        import pyarrow as pa
        import pyarrow.compute as pc

        numbers = pc.cast(pa.array(values.array), pa.int64())
        return pd.Series(numbers.to_pandas(types_mapper={pa.int64(): pd.Int64Dtype()}.get), index=values.index, name=values.name)
    return values.astype("Int64")
