"""Each table read once for all validation layers, as :mod:`painimmune.package.reading` reads it:
its faults, header, rows as a frame of strings, size and digest (a file in the package's dialect is
never held whole)."""

from __future__ import annotations

from dataclasses import dataclass, field

from painimmune.errors import DataError
from painimmune.package.descriptor import DataPackage
from painimmune.package.integrity import algorithm_of
from painimmune.package.reading import TableText, read_file
from painimmune.package.schemas import header_problems, primary_key


@dataclass
class RawTable:
    """A table as found on disk, before any check.

    Attributes:
        text: the file as read: its size, its digest by the algorithm of the hash the descriptor
            records (sha256 when none is recorded), its faults, header and row count, complete rows
            as a frame of strings, rows of the wrong length, and whether it is in the package's CSV
            dialect and sorted by its primary key.
        header_faults: how the header differs from the schema's columns, as (column, message) pairs.
        error: why the file could not be read or parsed, if it could not.
        readable: whether the file could be read (its size and digest are known) even if not parsed.
    """

    text: TableText = field(default_factory=lambda: TableText(size=0))
    header_faults: list[tuple[str | None, str]] = field(default_factory=list)
    error: DataError | None = None
    readable: bool = False


def read(package: DataPackage, name: str) -> RawTable:
    """Read table *name* once, collecting faults instead of stopping at them."""
    raw = RawTable()
    try:
        table_schema = package.schema(name)
        algorithm = algorithm_of(package.resource(name).get("hash")) or "sha256"
        raw.text = read_file(package.table_path(name), name, primary_key(table_schema), algorithm)
    except DataError as exc:
        raw.error = exc
        return raw
    raw.readable = True
    raw.error = raw.text.error
    if raw.error is None:
        raw.header_faults = header_problems(raw.text.header, table_schema)
    return raw
