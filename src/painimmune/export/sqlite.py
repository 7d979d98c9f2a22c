"""An SQLite database with primary and foreign keys declared, and Datasette metadata beside it."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pandas as pd

from painimmune.errors import DataError
from painimmune.loader import load
from painimmune.output import OutputFolder
from painimmune.package.descriptor import DataPackage
from painimmune.package.schemas import Field, foreign_keys, list_delimiter, primary_key

DATABASE = "painimmune.db"
_SQL_TYPES = {"integer": "INTEGER", "boolean": "INTEGER", "number": "REAL"}


def write_sqlite(package: DataPackage, out: OutputFolder) -> list[Path]:
    """``painimmune.db`` (tables in descriptor order, keys declared and enforced while loading) and
    ``metadata.json`` giving Datasette the title, licence and every table and column description.

    Booleans are stored as 0/1, list fields as text joined by their delimiter (as in the CSV).
    """
    with out.writing(DATABASE) as temp:
        _fill(package, temp)
    metadata = out.write_text("metadata.json", json.dumps(datasette_metadata(package), indent=2, ensure_ascii=False) + "\n")
    return [out.target(DATABASE), metadata]


def _fill(package: DataPackage, target: Path) -> None:
    """Create the tables of *package* in the (new, empty) SQLite file *target*."""
    target.unlink(missing_ok=True)
    with sqlite3.connect(target) as connection:
        connection.execute("PRAGMA foreign_keys = ON")
        for name in package.table_names:
            table_schema = package.schema(name)
            connection.execute(_create_table(name, table_schema))
            frame = load(name, package.root)
            columns = [field["name"] for field in table_schema["fields"]]
            rows = [[_cell(value, field) for value, field in zip(row, table_schema["fields"])]
                    for row in frame[columns].itertuples(index=False)]
            placeholders = ", ".join("?" for _ in columns)
            connection.executemany(f"INSERT INTO {_quote(name)} VALUES ({placeholders})", rows)
        violations = connection.execute("PRAGMA foreign_key_check").fetchall()
        if violations:
            raise DataError(f"foreign keys violated in the SQLite export: {violations[:5]}")
    connection.close()


def datasette_metadata(package: DataPackage) -> dict[str, Any]:
    """Datasette's ``metadata.json``: title, description, licence, and table and column descriptions."""
    descriptor = package.descriptor
    licence = descriptor.get("licenses", [{}])[0]
    tables = {}
    for name in package.table_names:
        resource = package.resource(name)
        tables[name] = {
            "title": resource.get("title", name),
            "description": resource.get("description", ""),
            "columns": {field["name"]: field.get("description", "") for field in package.schema(name)["fields"]},
        }
    return {
        "title": descriptor.get("title", ""),
        "description": descriptor.get("description", ""),
        "license": licence.get("name", ""),
        "license_url": licence.get("path", ""),
        "source": f"painimmune {package.version}",
        "databases": {Path(DATABASE).stem: {"tables": tables}},
    }


def _create_table(name: str, table_schema: dict[str, Any]) -> str:
    lines = []
    for field in table_schema["fields"]:
        kind = field.get("type", "string")
        definition = f"{_quote(field['name'])} {_SQL_TYPES.get(kind, 'TEXT')}"
        if field.get("constraints", {}).get("required"):
            definition += " NOT NULL"
        if kind == "boolean":
            definition += f" CHECK ({_quote(field['name'])} IN (0, 1))"
        lines.append(definition)
    keys = primary_key(table_schema)
    if keys:
        lines.append(f"PRIMARY KEY ({', '.join(map(_quote, keys))})")
    for column, resource, ref_column in foreign_keys(table_schema):
        lines.append(f"FOREIGN KEY ({_quote(column)}) REFERENCES {_quote(resource)} ({_quote(ref_column)})")
    return f"CREATE TABLE {_quote(name)} (\n  " + ",\n  ".join(lines) + "\n)"


def _cell(value: Any, field: Field) -> Any:
    if isinstance(value, list):
        return list_delimiter(field).join(value) if value else None
    if value is None or pd.isna(value):
        return None
    if field.get("type") == "boolean":
        return int(bool(value))
    if field.get("type") == "integer":
        return int(value)
    return str(value)


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'
