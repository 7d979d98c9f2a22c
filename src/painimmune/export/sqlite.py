"""An SQLite database with primary and foreign keys declared, and Datasette metadata beside it.

Read in Datasette at an ordinary window width, a relationship table shows its direction beside its
relation (columns in :func:`~painimmune.package.schemas.reading_order`), every foreign key shows
the name or label of what it points to (``label_column``), the column descriptions fold away under
the table's description, and the ``assertions`` view gives every row of every relationship table
in words: subject, relation, direction, object, evidence level, source and quote.

Full-text search: each entity table has an FTS5 index ``<table>_fts`` over its name and synonyms,
each relationship table one over its quote (``SELECT * FROM cell_types_fts WHERE cell_types_fts
MATCH 'microglia'``). They are external-content tables (``content="<table>"``, the layout
sqlite-utils' ``enable_fts`` writes), which Datasette detects and offers as the table's search box.
Written with the standard library's sqlite3, not sqlite-utils: a few statements do not warrant a
dependency of the core package.
"""

from __future__ import annotations

import json
import sqlite3
from html import escape
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pandas as pd

from painimmune.errors import DataError
from painimmune.loader import load
from painimmune.output import OutputFolder
from painimmune.package.descriptor import DataPackage
from painimmune.package.schemas import Field, assertion_columns, field_names, foreign_keys, list_delimiter, primary_key, reading_order

DATABASE = "painimmune.db"
_SQL_TYPES = {"integer": "INTEGER", "boolean": "INTEGER", "number": "REAL"}


def write_sqlite(package: DataPackage, out: OutputFolder) -> list[Path]:
    """``painimmune.db`` (tables in descriptor order, keys declared and enforced while loading) and
    ``metadata.json`` giving Datasette the title, licence and every table and column description.

    Booleans are stored as 0/1, list fields as text joined by their delimiter (as in the CSV).
    """
    with out.writing(DATABASE) as temp:
        _fill(package, temp)
        with sqlite3.connect(temp) as connection:
            connection.execute(assertions_view(package))
            for statement in fts_statements(package):
                connection.execute(statement)
        connection.close()
    metadata = out.write_text("metadata.json", json.dumps(datasette_metadata(package), indent=2, ensure_ascii=False) + "\n")
    return [out.target(DATABASE), metadata]


def _fill(package: DataPackage, target: Path) -> None:
    """Create the tables of *package* in the (new, empty) SQLite file *target*."""
    target.unlink(missing_ok=True)
    with sqlite3.connect(target) as connection:
        connection.execute("PRAGMA foreign_keys = ON")
        for name in package.table_names:
            table_schema = package.schema(name)
            fields = reading_order(table_schema)
            connection.execute(_create_table(name, table_schema))
            frame = load(name, package.root)
            columns = [field["name"] for field in fields]
            rows = [[_cell(value, field) for value, field in zip(row, fields, strict=True)] for row in frame[columns].itertuples(index=False)]
            placeholders = ", ".join("?" for _ in columns)
            connection.executemany(f"INSERT INTO {_quote(name)} VALUES ({placeholders})", rows)
        violations = connection.execute("PRAGMA foreign_key_check").fetchall()
        if violations:
            raise DataError(f"foreign keys violated in the SQLite export: {violations[:5]}")
    connection.close()


# The columns each kind of table is searchable by (those it has).
ENTITY_SEARCH = ("name", "synonyms")
RELATIONSHIP_SEARCH = ("quote",)


def fts_statements(package: DataPackage) -> list[str]:
    """The statements that create and fill ``<table>_fts`` (FTS5, external content) for every
    entity table (name, synonyms) and relationship table (quote)."""
    statements = []
    for tables, wanted in ((package.entity_tables, ENTITY_SEARCH), (package.relationship_tables, RELATIONSHIP_SEARCH)):
        for table in tables:
            present = {field["name"] for field in package.schema(table)["fields"]}
            columns = [column for column in wanted if column in present]
            if not columns:
                continue
            fts = _quote(f"{table}_fts")
            statements.append(f"CREATE VIRTUAL TABLE {fts} USING fts5({', '.join(map(_quote, columns))}, "
                              f"content={_quote(table)}, content_rowid=rowid)")
            statements.append(f"INSERT INTO {fts} ({fts}) VALUES ('rebuild')")
    return statements


VIEW = "assertions"
# The column a row is shown by where another table points to it, the first of these it has.
LABEL_COLUMNS = ("name", "label", "title")


def datasette_metadata(package: DataPackage) -> dict[str, Any]:
    """Datasette's ``metadata.json``: title, description, licence, a label column for every table
    that others point to, and each table's column descriptions folded under its description."""
    descriptor = package.descriptor
    tables: dict[str, Any] = {}
    for name in package.table_names:
        resource = package.resource(name)
        fields = reading_order(package.schema(name))
        tables[name] = {
            "title": resource.get("title", name),
            "description_html": _description_html(str(resource.get("description", "")), fields),
        }
        label = next((column for column in LABEL_COLUMNS if any(field["name"] == column for field in fields)), None)
        if label is not None:
            tables[name]["label_column"] = label
    tables[VIEW] = {"title": "Every assertion, in words",
                    "description": "One row per relationship row of every table: subject, relation, direction (supports or refutes), "
                                   "object, evidence level, where the evidence was gathered, source and verbatim quote."}
    return {
        "title": descriptor.get("title", ""),
        "description": descriptor.get("description", ""),
        "license": package.licence.name,
        "license_url": package.licence.url,
        "source": f"painimmune {package.version}",
        "extra_css_urls": ["data:text/css," + quote(row_page_css(package))],
        "databases": {Path(DATABASE).stem: {"tables": tables}},
    }


def row_page_css(package: DataPackage) -> str:
    """A stylesheet that lays out Datasette's page of one row as a list of labelled fields, one per
    line, rather than as a table one row high and wider than the window."""
    rules = [
        "body.row .rows-and-columns, body.row .rows-and-columns tbody, body.row .rows-and-columns tr { display: block; }",
        "body.row .rows-and-columns thead tr { position: absolute; top: -9999px; left: -9999px; }",
        "body.row .rows-and-columns td { display: grid; grid-template-columns: 16rem 1fr; gap: 1rem; border: none; "
        "border-bottom: 1px solid #eee; padding: .3rem 0 !important; }",
        "body.row .rows-and-columns td::before { font-weight: bold; color: #333; margin: 0; padding: 0; font-size: .95em; }",
    ]
    for name in package.table_names:
        for field in package.schema(name)["fields"]:
            title = _css_string(str(field.get("title", field["name"])))
            rules.append(f'body.row.table-{_css_name(name)} td.col-{_css_name(field["name"])}::before {{ content: "{title}"; }}')
    return "\n".join(rules) + "\n"


def _description_html(description: str, fields: list[Field]) -> str:
    """A table's description, with its column descriptions in a list that stays folded until opened."""
    items = "".join(f"<dt><code>{escape(field['name'])}</code></dt><dd>{escape(field.get('description', ''))}</dd>" for field in fields)
    return (f"<p>{escape(description)}</p><details><summary>What each column means</summary>"
            f"<dl class=\"column-descriptions\">{items}</dl></details>")


def assertions_view(package: DataPackage) -> str:
    """``CREATE VIEW assertions``: every row of every relationship table, with names in place of ids."""
    parts = []
    for table in package.relationship_tables:
        schema = package.schema(table)
        roles = assertion_columns(schema)
        targets = {column: resource for column, resource, _ in foreign_keys(schema)}
        joins = [f"JOIN {_quote(targets[roles.subject])} AS s ON s.id = r.{_quote(roles.subject)}"]
        objects = []
        for number, column in enumerate(roles.objects):
            joins.append(f"LEFT JOIN {_quote(targets[column])} AS o{number} ON o{number}.id = r.{_quote(column)}")
            objects.append(f"o{number}.name")
        object_name = f"COALESCE({', '.join(objects)})" if len(objects) > 1 else objects[0]
        modal = "r.modal_verb" if "modal_verb" in field_names(schema) else "NULL"  # ('can' release: as the quote says it)
        parts.append(
            f"SELECT r.id AS row_id, {_literal(table)} AS relationship_table, s.name AS subject, {modal} AS modal_verb, "
            f"r.{_quote(roles.predicate)} AS relation, r.direction AS direction, {object_name} AS object, dc.name AS disease_context, sp.label AS gathered_in, "
            f"l.label AS evidence_level, src.title AS source, r.quote AS quote FROM {_quote(table)} AS r {' '.join(joins)} "
            f"LEFT JOIN {_quote(targets['disease_context_qualifier'])} AS dc ON dc.id = r.disease_context_qualifier "
            f"JOIN {_quote(targets['species_context_qualifier'])} AS sp ON sp.id = r.species_context_qualifier "
            f"JOIN {_quote(targets['evidence_level_id'])} AS l ON l.id = r.evidence_level_id "
            f"JOIN {_quote(targets['source_id'])} AS src ON src.id = r.source_id")
    return f"CREATE VIEW {VIEW} AS\n" + "\nUNION ALL\n".join(parts)


def _create_table(name: str, table_schema: dict[str, Any]) -> str:
    lines = []
    for field in reading_order(table_schema):
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


def _css_string(text: str) -> str:
    """*text* for a CSS string in double quotes: every character but letters, digits, spaces and
    plain punctuation written as a CSS escape, so no title can end the string or the rule."""
    return "".join(char if char.isalnum() or char in " -_.,;:()'/&" else f"\\{ord(char):x} " for char in text)


def _css_name(identifier: str) -> str:
    """*identifier* as Datasette writes it in a class name, when it is already a plain one; any
    other character is escaped (such a table or column then simply gets no label)."""
    return "".join(char if char.isascii() and (char.isalnum() or char in "-_") else f"\\{ord(char):x} " for char in identifier)


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'
