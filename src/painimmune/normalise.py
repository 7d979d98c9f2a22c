"""The normal form of a table: canonical CSV bytes with rows sorted by primary key."""

from __future__ import annotations

from painimmune import csvio
from painimmune.descriptor import DataPackage
from painimmune.errors import DataError
from painimmune.schemas import field_names, primary_key


def normalised_table(package: DataPackage, name: str) -> tuple[bytes, int]:
    """The canonical bytes of table *name* and its number of rows.

    Raises:
        DataError: the file cannot be read strictly, its header differs from the schema, or a row
            has the wrong number of cells: such a table cannot be normalised without guessing.
    """
    path = package.table_path(name)
    if not path.is_file():
        raise DataError(f"{name}: file {path} is missing")
    header, rows = csvio.read_rows(path)
    expected = field_names(package.schema(name))
    if header != expected:
        raise DataError(f"{name}: header {header} does not match the schema's columns {expected}")
    for number, row in enumerate(rows, start=2):
        if len(row) != len(header):
            raise DataError(f"{name}: line {number} has {len(row)} cells, the header has {len(header)}")
    positions = [header.index(column) for column in primary_key(package.schema(name))]
    rows.sort(key=lambda row: [row[i] for i in positions])
    return csvio.format_rows(header, rows), len(rows)
