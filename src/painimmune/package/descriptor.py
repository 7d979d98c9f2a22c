"""A data package on disk: :class:`DataPackage`, its descriptor, resources and Table Schemas.

Everything here is read through the trust boundary (:mod:`painimmune.package.files`,
:mod:`~painimmune.package.jsonfile`) and checked for structure (:mod:`~painimmune.package.structure`)
before it is used. JSON only: no heavy imports.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from painimmune.errors import IntegrityError, UnknownTableError
from painimmune.package.files import check_total_size, inside, read_bytes
from painimmune.package.integrity import mismatch
from painimmune.package.jsonfile import loads_accepted
from painimmune.package.locate import DESCRIPTOR, release_zip, resolve_root
from painimmune.package.schemas import ROLES, table_role
from painimmune.package.structure import StructureError, check_descriptor, check_table_schema


def as_package(path: str | Path | DataPackage | None) -> DataPackage:
    """*path* itself when it is a :class:`DataPackage`, else the package at *path* (see :class:`DataPackage`)."""
    return path if isinstance(path, DataPackage) else DataPackage(path)


def web_address(value: object) -> str:
    """*value* if it is a web address (``http`` or ``https``), else the empty string: only such
    addresses become links (a ``javascript:`` path in a crafted descriptor stays text)."""
    return value if isinstance(value, str) and value.startswith(("https://", "http://")) else ""


@dataclass(frozen=True)
class Licence:
    """A licence of the package: its name (or identifier) and its web address, if it has one."""

    name: str
    url: str


class DataPackage:
    """A data package on disk: its descriptor, resources and Table Schemas."""

    def __init__(self, path: str | Path | None = None) -> None:
        """Read and check the descriptor of the package at *path* (a directory, its
        ``datapackage.json`` or a release data zip; the installed data by default).

        A zip is judged, then extracted into a temporary folder that is removed when the process
        ends (:mod:`painimmune.package.extracted`): :attr:`root` is that folder, :attr:`archive`
        the zip.

        Raises:
            PackageNotFoundError: there is no package at *path*.
            DataError: the descriptor cannot be read, is not JSON, or its structure is not usable
                (the message names every fault); or *path* is a zip that is refused.
        """
        self.archive: Path | None = release_zip(path)  # the release zip the package was read from, if any
        self.root: Path = resolve_root(path)
        where = str(self.root / DESCRIPTOR)
        self.descriptor_bytes = read_bytes(inside(self.root, DESCRIPTOR, "the descriptor"), "json", where)

        def usable(descriptor: Any) -> None:
            faults = check_descriptor(descriptor)
            if faults:
                raise StructureError(where, faults)

        self.descriptor: dict[str, Any] = loads_accepted(self.descriptor_bytes, where, usable)
        self._schemas: dict[str, dict[str, Any]] = {}
        self._schema_bytes: dict[str, bytes] = {}

    @property
    def version(self) -> str:
        """The data release version, the one version number of the project."""
        return str(self.descriptor.get("version", ""))

    @property
    def licence(self) -> Licence:
        """The first licence of the package: its name, and its address when that is a web
        address (``http`` or ``https``; a relative path or a ``javascript:`` address is no link)."""
        first = self.descriptor["licenses"][0]
        path = first.get("path")
        url = web_address(path)
        name = next((value for value in (first.get("name"), first.get("title"), path) if isinstance(value, str) and value), "")
        return Licence(name, url)

    @property
    def creators(self) -> list[str]:
        """The names (``title``) of the contributors with the role ``creator``, in order; one
        without a name is left out (the citation then names who it can)."""
        return [item["title"] for item in self.descriptor.get("contributors", [])
                if isinstance(item, dict) and "creator" in (item.get("roles") or []) and isinstance(item.get("title"), str) and item["title"]]

    @property
    def web_sources(self) -> list[str]:
        """The web addresses (``http`` or ``https``) of the descriptor's ``sources``."""
        return [item["path"] for item in self.descriptor.get("sources", []) if isinstance(item, dict) and web_address(item.get("path"))]

    @cached_property
    def resources(self) -> dict[str, dict[str, Any]]:
        """Resource descriptors by name, in descriptor order (names are unique: checked on reading)."""
        return {resource["name"]: resource for resource in self.descriptor["resources"]}

    @property
    def table_names(self) -> list[str]:
        """Names of the tables, in descriptor order."""
        return list(self.resources)

    def role(self, name: str) -> str:
        """The role of table *name*, read from its Table Schema: ``entity`` (it declares a
        ``biolinkCategory``), ``relationship`` (it declares an ``assertion``) or ``lookup``."""
        return table_role(self.schema(name))

    def tables_of_role(self, role: str) -> list[str]:
        """Names of the tables with *role* (see :meth:`role`), in descriptor order."""
        if role not in ROLES:
            raise ValueError(f"unknown table role {role!r}; roles are {', '.join(ROLES)}")
        return [name for name in self.table_names if self.role(name) == role]

    @property
    def entity_tables(self) -> list[str]:
        """The entity tables (mediators, cell types, ...), in descriptor order."""
        return self.tables_of_role("entity")

    @property
    def relationship_tables(self) -> list[str]:
        """The relationship tables (one assertion per row), in descriptor order."""
        return self.tables_of_role("relationship")

    @property
    def lookup_tables(self) -> list[str]:
        """The lookup tables (evidence levels, sources), in descriptor order."""
        return self.tables_of_role("lookup")

    def resource(self, name: str) -> dict[str, Any]:
        """The resource descriptor of table *name*; raises :class:`UnknownTableError` for any other name."""
        if not isinstance(name, str) or name not in self.resources:
            raise UnknownTableError(str(name), self.table_names)
        return self.resources[name]

    def table_path(self, name: str) -> Path:
        """Path of the CSV file of table *name*, which must lie inside the package directory."""
        return inside(self.root, self.resource(name)["path"], f"{name}: resource path")

    def check_size(self) -> None:
        """Refuse a package whose tables together exceed the size limit
        (:data:`painimmune.package.files.TABLES_LIMIT`), before any table is read.

        Raises:
            DataError: the tables are too large together, or a resource path leads outside the package.
        """
        check_total_size({name: self.table_path(name) for name in self.table_names})

    def schema(self, name: str) -> dict[str, Any]:
        """The Table Schema of table *name* (read from ``schemas/`` once, checked, then cached).

        Raises:
            DataError: the schema cannot be read or its structure is not usable.
        """
        resource = self.resource(name)  # (refuses any other name, or a value that is not a name, first)
        if name not in self._schemas:
            where = f"{name}: {resource['schema']}"
            data = read_bytes(self.schema_path(name), "json", where)
            resources = frozenset(self.resources)

            def usable(table_schema: Any) -> None:
                faults = check_table_schema(table_schema, set(resources), name)
                if faults:
                    raise StructureError(f"{name}: Table Schema {resource['schema']}", faults)

            self._schema_bytes[name] = data
            self._schemas[name] = loads_accepted(data, where, usable, (name, resources))
        return self._schemas[name]

    def schema_bytes(self, name: str) -> bytes:
        """The bytes of the Table Schema file of table *name*, as read for :meth:`schema`."""
        self.schema(name)
        return self._schema_bytes.get(name) or read_bytes(self.schema_path(name), "json", name)

    def use_schema(self, name: str, schema: dict[str, Any]) -> None:
        """Use *schema* as the Table Schema of table *name* instead of its file (the build validates
        the schemas it composes before it writes them)."""
        self.resource(name)
        self._schemas[name] = schema

    def schema_path(self, name: str) -> Path:
        """Path of the Table Schema file of table *name*, inside the package directory."""
        return inside(self.root, self.resource(name)["schema"], f"{name}: resource schema")

    def file(self, relative: str, kind: str = "text") -> bytes:
        """The bytes of another file of the package (``CITATION.cff``, ``sources/<id>.txt``, ...),
        read through the trust boundary."""
        return read_bytes(inside(self.root, relative, "file"), kind, relative)

    def verify_file(self, relative: str, data: bytes) -> None:
        """Check *data*, the content of the package file *relative*, against its hash in
        ``fileHashes``.

        Raises:
            IntegrityError: no hash is recorded for the file, or the content does not match it.
        """
        recorded = self.descriptor.get("fileHashes", {}).get(relative)
        if recorded is None:
            raise IntegrityError(f"{relative}: datapackage.json records no hash of this file, so it cannot be verified; "
                                 "run `python scripts/build.py`")
        fault = mismatch(recorded, data)
        if fault:
            raise IntegrityError(f"{relative}: the file changed after the package was built ({fault}); "
                                 "run `python scripts/build.py`")
