"""Read ``datapackage.json`` and the Table Schemas it points to (JSON only: no heavy imports)."""

from __future__ import annotations

import hashlib
import json
from functools import cached_property
from pathlib import Path
from typing import Any

from painimmune.errors import DataError, UnknownTableError
from painimmune.locate import DESCRIPTOR, resolve_root
from painimmune.schemas import ROLES, table_role


def file_hash(recorded: str, data: bytes) -> tuple[str, str, str]:
    """The algorithm and digest of a Data Package ``hash`` (``sha256:<hex>``; a bare digest is MD5),
    and the digest of *data* by that algorithm.

    Raises:
        DataError: the algorithm is not one Python can compute.
    """
    algorithm, _, digest = recorded.rpartition(":")
    algorithm = algorithm or "md5"
    if algorithm not in hashlib.algorithms_guaranteed:
        raise DataError(f"unknown hash algorithm {algorithm!r}")
    return algorithm, digest.lower(), hashlib.new(algorithm, data).hexdigest()


def read_json(path: Path) -> Any:
    """Parse a JSON file, turning a syntax error into a :class:`DataError` that names the file and line."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise DataError(f"{path}: file not found") from exc
    except OSError as exc:
        raise DataError(f"{path}: cannot read: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        raise DataError(f"{path}: not UTF-8 ({exc.reason} at byte {exc.start})") from exc
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise DataError(f"{path}: invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}") from exc


def as_package(path: str | Path | DataPackage | None) -> DataPackage:
    """*path* itself when it is a :class:`DataPackage`, else the package at *path* (see :class:`DataPackage`)."""
    return path if isinstance(path, DataPackage) else DataPackage(path)


class DataPackage:
    """A data package on disk: its descriptor, resources and Table Schemas."""

    def __init__(self, path: str | Path | None = None) -> None:
        self.root: Path = resolve_root(path)
        self.descriptor: dict[str, Any] = read_json(self.root / DESCRIPTOR)
        if not isinstance(self.descriptor, dict):
            raise DataError(f"{self.root / DESCRIPTOR}: expected a JSON object")
        self._schemas: dict[str, dict[str, Any]] = {}

    @property
    def version(self) -> str:
        """The data release version, the one version number of the project."""
        return str(self.descriptor.get("version", ""))

    @cached_property
    def resources(self) -> dict[str, dict[str, Any]]:
        """Resource descriptors by name, in descriptor order."""
        resources = self.descriptor.get("resources")
        if not isinstance(resources, list) or not all(isinstance(r, dict) and isinstance(r.get("name"), str) for r in resources):
            raise DataError(f"{self.root / DESCRIPTOR}: 'resources' must be a list of resources, each with a name")
        return {resource["name"]: resource for resource in resources}

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
        return self._inside(name, "path", self.resource(name).get("path"))

    def schema(self, name: str) -> dict[str, Any]:
        """The Table Schema of table *name* (read from ``schemas/`` once, then cached)."""
        if name not in self._schemas:
            ref = self.resource(name).get("schema")
            self._schemas[name] = read_json(self._inside(name, "schema", ref)) if isinstance(ref, str) else ref
            if not isinstance(self._schemas[name], dict) or not isinstance(self._schemas[name].get("fields"), list):
                raise DataError(f"{name}: the Table Schema has no list of fields")
        return self._schemas[name]

    def use_schema(self, name: str, schema: dict[str, Any]) -> None:
        """Use *schema* as the Table Schema of table *name* instead of its file (the build validates
        the schemas it composes before it writes them)."""
        self.resource(name)
        self._schemas[name] = schema

    def schema_path(self, name: str) -> Path | None:
        """Path of the Table Schema file of table *name*, if it is held in a file."""
        ref = self.resource(name).get("schema")
        return self._inside(name, "schema", ref) if isinstance(ref, str) else None

    def _inside(self, name: str, key: str, ref: Any) -> Path:
        """``root / ref``, refusing anything but a relative path that stays inside the package."""
        if not isinstance(ref, str) or not ref:
            raise DataError(f"{name}: resource {key!r} in {DESCRIPTOR} must be a relative path, not {ref!r}")
        path = (self.root / ref).resolve()
        if "://" in ref or Path(ref).is_absolute() or not path.is_relative_to(self.root.resolve()):
            raise DataError(f"{name}: resource {key} {ref!r} in {DESCRIPTOR} points outside the package; refused")
        return path
