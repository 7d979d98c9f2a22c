"""Each table read once for all validation layers: its bytes, decoded text, file faults and rows."""

from __future__ import annotations

from dataclasses import dataclass, field

from painimmune.errors import DataError
from painimmune.package import csvio
from painimmune.package.descriptor import DataPackage
from painimmune.package.schemas import header_problems


@dataclass
class RawTable:
    """A table as found on disk, before any check.

    Attributes:
        data: the file's bytes (None when it cannot be read).
        text: the decoded text, BOM and CRLF removed, undecodable bytes kept as surrogate escapes.
        faults: (rule, line, message) of the file itself: BOM, CRLF.
        header: the first row.
        header_faults: how the header differs from the schema's columns, as (column, message) pairs.
        rows: the other rows, as lists of strings.
        error: why the file could not be read or parsed, if it could not.
    """

    data: bytes | None = None
    text: str = ""
    faults: list[tuple[str, int, str]] = field(default_factory=list)
    header: list[str] = field(default_factory=list)
    header_faults: list[tuple[str | None, str]] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    error: DataError | None = None


def read(package: DataPackage, name: str) -> RawTable:
    """Read table *name* once, collecting faults instead of stopping at them."""
    raw = RawTable()
    try:
        raw.data = csvio.read_bytes(package.table_path(name), name)
        raw.text, raw.faults = csvio.decode_for_checking(raw.data)
        raw.header, raw.rows = csvio.parse(raw.text, name)
        raw.header_faults = header_problems(raw.header, package.schema(name))
    except DataError as exc:
        raw.error = exc
    return raw
