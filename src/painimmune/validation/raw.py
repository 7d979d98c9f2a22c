"""Each table read once for all validation layers: its bytes while it is checked, and its text as
:mod:`painimmune.package.reading` reads it (faults of the file, header, rows as a frame of strings)."""

from __future__ import annotations

from dataclasses import dataclass, field

from painimmune.errors import DataError
from painimmune.package import csvio
from painimmune.package.descriptor import DataPackage
from painimmune.package.reading import TableText, read_text
from painimmune.package.schemas import header_problems, primary_key


@dataclass
class RawTable:
    """A table as found on disk, before any check.

    Attributes:
        data: the file's bytes (None when it cannot be read); dropped with the RawTable once the
            file's own checks are done, so that one table's bytes are held at a time.
        text: the file as read: its faults, header, row count, complete rows as a frame of strings,
            rows of the wrong length, and whether it is in the package's CSV dialect and sorted by
            its primary key.
        header_faults: how the header differs from the schema's columns, as (column, message) pairs.
        error: why the file could not be read or parsed, if it could not.
    """

    data: bytes | None = None
    text: TableText = field(default_factory=lambda: TableText(size=0))
    header_faults: list[tuple[str | None, str]] = field(default_factory=list)
    error: DataError | None = None


def read(package: DataPackage, name: str) -> RawTable:
    """Read table *name* once, collecting faults instead of stopping at them."""
    raw = RawTable()
    try:
        raw.data = csvio.read_bytes(package.table_path(name), name)
        table_schema = package.schema(name)
        raw.text = read_text(raw.data, name, primary_key(table_schema))
        raw.header_faults = header_problems(raw.text.header, table_schema)
    except DataError as exc:
        raw.error = exc
    return raw
