"""The tables as they are: CSV (the data package), JSON records, typed Parquet."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pandas as pd

from painimmune.descriptor import DataPackage
from painimmune.locate import DESCRIPTOR
from painimmune.loader import load


def write_csv(package: DataPackage, out: Path) -> list[Path]:
    """A copy of the data package: ``datapackage.json``, ``tables/``, ``schemas/``, byte for byte."""
    written = [out / DESCRIPTOR]
    shutil.copyfile(package.root / DESCRIPTOR, written[0])
    for name in package.table_names:
        for source in (package.table_path(name), package.schema_path(name)):
            if source is None:
                continue
            target = out / source.relative_to(package.root)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
            written.append(target)
    return written


def write_json(package: DataPackage, out: Path) -> list[Path]:
    """``painimmune.json``: ``{"name", "version", "tables": {table: [record, ...]}}`` with typed values."""
    tables = {name: [_record(row) for row in load(name, package.root).to_dict("records")] for name in package.table_names}
    document = {"name": package.descriptor.get("name"), "version": package.version, "tables": tables}
    target = out / "painimmune.json"
    target.write_text(json.dumps(document, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return [target]


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


def write_parquet(package: DataPackage, out: Path) -> list[Path]:
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
        target = out / f"{name}.parquet"
        parquet.write_table(table, target)
        written.append(target)
    return written
