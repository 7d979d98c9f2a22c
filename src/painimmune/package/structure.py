"""The structure of a descriptor and of its Table Schemas, checked before any field of them is used.

Frictionless checks the full Data Package profiles in validation; these checks are the smaller set
that painimmune's own code relies on, so that a crafted descriptor or schema (a field without a
name, constraints given as a string, a foreign key without a reference, a pattern that would take
exponential time, a path in another form than the one the package uses) is refused with a message
naming it, never met as a ``KeyError``, ``TypeError`` or a hang further on. They are pure Python
and cheap: ``import painimmune`` checks the installed descriptor.

The checks are tables: for each object (the descriptor, a resource, a field, its constraints) a
mapping from property to the check of its value (:data:`DESCRIPTOR_PROPERTIES`,
:data:`RESOURCE_PROPERTIES`, :data:`FIELD_PROPERTIES`, :data:`CONSTRAINT_PROPERTIES`), and the
properties it requires. A check is a function from a value to why it is refused, or None.

>>> [str(fault) for fault in check_descriptor({"resources": [{"name": "a", "path": "a.csv", "schema": "a.json"}],
...                                             "profile": "https://x", "licenses": [{"name": "CC0-1.0"}]})]
["'profile' is refused: a painimmune package declares the Data Package v2 '$schema', and no remote profile is fetched"]
>>> check_path("tables//mediators.csv")
"'tables//mediators.csv' is not in the one path form of a package file ('tables/mediators.csv'): no './', '//', '/./', '..' or backslash"
"""

from __future__ import annotations

import math
import posixpath
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from painimmune.errors import DataError
from painimmune.package.patterns import MAX_PATTERN, check_pattern

__all__ = ["MAX_ENUM", "MAX_FIELDS", "MAX_PATTERN", "MAX_RESOURCES", "Fault", "StructureError", "check_descriptor", "check_hash",
           "check_path", "check_pattern", "check_table_schema"]

PACKAGE_PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"
RESOURCE_PROFILE = "https://datapackage.org/profiles/2.0/dataresource.json"
TABLE_SCHEMA_PROFILE = "https://datapackage.org/profiles/2.0/tableschema.json"
FIELD_TYPES = frozenset({"string", "number", "integer", "boolean", "object", "array", "list", "date", "time", "datetime",
                         "year", "yearmonth", "duration", "geopoint", "geojson", "any"})
HASH = re.compile(r"(?:(md5|sha1|sha256|sha512):)?([0-9a-fA-F]+)")
HASH_LENGTHS = {"md5": 32, "sha1": 40, "sha256": 64, "sha512": 128}
NAME = re.compile(r"[a-z0-9][a-z0-9._-]*")  # (matched whole: fullmatch)
# A semantic version (semver.org 2.0.0): MAJOR.MINOR.PATCH, then an optional pre-release and build.
SEMVER = re.compile(r"(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?")
MAX_RESOURCES = 1000
MAX_FIELDS = 1000
MAX_ENUM = 10_000
MAX_WHOLE = 2**53  # the largest whole number every JSON reader holds exactly

DESCRIPTOR_RULE, SCHEMA_RULE, EXTENSION_RULE = "descriptor-invalid", "table-schema-invalid", "schema-extension-invalid"


@dataclass(frozen=True)
class Fault:
    """One structural fault: the validation rule it breaks, what is wrong, and where."""

    rule: str  # descriptor-invalid, table-schema-invalid or schema-extension-invalid
    message: str
    table: str | None = None
    column: str | None = None  # a field, or a schema property such as 'assertion.subject'
    value: str | None = None

    def __str__(self) -> str:
        return self.message


MAX_FAULTS_SHOWN = 5  # a refusal names this many faults on its one line (all are in ``faults``)


class StructureError(DataError):
    """A descriptor or Table Schema whose structure cannot be used; :attr:`faults` names each fault."""

    def __init__(self, where: str, faults: list[Fault]) -> None:
        self.faults = faults
        shown = "; ".join(map(str, faults[:MAX_FAULTS_SHOWN]))
        more = f"; and {len(faults) - MAX_FAULTS_SHOWN:,} more" if len(faults) > MAX_FAULTS_SHOWN else ""
        super().__init__(f"{where}: {shown}{more}")


# ---- checks of one value: why it is refused, or None ----------------------------------------------

Check = Callable[[Any], "str | None"]


def _is_str(value: Any) -> bool:
    return isinstance(value, str) and value != ""


def text(value: Any) -> str | None:
    """A string."""
    return None if isinstance(value, str) else "must be a string"


def nonempty_text(value: Any) -> str | None:
    """A non-empty string."""
    return None if _is_str(value) else "must be a non-empty string"


def boolean(value: Any) -> str | None:
    """true or false."""
    return None if isinstance(value, bool) else "must be true or false"


def whole(value: Any) -> str | None:
    """A whole number from 0 to :data:`MAX_WHOLE`."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_WHOLE:
        return None
    return f"must be a whole number from 0 to {MAX_WHOLE:,}, not {_shown(value)}"


def finite_number(value: Any) -> str | None:
    """A finite number of at most :data:`MAX_WHOLE` in size."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value) and abs(value) <= MAX_WHOLE:
        return None
    return f"must be a finite number of at most {MAX_WHOLE:,} in size, not {_shown(value)}"


def text_list(value: Any) -> str | None:
    """A list of strings."""
    return None if isinstance(value, list) and all(isinstance(item, str) for item in value) else "must be a list of strings"


def refused(reason: str) -> Check:
    """A property that may not be given at all."""
    return lambda value: reason


def equal_to(expected: object, reason: str = "") -> Check:
    """A property that, if given, has the one value *expected*."""
    return lambda value: None if value == expected else f"must be {expected!r}{reason}, not {_shown(value)}"


def check_hash(recorded: Any) -> str | None:
    """Why *recorded* is not a usable Data Package ``hash`` (None when it is)."""
    if not isinstance(recorded, str):
        return f"hash {_shown(recorded)} must be a string such as 'sha256:<hex digest>'"
    match = HASH.fullmatch(recorded)
    if not match or len(match.group(2)) != HASH_LENGTHS[match.group(1) or "md5"]:
        return f"hash {recorded!r} is not md5, sha1, sha256 or sha512 followed by its hex digest"
    return None


def check_path(value: Any) -> str | None:
    """Why *value* is not the path of a file in a package, in the package's one form (None when it
    is): relative, POSIX, normalised (no ``./``, ``//``, ``/./``, ``..``, trailing ``/`` or
    backslash), no URL, drive or NUL; so that one file has one name."""
    if not _is_str(value):
        return "must be the relative path of a file in the package"
    if "://" in value or re.match(r"^[A-Za-z]:", value) or value.startswith("\\\\") or "\x00" in value:
        return f"{value!r} is a remote or absolute reference; only files inside the package are read"
    if value.startswith("/"):
        return f"{value!r} is an absolute path; only files inside the package are read"
    normal = posixpath.normpath(value.replace("\\", "/"))
    if normal == ".." or normal.startswith("../"):
        return f"{value!r} leads outside the package; refused"
    if value != normal or value.endswith("/"):
        return (f"{value!r} is not in the one path form of a package file ({normal!r}): no './', '//', '/./', '..' or "
                "backslash")
    return None


def _shown(value: Any) -> str:
    """*value* in a message: short, whatever it is."""
    shown = repr(value)
    return shown if len(shown) <= 40 else shown[:37] + "..."


# ---- the properties of each object --------------------------------------------------------------

def _licenses(value: Any) -> str | None:
    if isinstance(value, list) and value and all(isinstance(item, dict) and (_is_str(item.get("name")) or _is_str(item.get("path")))
                                                 for item in value):
        return None
    return "must be a non-empty list of licences, each with a 'name' or a 'path'"


def _contributor(item: Any) -> bool:
    return (isinstance(item, dict) and isinstance(item.get("title", ""), str) and text_list(item.get("roles", [])) is None)


def _contributors(value: Any) -> str | None:
    if isinstance(value, list) and all(_contributor(item) for item in value):
        return None
    return "must be a list of contributors, each with a 'title' and a list of 'roles'"


def _version(value: Any) -> str | None:
    if not isinstance(value, str):
        return "must be a string"
    if not SEMVER.fullmatch(value):
        return f"must be a semantic version such as 2.0.0; {value!r} is refused (it names release files)"
    return None


def _file_hashes(value: Any) -> str | None:
    if not isinstance(value, dict):
        return "must be an object from file paths to hashes"
    faults = [f"{path!r}: {fault}" for path, recorded in value.items() for fault in [check_path(path) or check_hash(recorded)] if fault]
    return "; ".join(faults) or None


# The package's one CSV dialect: a resource may state these properties, but only with these values
# (any other property, such as commentChar, would make another reader see other rows).
FIXED_DIALECT = {"delimiter": ",", "quoteChar": '"', "doubleQuote": True, "header": True, "headerRows": [1], "skipInitialSpace": False,
                 "lineTerminator": "\n"}


def _dialect(value: Any) -> str | None:
    if not isinstance(value, dict):
        return "must be an inline object (no remote dialect is fetched)"
    faults = [f"{key!r} is refused (the package has one CSV dialect)" for key in value if key not in FIXED_DIALECT]
    faults += [f"{key!r} must be {FIXED_DIALECT[key]!r}, not {_shown(value[key])}" for key in value
               if key in FIXED_DIALECT and value[key] != FIXED_DIALECT[key]]
    return "; ".join(faults) or None


def _resource_name(value: Any) -> str | None:
    return None if isinstance(value, str) and NAME.fullmatch(value) else f"must be a lower-case name such as 'mediators', not {_shown(value)}"


NO_PROFILE = "is refused (no remote profile is fetched)"
DESCRIPTOR_PROPERTIES: Mapping[str, Check] = {
    "profile": refused("is refused: a painimmune package declares the Data Package v2 '$schema', and no remote profile is fetched"),
    "$schema": equal_to(PACKAGE_PROFILE, " (checked offline)"),
    "name": text, "title": text, "description": text, "created": text, "homepage": text,
    "version": _version, "keywords": text_list, "licenses": _licenses, "contributors": _contributors, "fileHashes": _file_hashes,
}
DESCRIPTOR_REQUIRED = ("licenses",)
# What every table is read as: a resource may state these properties, but only with these values;
# the refused ones would make a table something other than one plain CSV file of the package.
FIXED_RESOURCE_PROPERTIES = {"type": "table", "scheme": "file", "format": "csv", "mediatype": "text/csv", "encoding": "utf-8"}
RESOURCE_PROPERTIES: Mapping[str, Check] = {
    "name": _resource_name, "path": check_path, "schema": check_path,
    "profile": refused(NO_PROFILE), "$schema": equal_to(RESOURCE_PROFILE),
    **{key: equal_to(value, " (every table is read as such)") for key, value in FIXED_RESOURCE_PROPERTIES.items()},
    **{key: refused("is refused (a table is one plain CSV file in the package)") for key in ("data", "compression", "innerpath", "extrapaths")},
    "dialect": _dialect, "hash": check_hash, "bytes": whole, "rows": whole,
}
RESOURCE_REQUIRED = ("name", "path", "schema")


def _delimiter(value: Any) -> str | None:
    if _is_str(value) and len(value) <= 5 and not any(char in value for char in '"\r\n'):
        return None
    return "must be a short string without quotes or line breaks"


def _enum(value: Any) -> str | None:
    if isinstance(value, list) and 0 < len(value) <= MAX_ENUM and all(isinstance(item, str) for item in value):
        return None
    return f"must be a non-empty list of at most {MAX_ENUM:,} strings"


def _pattern(value: Any) -> str | None:
    return check_pattern(value)


def _field_type(value: Any) -> str | None:
    return None if isinstance(value, str) and value in FIELD_TYPES else f"{_shown(value)} is not a Table Schema type"


CONSTRAINT_PROPERTIES: Mapping[str, Check] = {
    "required": boolean, "unique": boolean, "enum": _enum, "minLength": whole, "maxLength": whole, "pattern": _pattern,
    "minimum": finite_number, "maximum": finite_number, "exclusiveMinimum": finite_number, "exclusiveMaximum": finite_number,
}


def _constraints(value: Any) -> str | None:
    if not isinstance(value, dict):
        return "must be an object"
    faults = [f"'{key}' {message}" for key, message in properties(value, CONSTRAINT_PROPERTIES)]
    return "; ".join(faults) or None


FIELD_PROPERTIES: Mapping[str, Check] = {
    "name": nonempty_text, "type": _field_type, "title": text, "description": text, "format": text, "itemType": text,
    "referenceTable": text, "mappingPredicate": text, "delimiter": _delimiter, "constraints": _constraints,
    # How a reader would turn text into values other than the package's one form: never.
    **{key: refused("is refused (values have one text form in the package)") for key in
       ("missingValues", "trueValues", "falseValues", "bareNumber", "decimalChar", "groupChar")},
}


def properties(item: Mapping[str, Any], checks: Mapping[str, Check], required: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    """(property, why it is refused) for each property of *item* that its check refuses, and for
    each *required* property it lacks."""
    faults = [(key, "is required") for key in required if key not in item]
    faults += [(key, message) for key, check in checks.items() if key in item for message in [check(item[key])] if message]
    return faults


# ---- the descriptor ---------------------------------------------------------------------------

def check_descriptor(descriptor: Any) -> list[Fault]:
    """The structural faults of a package descriptor (empty when it can be used)."""
    if not isinstance(descriptor, dict):
        return [Fault(DESCRIPTOR_RULE, "the descriptor must be a JSON object")]
    faults = [Fault(DESCRIPTOR_RULE, f"'{key}' {message}", column=key) for key, message in
              properties(descriptor, DESCRIPTOR_PROPERTIES, DESCRIPTOR_REQUIRED)]
    resources = descriptor.get("resources")
    if not isinstance(resources, list) or not resources:
        return [*faults, Fault(DESCRIPTOR_RULE, "'resources' must be a non-empty list of resources")]
    if len(resources) > MAX_RESOURCES:
        return [*faults, Fault(DESCRIPTOR_RULE, f"'resources' lists {len(resources)} resources, more than the limit of {MAX_RESOURCES}")]
    for position, resource in enumerate(resources):
        faults += _resource(position, resource)
    return faults + _repeated(resources)


def _resource(position: int, resource: Any) -> list[Fault]:
    if not isinstance(resource, dict):
        return [Fault(DESCRIPTOR_RULE, f"resource {position + 1} must be a JSON object")]
    name = resource.get("name")
    table = name if _resource_name(name) is None else None
    where = f"resource {name!r}" if table else f"resource {position + 1}"
    return [Fault(DESCRIPTOR_RULE, f"{where}: '{key}' {message}", table, key if key in ("hash", "bytes", "rows") else None,
                  _text_of(resource.get(key)))
            for key, message in properties(resource, RESOURCE_PROPERTIES, RESOURCE_REQUIRED)]


def _repeated(resources: list[Any]) -> list[Fault]:
    """Two resources with one name, or naming one file (as their table or as their schema; paths
    compared ignoring case, as a case-insensitive file system would)."""
    faults = []
    names: set[str] = set()
    files: set[str] = set()
    for resource in resources:
        if not isinstance(resource, dict):
            continue
        name = resource.get("name")
        table = name if isinstance(name, str) else None
        if isinstance(name, str) and name in names:
            faults.append(Fault(DESCRIPTOR_RULE, f"resource {name!r}: two resources have this name", table))
        if isinstance(name, str):
            names.add(name)
        for key in ("path", "schema"):
            path = resource.get(key)
            if isinstance(path, str) and path.casefold() in files:
                faults.append(Fault(DESCRIPTOR_RULE, f"resource {name!r}: another resource has the path {path!r}; each table and "
                                    "each Table Schema is declared once", table, key, path))
            if isinstance(path, str):
                files.add(path.casefold())
    return faults


def _text_of(value: Any) -> str | None:
    return None if value is None else value if isinstance(value, str) else _shown(value)


# ---- a Table Schema ---------------------------------------------------------------------------

TABLE_SCHEMA_PROPERTIES: Mapping[str, Check] = {
    "$schema": equal_to(TABLE_SCHEMA_PROFILE, " (checked offline)"), "profile": refused(NO_PROFILE),
    "missingValues": equal_to([""], " (only the empty cell is missing in the package's one CSV dialect)"),
}


def check_table_schema(schema: Any, resources: set[str], table: str | None = None) -> list[Fault]:
    """The structural faults of the Table Schema of *table* (empty when it can be used); *resources*
    are the names a foreign key may reference."""
    def fault(message: str, column: str | None = None) -> Fault:
        return Fault(SCHEMA_RULE, message, table, column)

    if not isinstance(schema, dict):
        return [fault("the Table Schema must be a JSON object")]
    faults = [fault(f"'{key}' {message}") for key, message in properties(schema, TABLE_SCHEMA_PROPERTIES)]
    fields = schema.get("fields")
    if not isinstance(fields, list) or not fields:
        return [*faults, fault("'fields' must be a non-empty list of fields")]
    if len(fields) > MAX_FIELDS:
        return [*faults, fault(f"'fields' lists {len(fields)} fields, more than the limit of {MAX_FIELDS}")]
    names: list[str] = []
    for position, field in enumerate(fields):
        if not isinstance(field, dict) or not _is_str(field.get("name")):
            faults.append(fault(f"field {position + 1} must be an object with a 'name'"))
            continue
        name = field["name"]
        if name in names:
            faults.append(fault(f"field {name!r} is declared twice", name))
        names.append(name)
        faults += [fault(f"field {name!r}: '{key}' {message}", name) for key, message in properties(field, FIELD_PROPERTIES)]
    known = set(names)
    faults += [fault(message) for message in _keys(schema, known, resources)]
    faults += [Fault(EXTENSION_RULE, message, table, column) for column, message in _extensions(schema, known)]
    return faults


def _names(value: Any) -> list[str] | None:
    """A Table Schema field list (a string or a list of strings), or None when it is neither."""
    if _is_str(value):
        return [value]
    if isinstance(value, list) and value and all(_is_str(item) for item in value):
        return list(value)
    return None


def _keys(schema: dict[str, Any], known: set[str], resources: set[str]) -> list[str]:
    """The faults of the primary, foreign and unique keys of a schema whose fields are *known*."""
    faults = []
    key = schema.get("primaryKey", [])
    key_names = _names(key) if key != [] else []
    if key_names is None or not set(key_names) <= known:
        faults.append("'primaryKey' must name fields of the schema")
    foreign_keys = schema.get("foreignKeys", [])
    if not isinstance(foreign_keys, list):
        faults.append("'foreignKeys' must be a list")
    else:
        faults += [f"foreign key {position + 1}: {problem}" for position, fk in enumerate(foreign_keys)
                   for problem in _foreign_key(fk, known, resources)]
    unique = schema.get("uniqueKeys", [])
    if not isinstance(unique, list) or not all(isinstance(item, list) and set(_names(item) or [""]) <= known for item in unique):
        faults.append("'uniqueKeys' must be a list of lists of field names")
    return faults


def _foreign_key(fk: Any, known: set[str], resources: set[str]) -> list[str]:
    if not isinstance(fk, dict) or not isinstance(fk.get("reference"), dict):
        return ["must be an object with 'fields' and a 'reference'"]
    fields = _names(fk.get("fields"))
    reference = fk["reference"]
    ref_fields = _names(reference.get("fields"))
    faults = []
    if fields is None or not set(fields) <= known:
        faults.append("'fields' must name fields of the schema")
    if ref_fields is None:
        faults.append("'reference.fields' must name fields")
    if fields and ref_fields and (len(fields) != 1 or len(ref_fields) != 1):
        faults.append("only single-column foreign keys are supported")
    if not isinstance(reference.get("resource"), str) or reference["resource"] not in resources:
        faults.append(f"'reference.resource' must name a resource of the package, not {_shown(reference.get('resource'))}")
    return faults


def _extensions(schema: dict[str, Any], known: set[str]) -> list[tuple[str, str]]:
    """(property, fault) for each fault in the shape of painimmune's own properties that code relies
    on (their full JSON Schema, with unknown keys refused, runs in validation)."""
    faults = []
    labels = schema.get("entityLabels")
    if "entityLabels" in schema and not (isinstance(labels, dict) and _is_str(labels.get("singular")) and _is_str(labels.get("plural"))):
        faults.append(("entityLabels", "$.entityLabels: must have a 'singular' and a 'plural'"))
    if "biolinkCategory" in schema and not _category(schema["biolinkCategory"], known):
        faults.append(("biolinkCategory", "$.biolinkCategory: must be a category, or a 'column' of the schema and its 'values'"))
    if "assertion" in schema:
        faults += _assertion(schema["assertion"], known)
    groups = schema.get("exactlyOneOf", [])
    if not isinstance(groups, list) or not all(set(_names(group) or [""]) <= known for group in groups):
        faults.append(("exactlyOneOf", "$.exactlyOneOf: must be a list of lists of field names of the schema"))
    return faults


def _category(category: Any, known: set[str]) -> bool:
    if _is_str(category):
        return True
    return (isinstance(category, dict) and category.get("column") in known and isinstance(category.get("values"), dict)
            and all(isinstance(value, str) for value in category["values"].values()))


def _assertion(assertion: Any, known: set[str]) -> list[tuple[str, str]]:
    """(property, fault) for each fault of an ``assertion``: the fields it names exist."""
    if not isinstance(assertion, dict):
        return [("assertion", "$.assertion: must be an object naming the subject, predicate and object fields")]
    faults = [(f"assertion.{key}", f"$.assertion.{key}: column {_shown(assertion.get(key))} is not a field of the schema")
              for key in ("subject", "predicate") if not (isinstance(assertion.get(key), str) and assertion.get(key) in known)]
    names = assertion.get("object")
    if not isinstance(names, list) or not names:
        faults.append(("assertion.object", "$.assertion.object: must be a list of field names"))
    else:
        faults += [("assertion.object", f"$.assertion.object: column {_shown(name)} is not a field of the schema")
                   for name in names if not (isinstance(name, str) and name in known)]
    if not _is_str(assertion.get("idPrefix")):
        faults.append(("assertion.idPrefix", "$.assertion.idPrefix: must be the prefix of the table's row ids"))
    return faults
