"""Read ``datapackage.json`` and the Table Schemas it points to (JSON only: no heavy imports)."""

from __future__ import annotations

import json
from functools import cached_property
from pathlib import Path
from typing import Any

from painimmune.errors import DataError, UnknownTableError
from painimmune.locate import DESCRIPTOR, resolve_root


def read_json(path: Path) -> Any:
    """Parse a JSON file, turning a syntax error into a :class:`DataError` that names the file and line."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise DataError(f"{path}: file not found") from exc
    except UnicodeDecodeError as exc:
        raise DataError(f"{path}: not UTF-8 ({exc.reason} at byte {exc.start})") from exc
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise DataError(f"{path}: invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}") from exc


class DataPackage:
    """A data package on disk: its descriptor, resources and Table Schemas."""

    def __init__(self, path: str | Path | None = None) -> None:
        self.root: Path = resolve_root(path)
        self.descriptor: dict[str, Any] = read_json(self.root / DESCRIPTOR)
        self._schemas: dict[str, dict[str, Any]] = {}

    @property
    def version(self) -> str:
        """The data release version, the one version number of the project."""
        return str(self.descriptor.get("version", ""))

    @cached_property
    def resources(self) -> dict[str, dict[str, Any]]:
        """Resource descriptors by name, in descriptor order."""
        return {res["name"]: res for res in self.descriptor.get("resources", [])}

    @property
    def table_names(self) -> list[str]:
        """Names of the tables, in descriptor order."""
        return list(self.resources)

    def resource(self, name: str) -> dict[str, Any]:
        """The resource descriptor of table *name*; raises :class:`UnknownTableError` for any other name."""
        if not isinstance(name, str) or name not in self.resources:
            raise UnknownTableError(str(name), self.table_names)
        return self.resources[name]

    def table_path(self, name: str) -> Path:
        """Path of the CSV file of table *name*."""
        return self.root / self.resource(name)["path"]

    def schema(self, name: str) -> dict[str, Any]:
        """The Table Schema of table *name* (read from ``schemas/`` once, then cached)."""
        if name not in self._schemas:
            ref = self.resource(name)["schema"]
            self._schemas[name] = read_json(self.root / ref) if isinstance(ref, str) else ref
        return self._schemas[name]

    def schema_path(self, name: str) -> Path | None:
        """Path of the Table Schema file of table *name*, if it is held in a file."""
        ref = self.resource(name)["schema"]
        return self.root / ref if isinstance(ref, str) else None
