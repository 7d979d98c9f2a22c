"""Facts read from a Frictionless Table Schema: field names, keys, enums, list delimiters."""

from __future__ import annotations

from typing import Any

Schema = dict[str, Any]
Field = dict[str, Any]


def field_names(schema: Schema) -> list[str]:
    """Column names in schema order."""
    return [field["name"] for field in schema["fields"]]


def primary_key(schema: Schema) -> list[str]:
    """Primary-key columns (a Table Schema may write a single key as a string)."""
    key = schema.get("primaryKey", [])
    return [key] if isinstance(key, str) else list(key)


def constraints(field: Field) -> dict[str, Any]:
    """The field's constraints (empty if none)."""
    return field.get("constraints", {})


def is_required(field: Field) -> bool:
    """Whether the field must not be empty."""
    return bool(constraints(field).get("required", False))


def enum(field: Field) -> list[str] | None:
    """Allowed values of the field, if it declares an enum."""
    return constraints(field).get("enum")


def list_delimiter(field: Field) -> str:
    """Delimiter of a ``list`` field (Table Schema v2 default: a comma)."""
    return field.get("delimiter", ",")


def foreign_keys(schema: Schema) -> list[tuple[str, str, str]]:
    """Single-column foreign keys as (column, referenced resource, referenced column)."""
    keys = []
    for fk in schema.get("foreignKeys", []):
        fields = fk["fields"]
        ref_fields = fk["reference"]["fields"]
        fields = [fields] if isinstance(fields, str) else fields
        ref_fields = [ref_fields] if isinstance(ref_fields, str) else ref_fields
        keys.append((fields[0], fk["reference"]["resource"], ref_fields[0]))
    return keys


def unique_keys(schema: Schema) -> list[list[str]]:
    """Table Schema v2 ``uniqueKeys``: column sets whose combined values must be unique."""
    return [list(key) for key in schema.get("uniqueKeys", [])]
