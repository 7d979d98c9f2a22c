"""Synthetic packages of any size, generated from the real package and its schemas.

Relationship rows are copies of real rows whose subject is a synthetic entity (one per round
through the real rows), so every row stays valid: foreign keys resolve, assertions stay unique,
quotes stay verbatim in their source texts, and every synthetic entity is used. Rows are spread
over the relationship tables in the real proportions. The result is in normal form with fresh
hash, bytes and rows, so it validates exactly like the real package.
"""

from __future__ import annotations

import hashlib
import json
import math
import shutil
from pathlib import Path

from painimmune import csvio
from painimmune.descriptor import DataPackage
from painimmune.graph import entity_type, relationship_tables
from painimmune.schemas import field_names, primary_key, unique_keys, xref_columns

PARTS = ("datapackage.json", "tables", "schemas", "sources", "reference", "CITATION.cff", "CHANGELOG.md")


def generate(root: Path, target: Path, relationship_rows: int) -> Path:
    """Write a package with *relationship_rows* rows across the relationship tables into *target*."""
    target.mkdir(parents=True)
    for part in PARTS:
        (shutil.copytree if (root / part).is_dir() else shutil.copy2)(root / part, target / part)
    package = DataPackage(target)
    relations = relationship_tables(package)
    tables = {name: csvio.parse(package.table_path(name).read_text(encoding="utf-8"), name) for name in package.table_names}
    real = sum(len(tables[name][1]) for name in relations)
    new_entities: dict[str, int] = {}
    for name, roles in relations.items():
        header, rows = tables[name]
        wanted = max(round(relationship_rows * len(rows) / real) - len(rows), 0)  # the real rows stay
        subject = header.index(roles.subject)
        entities = entity_type(package, name, roles.subject)
        first = new_entities.get(entities, 0)
        prefix = roles.id_prefix
        # Templates that differ in more than their subject, so one synthetic subject never repeats an assertion.
        key = [header.index(c) for c in unique_keys(package.schema(name))[0] if c != roles.subject]
        templates = list({tuple(row[k] for k in key): row for row in rows}.values())
        made = list(rows)
        for i in range(wanted):
            row = list(templates[i % len(templates)])
            row[0] = f"{prefix}{i + 1:07d}"
            row[subject] = _entity_id(entities, first + i // len(templates))
            made.append(row)
        new_entities[entities] = first + math.ceil(wanted / len(templates))
        tables[name] = (header, made)
    for entities, count in new_entities.items():
        header, rows = tables[entities]
        template = rows[0]
        for j in range(count):
            xrefs = xref_columns(package.schema(entities))
            row = ["" if column in xrefs else value for column, value in zip(header, template)]
            row[header.index("id")] = _entity_id(entities, j)
            row[header.index("name")] = f"synthetic {entities} {j}"
            row[header.index("synonyms")] = ""
            rows.append(row)
    descriptor = package.descriptor
    for name in package.table_names:
        header, rows = tables[name]
        keys = [header.index(column) for column in primary_key(package.schema(name))]
        rows.sort(key=lambda row: [row[i] for i in keys])
        content = csvio.format_rows(field_names(package.schema(name)), rows)
        package.table_path(name).write_bytes(content)
        resource = package.resource(name)
        resource.update(hash="sha256:" + hashlib.sha256(content).hexdigest(), bytes=len(content), rows=len(rows))
    (target / "datapackage.json").write_text(json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return target


def _entity_id(table: str, number: int) -> str:
    return f"synthetic_{table}_{number:07d}"
