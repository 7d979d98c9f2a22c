"""The normal form of a table: canonical CSV bytes with rows sorted by primary key."""

from __future__ import annotations

from painimmune.loader import checked_rows
from painimmune.package import csvio
from painimmune.package.descriptor import DataPackage
from painimmune.package.schemas import Schema, primary_key


def canonical(header: list[str], rows: list[list[str]], table_schema: Schema) -> bytes:
    """The canonical bytes of a table's rows: sorted by primary key, written in the package's CSV dialect.

    Sorting is stable and linear on rows already in order, so checking a normalised table costs
    no more than reading it.
    """
    positions = [header.index(column) for column in primary_key(table_schema)]
    if len(positions) == 1:
        position = positions[0]
        ordered = sorted(rows, key=lambda row: row[position])
    else:
        ordered = sorted(rows, key=lambda row: [row[i] for i in positions])
    return csvio.format_rows(header, ordered)


def is_canonical(header: list[str], rows: list[list[str]], table_schema: Schema, data: bytes) -> bool:
    """Whether *data*, the bytes of a table whose rows are *rows*, is already its canonical form:
    rows in primary-key order and written in the package's dialect. Checked in one pass and a
    chunk of rows at a time, without building the canonical bytes.

    Raises:
        UnicodeEncodeError: a cell holds text that cannot be encoded as UTF-8.
    """
    positions = [header.index(column) for column in primary_key(table_schema)]
    keys = (tuple(row[i] for i in positions) for row in rows)
    previous = None
    for key in keys:
        if previous is not None and key < previous:
            return False
        previous = key
    return csvio.is_formatted(header, rows, data)


def normalised_table(package: DataPackage, name: str) -> tuple[bytes, int]:
    """The canonical bytes of table *name* and its number of rows.

    Raises:
        DataError: the file cannot be read strictly, its header differs from the schema, or a row
            has the wrong number of cells: such a table cannot be normalised without guessing.
    """
    table_schema = package.schema(name)
    text = csvio.decode(csvio.read_bytes(package.table_path(name), name), name)
    header, rows = checked_rows(name, text, table_schema)
    return canonical(header, rows, table_schema), len(rows)
