"""The normal form of a table: canonical CSV bytes with rows sorted by primary key."""

from __future__ import annotations

from painimmune import csvio
from painimmune.descriptor import DataPackage
from painimmune.loader import checked_rows
from painimmune.schemas import primary_key


def normalised_table(package: DataPackage, name: str) -> tuple[bytes, int]:
    """The canonical bytes of table *name* and its number of rows.

    Raises:
        DataError: the file cannot be read strictly, its header differs from the schema, or a row
            has the wrong number of cells: such a table cannot be normalised without guessing.
    """
    table_schema = package.schema(name)
    text = csvio.decode(csvio.read_bytes(package.table_path(name), name), name)
    header, rows = checked_rows(name, text, table_schema)
    positions = [header.index(column) for column in primary_key(table_schema)]
    rows.sort(key=lambda row: [row[i] for i in positions])
    return csvio.format_rows(header, rows), len(rows)
