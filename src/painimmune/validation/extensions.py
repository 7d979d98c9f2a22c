"""Layer 1: the properties painimmune adds to Table Schemas, checked before anything uses them.

Each Table Schema is validated against ``extensions.schema.json`` (beside this module, so that a
package cannot loosen the rules it is checked by): the standard Table Schema keys and painimmune's
own (``entityLabels``, ``biolinkCategory``, ``assertion``, ``exactlyOneOf``, a field's
``referenceTable``) and nothing else, so a misspelt property is an error rather than a rule that
silently stops applying. Then what a JSON Schema cannot say: every column these properties name
exists, the subject and objects of an assertion are foreign keys to entity tables, each value of a
category column has its Biolink category, and every Biolink category is one of the Biolink Model
(``reference/ontologies/biolink_categories.tsv``). Relations are mapped to Biolink predicates in the
``relations`` table, whose predicates are checked as references (``biolink.tsv``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

from painimmune.package.descriptor import DataPackage
from painimmune.package.reference import BIOLINK_CATEGORIES, installed_root, read_terms
from painimmune.package.schemas import Schema, enum, field_names, foreign_keys, table_role
from painimmune.validation.problems import Problem, declare

_rule = declare("frictionless", __name__)
SCHEMA_EXTENSION_INVALID = _rule("schema-extension-invalid", "The package's own schema properties are well-formed",
                                 "The properties painimmune adds to Table Schemas (entityLabels, biolinkCategory, assertion, exactlyOneOf,"
                                 " a field's referenceTable) pass their JSON Schema (painimmune/validation/extensions.schema.json): no "
                                 "unknown key, every column they name exists, every value of a category column has its Biolink category. "
                                 "Checked whatever rules are chosen, since every other check relies on these properties.")
BIOLINK_UNKNOWN = _rule("biolink-unknown", "Biolink categories exist",
                        "Every biolinkCategory value is a class of the Biolink Model listed in reference/ontologies/biolink_categories.tsv"
                        " (the relations' Biolink predicates are references, checked by xref-unverified against biolink.tsv).")
SCHEMA_FILE = Path(__file__).with_name("extensions.schema.json")


@cache
def _validator() -> Any:
    import jsonschema

    return jsonschema.Draft202012Validator(json.loads(SCHEMA_FILE.read_text(encoding="utf-8")))


def check(package: DataPackage, notes: list[str]) -> list[Problem]:
    """Problems with the package's own Table Schema properties; empty when every schema is sound.

    Lines for the user about what could not be checked here are added to *notes*.
    """
    problems: list[Problem] = []
    for name in package.table_names:
        table_schema = package.schema(name)
        found = [_invalid(name, error.json_path, error.message) for error in _validator().iter_errors(table_schema)]
        problems += found or list(_columns(package, name, table_schema))
    if not problems:
        problems += _biolink_terms(package, notes)
    return problems


def _invalid(table: str, where: str, message: str) -> Problem:
    column = where.removeprefix("$.") if where != "$" else None
    return SCHEMA_EXTENSION_INVALID.problem(f"{where}: {message}", table, column=column)


def _columns(package: DataPackage, table: str, table_schema: Schema) -> Iterator[Problem]:
    """The columns the extension properties name exist, and hold what the properties say they hold."""
    columns = set(field_names(table_schema))
    fields = {field["name"]: field for field in table_schema["fields"]}
    keys = {column: resource for column, resource, _ in foreign_keys(table_schema)}

    def missing(where: str, column: str) -> Problem | None:
        return None if column in columns else _invalid(table, where, f"column {column!r} is not a field of the schema")

    category = table_schema.get("biolinkCategory")
    if isinstance(category, dict):
        problem = missing("$.biolinkCategory.column", category["column"])
        if problem:
            yield problem
        elif set(category["values"]) != set(enum(fields[category["column"]]) or []):
            yield _invalid(table, "$.biolinkCategory.values", f"the values must be those of column {category['column']!r}'s enum")
    spec = table_schema.get("assertion")
    if spec is not None:
        for role, column in [("subject", spec["subject"]), *(("object", c) for c in spec["object"])]:
            problem = missing(f"$.assertion.{role}", column)
            if problem:
                yield problem
            elif keys.get(column) not in package.resources or table_role(package.schema(keys[column])) != "entity":
                yield _invalid(table, f"$.assertion.{role}", f"column {column!r} must be a foreign key to an entity table")
        problem = missing("$.assertion.predicate", spec["predicate"])
        if problem:
            yield problem
    for group in table_schema.get("exactlyOneOf", []):
        for column in group:
            problem = missing("$.exactlyOneOf", column)
            if problem:
                yield problem


def _biolink_terms(package: DataPackage, notes: list[str]) -> Iterator[Problem]:
    categories = read_terms(installed_root(), BIOLINK_CATEGORIES)
    if categories is None:
        notes.append("Biolink categories not checked: this copy has no reference/ontologies folder")
        return
    for name in package.table_names:
        table_schema = package.schema(name)
        category = table_schema.get("biolinkCategory")
        used = [category] if isinstance(category, str) else list((category or {}).get("values", {}).values())
        for term in used:
            if term not in categories:
                yield BIOLINK_UNKNOWN.problem(f"{term} is not a category of the Biolink Model ({BIOLINK_CATEGORIES})",
                              name, column="biolinkCategory", value=term)
