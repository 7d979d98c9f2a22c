"""Table Schemas composed from the fields that tables of one role share.

``schemas/shared/fields.json`` defines each shared field once: the fields every entity table
begins and ends with (id, name, synonyms ... description, note), those every relationship table
begins and ends with (id ... the quote, its source, evidence level, direction, note) and their
foreign keys, and common fields used by name wherever a table has them (``note``, ``is_class``).
:func:`compose` writes them into a Table Schema, which stays complete and standard;
``scripts/build.py`` writes the result and validation reports a schema that differs from it.

A relationship table's primary key, foreign keys of the shared fields, unique key (the natural key
of an assertion by one source: subject, predicate, objects, qualifiers, source, quote) and, where
it has several object columns, its ``exactlyOneOf`` group, and the foreign key from its predicate
column to the ``relations`` table all follow from its ``assertion``.

>>> from painimmune.package.descriptor import DataPackage
>>> package = DataPackage()
>>> compose(package.schema("cell_mediators"), shared_definitions(package)) == package.schema("cell_mediators")
True
"""

from __future__ import annotations

import copy
from typing import Any

from painimmune.package.descriptor import DataPackage
from painimmune.package.files import inside
from painimmune.package.jsonfile import read_json
from painimmune.package.schemas import Schema, assertion_columns, entity_labels, table_role

SHARED_FIELDS = "schemas/shared/fields.json"
RELATIONS = "relations"  # the lookup table of relations every relationship table's predicate column references


def shared_definitions(package: DataPackage) -> dict[str, Any] | None:
    """The package's shared field definitions, or None when it has none (an installed copy may not)."""
    path = inside(package.root, SHARED_FIELDS, "the shared field definitions")
    return read_json(path, SHARED_FIELDS) if path.exists() else None


def compose(schema: Schema, shared: dict[str, Any]) -> Schema:
    """*schema* with the shared fields of its role written in (see the module docstring)."""
    role = table_role(schema)
    spec = shared.get("roles", {}).get(role, {})
    common = shared.get("fields", {})
    values = _placeholders(schema, role)

    def definition(item: str | dict[str, Any]) -> dict[str, Any]:
        filled: dict[str, Any] = _fill(copy.deepcopy(common[item] if isinstance(item, str) else item), values)
        return filled

    head = [definition(item) for item in spec.get("head", [])]
    tail = [definition(item) for item in spec.get("tail", [])]
    placed = {field["name"] for field in head + tail}
    own = [definition(field["name"]) if field["name"] in common else field
           for field in schema["fields"] if field["name"] not in placed]
    composed = dict(schema)
    composed["fields"] = head + own + tail
    if "primaryKey" in spec:
        composed["primaryKey"] = list(spec["primaryKey"])
    if "foreignKeys" in spec:
        shared_keys = copy.deepcopy(spec["foreignKeys"])
        shared_columns = {tuple(key["fields"]) for key in shared_keys}
        composed["foreignKeys"] = [key for key in schema.get("foreignKeys", []) if tuple(_as_list(key["fields"])) not in shared_columns]
        composed["foreignKeys"] += shared_keys
    if role == "relationship":
        roles = assertion_columns(composed)
        composed["uniqueKeys"] = [[roles.subject, roles.predicate, *roles.objects, *roles.qualifiers, "source_id", "quote"]]
        relation_key = {"fields": [roles.predicate], "reference": {"resource": RELATIONS, "fields": ["id"]}}
        composed["foreignKeys"] = [key for key in composed.get("foreignKeys", []) if key != relation_key] + [relation_key]
        if len(roles.objects) > 1:
            composed["exactlyOneOf"] = [list(roles.objects)]
        else:
            composed.pop("exactlyOneOf", None)
    return composed


def _placeholders(schema: Schema, role: str) -> dict[str, str]:
    if role == "entity":
        labels = entity_labels(schema)
        return {"singular": labels.singular, "plural": labels.plural}
    if role == "relationship":
        return {"idPrefix": assertion_columns(schema).id_prefix}
    return {}


def _fill(value: Any, values: dict[str, str]) -> Any:
    """*value* with every ``{{name}}`` in its strings replaced by ``values[name]``."""
    if isinstance(value, str):
        for name, text in values.items():
            value = value.replace("{{" + name + "}}", text)
        return value
    if isinstance(value, list):
        return [_fill(item, values) for item in value]
    if isinstance(value, dict):
        return {key: _fill(item, values) for key, item in value.items()}
    return value


def _as_list(fields: str | list[str]) -> list[str]:
    return [fields] if isinstance(fields, str) else list(fields)
