"""What changed between two releases: rows added, removed and changed per table, by primary key.

Either side is a package directory, its ``datapackage.json``, or a release data zip (judged and
read within limits by :mod:`painimmune.package.zipped`, its copy removed once read), or, in a git
checkout, a release version such as ``1.0.0`` (:mod:`painimmune.releases`: its commit from the
release record, its files from ``git archive``). Both sides are verified against the hashes they record
before anything is compared; a release named by version that predates a hash (1.0.0 records no
hash of its schemas) is compared anyway, and :attr:`PackageDiff.unverified` names what was not verified. Values are compared as written in the files, so a change is never
hidden or invented by type conversion.
"""

from __future__ import annotations

from contextlib import ExitStack
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from painimmune.errors import DataError
from painimmune.loader import checked_rows, verify_hash
from painimmune.package import csvio
from painimmune.package.descriptor import DataPackage
from painimmune.package.extracted import temporary_package
from painimmune.package.locate import release_zip
from painimmune.package.schemas import primary_key
from painimmune.releases import is_version, release_package


@dataclass
class ChangedRow:
    """A row present on both sides whose values differ: {column: [old, new]}."""

    key: str
    columns: dict[str, list[str]]


@dataclass
class TableDiff:
    """The changes to one table."""

    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[ChangedRow] = field(default_factory=list)
    columns_added: list[str] = field(default_factory=list)
    columns_removed: list[str] = field(default_factory=list)
    status: str = "present"  # or "added" / "removed": the whole table is new or gone

    @property
    def unchanged(self) -> bool:
        """Whether the table is the same on both sides: no row or column added, removed or changed."""
        return self.status == "present" and not (self.added or self.removed or self.changed or self.columns_added
                                                 or self.columns_removed)


@dataclass
class PackageDiff:
    """The changes from one release to another."""

    old_version: str
    new_version: str
    tables: dict[str, TableDiff]
    unverified: list[str] = field(default_factory=list)  # files of a release named by version that record no hash

    def to_dict(self) -> dict[str, Any]:
        """The diff as plain data (for JSON output)."""
        return {"old_version": self.old_version, "new_version": self.new_version,
                "tables": {name: asdict(table) for name, table in self.tables.items()}}

    @property
    def unchanged(self) -> bool:
        """Whether every table is the same on both sides (the versions may still differ)."""
        return all(table.unchanged for table in self.tables.values())

    def to_text(self) -> str:
        """The diff as lines a person reads: a summary per changed table, then one line per row;
        unchanged tables are not listed."""
        lines = [f"painimmune {self.old_version} -> {self.new_version}"]
        if self.unchanged:
            lines.append(f"no differences in {len(self.tables)} tables")
        for name, table in self.tables.items():
            if table.unchanged:
                continue
            status = "" if table.status == "present" else f" (table {table.status})"
            lines.append(f"{name}{status}: {len(table.added)} added, {len(table.removed)} removed, {len(table.changed)} changed")
            lines += [f"  column added: {column}" for column in table.columns_added]
            lines += [f"  column removed: {column}" for column in table.columns_removed]
            lines += [f"  + {key}" for key in table.added]
            lines += [f"  - {key}" for key in table.removed]
            lines += [f"  ~ {row.key}: {', '.join(row.columns)}" for row in table.changed]
        return "\n".join(lines) + "\n"


def diff(old: str | Path, new: str | Path) -> PackageDiff:
    """Compare two releases (package directories, ``datapackage.json`` files, release data zips, or
    versions in the release record of the git checkout holding the current directory).

    Raises:
        PackageNotFoundError: a side is neither a package nor a zip.
        DataError: a zip is unsafe or holds no single package, or a side does not match its hashes.
        ReleaseNotFoundError: a side is a version not in the release record, or there is no git
            checkout to find it in.
        DataError: a table of either side cannot be read; the message names it.
        DataError: a table of either side repeats a primary key (rows could not be matched one to
            one); the message names the table, the key, its lines and the side.
    """
    unverified: list[str] = []
    with ExitStack() as stack:
        sides = []
        for side in (old, new):
            if isinstance(side, str) and is_version(side) and not Path(side).exists():
                sides.append(_read_release(stack.enter_context(release_package(side)), unverified, side))
            else:
                sides.append(_read_release(Path(side)))
    (old_version, old_tables), (new_version, new_tables) = sides
    tables = {}
    for name in [*old_tables, *(n for n in new_tables if n not in old_tables)]:
        tables[name] = _diff_table(old_tables.get(name), new_tables.get(name))
    return PackageDiff(old_version, new_version, tables, unverified)


Table = tuple[list[str], dict[str, dict[str, str]]]  # (columns, {key: {column: value}})


def _read_release(path: Path, unverified: list[str] | None = None, label: str | None = None) -> tuple[str, dict[str, Table]]:
    archive = release_zip(path)
    if archive is not None:  # judged, extracted, and removed once read
        with temporary_package(archive) as root:
            return _read_package(DataPackage(root), path)
    return _read_package(DataPackage(path), Path(label) if label else path, unverified)


def _read_package(package: DataPackage, side: Path, unverified: list[str] | None = None) -> tuple[str, dict[str, Table]]:
    """The version and the tables of *package* (named *side* in a refusal), each verified against
    the hashes the package records. With *unverified* (a release named by version, taken from git),
    a file whose hash the package does not record is read anyway and named in *unverified*; a hash
    that does not match is refused all the same."""
    package.check_size()
    tables = {}
    for name in package.table_names:
        table_schema = package.schema(name)
        schema_path = package.resource(name)["schema"]
        if unverified is not None and schema_path not in package.descriptor.get("fileHashes", {}):
            unverified.append(f"{side}: {schema_path}: datapackage.json records no hash of this file, so it was not verified")
        else:
            package.verify_file(schema_path, package.schema_bytes(name))
        data = csvio.read_bytes(package.table_path(name), name)
        if unverified is not None and not package.resource(name).get("hash"):
            unverified.append(f"{side}: {package.resource(name)['path']}: datapackage.json records no hash, so it was not verified")
        else:
            verify_hash(package, name, data)
        header, rows = checked_rows(name, csvio.decode(data, name), table_schema)
        positions = [header.index(column) for column in primary_key(table_schema)]
        if not positions:
            raise DataError(f"{name}: the table has no primary key, so its rows cannot be matched")
        tables[name] = (header, _keyed_rows(name, header, rows, positions, side))
    return package.version, tables


def _keyed_rows(name: str, header: list[str], rows: list[list[str]], positions: list[int],
                side: Path) -> dict[str, dict[str, str]]:
    """The *rows* of table *name* of package *side* as {key: {column: value}}, the key being the
    cells at *positions* joined by ', '.

    Raises:
        DataError: two rows have the same key; one would hide the other, so the diff is refused.
    """
    keyed: dict[str, dict[str, str]] = {}
    first_line: dict[str, int] = {}
    for position, row in enumerate(rows):
        key = ", ".join(row[i] for i in positions)
        if key in keyed:
            raise DataError(f"{side}: {name}: primary key {key!r} is repeated (lines {first_line[key]} and "
                            f"{csvio.line_of(position)}), so its rows cannot be matched; the diff is refused")
        keyed[key] = dict(zip(header, row, strict=False))
        first_line[key] = csvio.line_of(position)
    return keyed


def _diff_table(old: Table | None, new: Table | None) -> TableDiff:
    old_columns, old_rows = old if old is not None else ([], {})
    new_columns, new_rows = new if new is not None else ([], {})
    result = TableDiff(
        added=sorted(new_rows.keys() - old_rows.keys()),
        removed=sorted(old_rows.keys() - new_rows.keys()),
        columns_added=[c for c in new_columns if c not in old_columns] if old is not None else [],
        columns_removed=[c for c in old_columns if c not in new_columns] if new is not None else [],
        status="added" if old is None else "removed" if new is None else "present",
    )
    # A column one side lacks reads as empty there: a row that fills an added column (or had filled
    # a removed one) is changed in it.
    compared = [*old_columns, *(c for c in new_columns if c not in old_columns)]
    for key in sorted(old_rows.keys() & new_rows.keys()):
        before, after = old_rows[key], new_rows[key]
        changes = {c: [before.get(c, ""), after.get(c, "")] for c in compared if before.get(c, "") != after.get(c, "")}
        if changes:
            result.changed.append(ChangedRow(key, changes))
    return result
