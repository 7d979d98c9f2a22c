"""Facts read from a Frictionless Table Schema: field names, keys, enums, list delimiters, and the
package's own properties (a table's role, its entity labels, the columns of its assertions)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

Schema = dict[str, Any]
Field = dict[str, Any]

# At most this many extra header columns are named one by one; the rest are counted.
MAX_REPORTED = 20

# A table's role follows from the properties its Table Schema declares.
ROLES = ("entity", "relationship", "lookup")


def table_role(schema: Schema) -> str:
    """``entity`` when the schema declares a ``biolinkCategory``, ``relationship`` when it declares
    an ``assertion``, ``lookup`` otherwise."""
    if "assertion" in schema:
        return "relationship"
    if "biolinkCategory" in schema:
        return "entity"
    return "lookup"


@dataclass(frozen=True)
class EntityLabels:
    """How one row of an entity table is named in words (``cell type``, ``cell types``)."""

    singular: str
    plural: str


def entity_labels(schema: Schema) -> EntityLabels:
    """The ``entityLabels`` an entity table's schema declares."""
    labels = schema["entityLabels"]
    return EntityLabels(labels["singular"], labels["plural"])


@dataclass(frozen=True)
class AssertionColumns:
    """Which columns of a relationship table hold the parts of its assertions: subject, predicate
    and objects as its ``assertion`` declares them, and the qualifiers (the fields that declare the
    Biolink ``qualifier`` they export to), in schema order."""

    subject: str
    predicate: str
    objects: list[str]  # exactly one of them is set in each row
    qualifiers: list[str]
    id_prefix: str


def assertion_columns(schema: Schema) -> AssertionColumns:
    """The assertion roles a relationship table's schema declares."""
    spec = schema["assertion"]
    return AssertionColumns(spec["subject"], spec["predicate"], list(spec["object"]), qualifier_columns(schema), spec["idPrefix"])


def qualifier_columns(schema: Schema) -> list[str]:
    """The columns that qualify an assertion (each declares the Biolink ``qualifier`` it exports to), in schema order."""
    return [field["name"] for field in schema["fields"] if "qualifier" in field]


def reading_order(schema: Schema) -> list[Field]:
    """The fields in the order a reader needs them: for a relationship table the row id, the
    assertion (subject, relation, direction, object), its evidence level and qualifiers, the source
    and the quote, then the rest, so that the direction is never off screen; for any other table,
    schema order."""
    if table_role(schema) != "relationship":
        return list(schema["fields"])
    roles = assertion_columns(schema)
    first = ["id", roles.subject, roles.predicate, "direction", *roles.objects, "evidence_level_id", *roles.qualifiers,
             "source_id", "quote"]
    by_name = {field["name"]: field for field in schema["fields"]}
    return [by_name[name] for name in first if name in by_name] + [field for field in schema["fields"] if field["name"] not in first]


def field_names(schema: Schema) -> list[str]:
    """Column names in schema order."""
    return [field["name"] for field in schema["fields"]]


def primary_key(schema: Schema) -> list[str]:
    """Primary-key columns (a Table Schema may write a single key as a string)."""
    key = schema.get("primaryKey", [])
    return [key] if isinstance(key, str) else list(key)


def constraints(field: Field) -> dict[str, Any]:
    """The field's constraints (empty if none)."""
    found: dict[str, Any] = field.get("constraints", {})
    return found


def is_required(field: Field) -> bool:
    """Whether the field must not be empty."""
    return bool(constraints(field).get("required", False))


def enum(field: Field) -> list[str] | None:
    """Allowed values of the field, if it declares an enum."""
    return constraints(field).get("enum")


def list_delimiter(field: Field) -> str:
    """Delimiter of a ``list`` field (Table Schema v2 default: a comma)."""
    return str(field.get("delimiter", ","))


EXACT_MATCH = "skos:exactMatch"
NARROW_MATCH, BROAD_MATCH = "skos:narrowMatch", "skos:broadMatch"


def reference_columns(schema: Schema) -> dict[str, str]:
    """Columns of CURIEs and the verified table (or the folder of tables) each must come from: the
    fields that declare a ``referenceTable`` (such as ``reference/ontologies/hgnc.tsv``)."""
    return {field["name"]: field["referenceTable"] for field in schema["fields"] if "referenceTable" in field}


def mapping_columns(schema: Schema) -> dict[str, str]:
    """Columns of CURIEs that map the row's entity to ontology terms, with the SKOS predicate of the
    mapping: ``skos:exactMatch`` unless the field declares another ``mappingPredicate``."""
    return {field["name"]: field.get("mappingPredicate", EXACT_MATCH) for field in schema["fields"] if "referenceTable" in field}


def related_columns(schema: Schema) -> dict[str, str]:
    """Mapping columns whose terms are related to the row's entity rather than matching it, with the
    Biolink predicate their field declares (``biolinkPredicate``: a protein's HGNC gene,
    ``biolink:gene_product_of``)."""
    return {field["name"]: field["biolinkPredicate"] for field in schema["fields"] if "biolinkPredicate" in field}


def mapping_curies(value: Any) -> list[str]:
    """The CURIEs a loaded cell of a mapping column holds: a list column's items, a single column's
    value, none where it is missing."""
    if isinstance(value, list):
        return [str(item) for item in value]
    return [value] if isinstance(value, str) and value else []


def xref_columns(schema: Schema) -> list[str]:
    """The exact-match cross-reference columns (one CURIE each, e.g. ``hgnc_id``)."""
    return [column for column, predicate in mapping_columns(schema).items() if predicate == EXACT_MATCH]


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


def header_problems(header: list[str], schema: Schema) -> list[tuple[str | None, str]]:
    """How a CSV header differs from the schema's columns, as (column, message) pairs; empty when it matches.

    Names each missing, extra, renamed or duplicated column, a wrong order, and a header row that
    is missing altogether (no label of the schema in the first line). Linear in the header's length.
    """
    expected = field_names(schema)
    if header == expected:
        return []
    labels, columns = set(header), set(expected)
    if not labels & columns:
        shown = ", ".join(repr(label) for label in header[:3])
        return [(None, f"no header row: the first line ({shown}, ...) names none of the schema's columns")]
    found: list[tuple[str | None, str]] = []
    if len(labels) < len(header):  # some label repeats: find which (a second pass only then)
        seen: set[str] = set()
        repeated: set[str] = set()
        for label in header:
            if label in seen:
                repeated.add(label)
            seen.add(label)
        found += [(label, "column appears more than once in the header") for label in sorted(repeated)]
    missing = [column for column in expected if column not in labels]
    extra = list(dict.fromkeys(label for label in header if label not in columns))
    renamed = {}
    if len(missing) == len(extra):
        header_position = {label: position for position, label in reversed(list(enumerate(header)))}
        expected_position = {column: position for position, column in enumerate(expected)}
        renamed = {label: column for label, column in zip(extra, missing, strict=False) if header_position[label] == expected_position[column]}
    found += [(column, f"column is named {label!r} in the header (renamed?)") for label, column in renamed.items()]
    renamed_columns = set(renamed.values())
    found += [(column, "column of the schema is missing from the header") for column in missing if column not in renamed_columns]
    shown_extra = [label for label in extra if label not in renamed]
    found += [(label, "column is not in the schema") for label in shown_extra[:MAX_REPORTED]]
    if len(shown_extra) > MAX_REPORTED:
        found.append((None, f"and {len(shown_extra) - MAX_REPORTED:,} more columns that are not in the schema"))
    if not found:
        position = next(i for i, (got, want) in enumerate(zip(header, expected, strict=False)) if got != want)
        found.append((expected[position], f"columns are out of order: column {position + 1} is {header[position]!r}, "
                                          f"the schema's order is {', '.join(expected)}"))
    return found
