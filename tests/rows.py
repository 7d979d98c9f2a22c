"""Edit the tables of a package copy by column name, as a curator would in a spreadsheet.

Every edit must change something: an edit naming a row, column or value that is not there fails
where it is made (``KeyError``), not later as a test that "did not raise".

    with edit_rows(package, "mediators") as table:
        table.set("tnf", name="TNF")               # one row, by primary key
        table.copy("tnf", id="tnf2", name="TNF 2")  # a new row from an old one
        table.add(id="x", name="...", ...)         # a new row from scratch (every column)
        table.remove("il6")

The file is written when the block ends (rows in the order they now have, CSV as the build writes
it, so only the edit differs), and ``datapackage.json`` is left as it is, as after a hand edit;
:func:`refresh_hash` then records the table's new hash, as an attacker would.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from painimmune.package.descriptor import DataPackage
from painimmune.package.schemas import primary_key


class Rows:
    """The rows of one table of a package copy, keyed by primary key."""

    def __init__(self, package: Path, table: str) -> None:
        data_package = DataPackage(package)
        self.table = table
        self.path = data_package.table_path(table)
        self.key = primary_key(data_package.schema(table))
        self.original = self.path.read_bytes()
        header, *rows = csv.reader(io.StringIO(self.original.decode("utf-8"), newline=""))
        self.header: list[str] = header
        self.rows: list[dict[str, str]] = [dict(zip(header, row)) for row in rows]

    def keys(self) -> list[str]:
        """The primary-key value of every row, in file order."""
        return [self._key_of(row) for row in self.rows]

    def row(self, key: str) -> dict[str, str]:
        """The row whose primary key is *key* (its cells joined by ', ' for a key of several columns)."""
        for row in self.rows:
            if self._key_of(row) == key:
                return row
        raise KeyError(f"{self.table}: no row {key!r}")

    def where(self, **cells: str) -> list[dict[str, str]]:
        """The rows holding all these cell values."""
        self._known(cells)
        return [row for row in self.rows if all(row[column] == value for column, value in cells.items())]

    def set(self, key: str, **cells: str) -> dict[str, str]:
        """Set cells of row *key*; each must change."""
        row = self.row(key)
        self._known(cells)
        for column, value in cells.items():
            if row[column] == value:
                raise KeyError(f"{self.table}: row {key}: column {column} already holds {value!r}")
            row[column] = value
        return row

    def change(self, key: str, column: str, function: Callable[[str], str]) -> dict[str, str]:
        """Set one cell of row *key* to a function of its value (which must change it)."""
        self._known({column: ""})
        return self.set(key, **{column: function(self.row(key)[column])})

    def copy(self, key: str, **cells: str) -> dict[str, str]:
        """Append a copy of row *key* with some cells changed."""
        self._known(cells)
        new = {**self.row(key), **cells}
        self.rows.append(new)
        return new

    def add(self, **cells: str) -> dict[str, str]:
        """Append a row given every cell by column name."""
        missing = [column for column in self.header if column not in cells]
        if missing:
            raise KeyError(f"{self.table}: a new row needs every column; missing {missing}")
        self._known(cells)
        self.rows.append(dict(cells))
        return self.rows[-1]

    def remove(self, key: str) -> None:
        """Remove row *key*."""
        self.rows.remove(self.row(key))

    def content(self) -> bytes:
        buffer = io.StringIO(newline="")
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(self.header)
        writer.writerows([row[column] for column in self.header] for row in self.rows)
        return buffer.getvalue().encode("utf-8")

    def _key_of(self, row: dict[str, str]) -> str:
        return ", ".join(row[column] for column in self.key)

    def _known(self, cells: dict[str, str]) -> None:
        unknown = [column for column in cells if column not in self.header]
        if unknown:
            raise KeyError(f"{self.table}: no column {unknown}; the columns are {self.header}")


@contextmanager
def edit_rows(package: Path, table: str) -> Iterator[Rows]:
    """Edit table *table* of the package at *package*; the file is written when the block ends,
    and the block must have changed it."""
    rows = Rows(package, table)
    yield rows
    content = rows.content()
    if content == rows.original:
        raise AssertionError(f"{table}: the edit changed nothing")
    rows.path.write_bytes(content)



def refresh_hash(package: Path, table: str) -> None:
    """Record table *table*'s new hash and size in ``datapackage.json``, as an attacker would (the
    build refuses an invalid package), so that the integrity check alone cannot stop a fault."""
    descriptor = package / "datapackage.json"
    document = json.loads(descriptor.read_text(encoding="utf-8"))
    data = DataPackage(package).table_path(table).read_bytes()
    next(r for r in document["resources"] if r["name"] == table).update(hash="sha256:" + hashlib.sha256(data).hexdigest(),
                                                                        bytes=len(data))
    descriptor.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
