"""The tables as they are: CSV (the data package), JSON records, typed Parquet."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from painimmune.loader import load
from painimmune.output import OutputFolder
from painimmune.package.composition import SHARED_FIELDS
from painimmune.package.descriptor import DataPackage
from painimmune.package.locate import DESCRIPTOR


def write_csv(package: DataPackage, out: OutputFolder) -> list[Path]:
    """A copy of the data package: ``datapackage.json``, ``tables/``, ``schemas/`` (with the shared
    field definitions), byte for byte."""
    written = [out.write_bytes(DESCRIPTOR, package.descriptor_bytes)]
    for name in package.table_names:
        resource = package.resource(name)
        written.append(out.write_bytes(resource["path"], package.file(resource["path"], "table")))
        written.append(out.write_bytes(resource["schema"], package.schema_bytes(name)))
    if (package.root / SHARED_FIELDS).exists():
        written.append(out.write_bytes(SHARED_FIELDS, package.file(SHARED_FIELDS, "json")))
    return written


def write_json(package: DataPackage, out: OutputFolder) -> list[Path]:
    """``painimmune.json``: ``{"name", "version", "tables": {table: [record, ...]}}`` with typed values."""
    tables = {name: [_record(row) for row in load(name, package.root).to_dict("records")] for name in package.table_names}
    document = {"name": package.descriptor.get("name"), "version": package.version, "tables": tables}
    return [out.write_text("painimmune.json", json.dumps(document, indent=1, ensure_ascii=False) + "\n")]


def _record(row: dict[str, Any]) -> dict[str, Any]:
    return {column: _plain(value) for column, value in row.items()}


def _plain(value: Any) -> Any:
    if isinstance(value, list):
        return value
    if value is None or pd.isna(value):
        return None
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


def write_parquet(package: DataPackage, out: OutputFolder) -> list[Path]:
    """One Parquet file per table: enums as dictionaries, nullable integers and booleans, lists as
    ``list<string>``; column descriptions and the release version in the file metadata."""
    from painimmune.export import require

    pa = require("pyarrow", "parquet")
    parquet = require("pyarrow.parquet", "parquet")
    written = []
    for name in package.table_names:
        frame = load(name, package.root)
        table = pa.Table.from_pandas(frame, preserve_index=False)
        descriptions = {field["name"]: field.get("description", "") for field in package.schema(name)["fields"]}
        fields = [field.with_metadata({"description": descriptions[field.name]}) for field in table.schema]
        metadata = {b"painimmune_version": package.version.encode(), b"painimmune_table": name.encode()}
        table = table.cast(pa.schema(fields, metadata={**(table.schema.metadata or {}), **metadata}))
        with out.writing(f"{name}.parquet") as temp:
            parquet.write_table(table, temp)
        written.append(out.target(f"{name}.parquet"))
    return written
