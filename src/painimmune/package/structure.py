"""The structure of a descriptor and of its Table Schemas, checked before any field of them is used.

Frictionless checks the full Data Package profiles in validation; these checks are the smaller set
that painimmune's own code relies on, so that a crafted descriptor or schema (a field without a
name, constraints given as a string, a foreign key without a reference, a pattern that would take
exponential time) is refused with a message naming it, never met as a ``KeyError``, ``TypeError``
or a hang further on. They are pure Python and cheap: ``import painimmune`` checks the installed
descriptor.

>>> [str(fault) for fault in check_descriptor({"resources": [{"name": "a", "path": "a.csv", "schema": "a.json"}],
...                                             "profile": "https://x", "licenses": [{"name": "CC0-1.0"}]})]
["'profile' is refused: a painimmune package declares the Data Package v2 '$schema', and no remote profile is fetched"]
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from typing import Any

if sys.version_info >= (3, 11):  # the parser of the re module (public as sre_parse before Python 3.11)
    from re import _constants as sre_constants  # type: ignore[attr-defined]
    from re import _parser as sre_parse  # type: ignore[attr-defined]
else:  # pragma: no cover (Python 3.10)
    import sre_constants
    import sre_parse

from painimmune.errors import DataError

PACKAGE_PROFILE = "https://datapackage.org/profiles/2.0/datapackage.json"
RESOURCE_PROFILE = "https://datapackage.org/profiles/2.0/dataresource.json"
TABLE_SCHEMA_PROFILE = "https://datapackage.org/profiles/2.0/tableschema.json"
FIELD_TYPES = frozenset({"string", "number", "integer", "boolean", "object", "array", "list", "date", "time", "datetime",
                         "year", "yearmonth", "duration", "geopoint", "geojson", "any"})
HASH = re.compile(r"(?:(md5|sha1|sha256|sha512):)?([0-9a-fA-F]+)")
HASH_LENGTHS = {"md5": 32, "sha1": 40, "sha256": 64, "sha512": 128}
NAME = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
MAX_RESOURCES = 1000
MAX_FIELDS = 1000
MAX_ENUM = 10_000
MAX_PATTERN = 1000


# What every table is read as; a resource may state these properties, but only with these values.
FIXED_RESOURCE_PROPERTIES = {"type": "table", "scheme": "file", "format": "csv", "mediatype": "text/csv", "encoding": "utf-8"}
# Properties that would make a table something other than one plain CSV file.
REFUSED_RESOURCE_PROPERTIES = {"data", "compression", "innerpath", "extrapaths"}


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


class StructureError(DataError):
    """A descriptor or Table Schema whose structure cannot be used; :attr:`faults` names each fault."""

    def __init__(self, where: str, faults: list[Fault]) -> None:
        self.faults = faults
        super().__init__(f"{where}: " + "; ".join(map(str, faults)))


DESCRIPTOR_RULE, SCHEMA_RULE, EXTENSION_RULE = "descriptor-invalid", "table-schema-invalid", "schema-extension-invalid"


def _is_str(value: Any) -> bool:
    return isinstance(value, str) and value != ""


def _known(value: Any, known: set[str]) -> bool:
    """Whether *value* is one of the names in *known* (a value of any JSON type may be given)."""
    return isinstance(value, str) and value in known


def _names(value: Any) -> list[str] | None:
    """A Table Schema field list (a string or a list of strings), or None when it is neither."""
    if _is_str(value):
        return [value]
    if isinstance(value, list) and value and all(_is_str(item) for item in value):
        return list(value)
    return None


def check_hash(recorded: Any) -> str | None:
    """Why *recorded* is not a usable Data Package ``hash`` (None when it is)."""
    if not isinstance(recorded, str):
        return f"hash {recorded!r} must be a string such as 'sha256:<hex digest>'"
    match = HASH.fullmatch(recorded)
    algorithm = (match.group(1) or "md5") if match else None
    if not match or len(match.group(2)) != HASH_LENGTHS[algorithm or "md5"]:
        return f"hash {recorded!r} is not md5, sha1, sha256 or sha512 followed by its hex digest"
    return None


# A semantic version (semver.org 2.0.0): MAJOR.MINOR.PATCH, then an optional pre-release and build.
SEMVER = re.compile(r"(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?")


def check_descriptor(descriptor: Any) -> list[Fault]:
    """The structural faults of a package descriptor (empty when it can be used)."""
    if not isinstance(descriptor, dict):
        return [Fault(DESCRIPTOR_RULE, "the descriptor must be a JSON object")]
    faults: list[Fault] = []
    if "profile" in descriptor:
        faults.append(Fault(DESCRIPTOR_RULE, "'profile' is refused: a painimmune package declares the Data Package v2 '$schema', and no remote profile is fetched"))
    if "$schema" in descriptor and descriptor["$schema"] != PACKAGE_PROFILE:
        faults.append(Fault(DESCRIPTOR_RULE, f"'$schema' must be {PACKAGE_PROFILE!r} (checked offline); {descriptor['$schema']!r} is refused"))
    for key in ("name", "title", "description", "version", "created", "homepage"):
        if key in descriptor and not isinstance(descriptor[key], str):
            faults.append(Fault(DESCRIPTOR_RULE, f"'{key}' must be a string"))
    if isinstance(descriptor.get("version"), str) and not SEMVER.fullmatch(descriptor["version"]):
        faults.append(Fault(DESCRIPTOR_RULE, f"'version' must be a semantic version such as 2.0.0; {descriptor['version']!r} is refused "
                            "(it names release files)", column="version", value=descriptor["version"]))
    licenses = descriptor.get("licenses")
    if not isinstance(licenses, list) or not licenses or not all(
            isinstance(item, dict) and (_is_str(item.get("name")) or _is_str(item.get("path"))) for item in licenses):
        faults.append(Fault(DESCRIPTOR_RULE, "'licenses' must be a non-empty list of licences, each with a 'name' or a 'path'"))
    contributors = descriptor.get("contributors", [])
    if not isinstance(contributors, list) or not all(
            isinstance(item, dict) and isinstance(item.get("title", ""), str)
            and isinstance(item.get("roles", []), list) and all(isinstance(role, str) for role in item.get("roles", []))
            for item in contributors):
        faults.append(Fault(DESCRIPTOR_RULE, "'contributors' must be a list of contributors, each with a 'title' and a list of 'roles'"))
    for key in ("keywords",):
        if key in descriptor and not (isinstance(descriptor[key], list) and all(isinstance(v, str) for v in descriptor[key])):
            faults.append(Fault(DESCRIPTOR_RULE, f"'{key}' must be a list of strings"))
    hashes = descriptor.get("fileHashes", {})
    if not isinstance(hashes, dict) or not all(isinstance(key, str) for key in hashes):
        faults.append(Fault(DESCRIPTOR_RULE, "'fileHashes' must be an object from file paths to hashes"))
    else:
        faults += [Fault(DESCRIPTOR_RULE, f"'fileHashes' {path!r}: {fault}", column="fileHashes", value=path)
                   for path, recorded in hashes.items() for fault in [check_hash(recorded)] if fault]
    resources = descriptor.get("resources")
    if not isinstance(resources, list) or not resources:
        return [*faults, Fault(DESCRIPTOR_RULE, "'resources' must be a non-empty list of resources")]
    if len(resources) > MAX_RESOURCES:
        return [*faults, Fault(DESCRIPTOR_RULE, f"'resources' lists {len(resources)} resources, more than the limit of {MAX_RESOURCES}")]
    names: set[str] = set()
    paths: set[str] = set()
    for position, resource in enumerate(resources):
        where, table = f"resource {position + 1}", None
        if not isinstance(resource, dict):
            faults.append(Fault(DESCRIPTOR_RULE, f"{where} must be a JSON object", table))
            continue
        name = resource.get("name")
        if not isinstance(name, str) or not NAME.match(name):
            faults.append(Fault(DESCRIPTOR_RULE, f"{where}: 'name' must be a lower-case name such as 'mediators', not {name!r}", table))
        else:
            where, table = f"resource {name!r}", name
            if name in names:
                faults.append(Fault(DESCRIPTOR_RULE, f"{where}: two resources have this name", table))
            names.add(name)
        for key in ("path", "schema"):
            if not _is_str(resource.get(key)):
                faults.append(Fault(DESCRIPTOR_RULE, f"{where}: '{key}' must be the relative path of a file in the package", table))
        path = resource.get("path")
        if isinstance(path, str):
            if path in paths:
                faults.append(Fault(DESCRIPTOR_RULE, f"{where}: another resource has the path {path!r}; each table is declared once", table))
            paths.add(path)
        if "profile" in resource:
            faults.append(Fault(DESCRIPTOR_RULE, f"{where}: 'profile' is refused (no remote profile is fetched)", table))
        if "$schema" in resource and resource["$schema"] != RESOURCE_PROFILE:
            faults.append(Fault(DESCRIPTOR_RULE, f"{where}: '$schema' must be {RESOURCE_PROFILE!r}", table))
        for key, expected in FIXED_RESOURCE_PROPERTIES.items():
            if key in resource and resource[key] != expected:
                faults.append(Fault(DESCRIPTOR_RULE, f"{where}: '{key}' must be {expected!r} (every table is read as such), not {resource[key]!r}", table))
        for key in REFUSED_RESOURCE_PROPERTIES & set(resource):
            faults.append(Fault(DESCRIPTOR_RULE, f"{where}: '{key}' is refused (a table is one plain CSV file in the package)", table))
        if "dialect" in resource and not isinstance(resource["dialect"], dict):
            faults.append(Fault(DESCRIPTOR_RULE, f"{where}: 'dialect' must be an inline object (no remote dialect is fetched)", table))
        if "hash" in resource and check_hash(resource["hash"]):
            faults.append(Fault(DESCRIPTOR_RULE, f"{where}: {check_hash(resource['hash'])}", table, "hash", str(resource["hash"])))
        for key in ("bytes", "rows"):
            if key in resource and (not isinstance(resource[key], int) or isinstance(resource[key], bool) or resource[key] < 0):
                faults.append(Fault(DESCRIPTOR_RULE, f"{where}: '{key}' must be a whole number of at least 0, not {resource[key]!r}",
                                    table, key, str(resource[key])))
    return faults


def check_table_schema(schema: Any, resources: set[str], table: str | None = None) -> list[Fault]:
    """The structural faults of the Table Schema of *table* (empty when it can be used); *resources*
    are the names a foreign key may reference."""
    def fault(message: str, column: str | None = None) -> Fault:
        return Fault(SCHEMA_RULE, message, table, column)

    if not isinstance(schema, dict):
        return [fault("the Table Schema must be a JSON object")]
    faults = []
    if "$schema" in schema and schema["$schema"] != TABLE_SCHEMA_PROFILE:
        faults.append(fault(f"'$schema' must be {TABLE_SCHEMA_PROFILE!r} (checked offline); {schema['$schema']!r} is refused"))
    if "profile" in schema:
        faults.append(fault("'profile' is refused (no remote profile is fetched)"))
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
        faults += [fault(f"field {name!r}: {problem}", name) for problem in _field(field)]
    known = set(names)
    key = schema.get("primaryKey", [])
    key_names = _names(key) if key != [] else []
    if key_names is None or not set(key_names) <= known:
        faults.append(fault("'primaryKey' must name fields of the schema"))
    foreign_keys = schema.get("foreignKeys", [])
    if not isinstance(foreign_keys, list):
        faults.append(fault("'foreignKeys' must be a list"))
    else:
        for position, fk in enumerate(foreign_keys):
            faults += [fault(f"foreign key {position + 1}: {problem}") for problem in _foreign_key(fk, known, resources)]
    unique = schema.get("uniqueKeys", [])
    if not isinstance(unique, list) or not all(_names(item) is not None and set(_names(item) or []) <= known
                                               and isinstance(item, list) for item in unique):
        faults.append(fault("'uniqueKeys' must be a list of lists of field names"))
    missing = schema.get("missingValues", [""])
    if not isinstance(missing, list) or not all(isinstance(value, str) for value in missing):
        faults.append(fault("'missingValues' must be a list of strings"))
    faults += [Fault(EXTENSION_RULE, message, table, column) for column, message in _extensions(schema, known)]
    return faults


def _field(field: dict[str, Any]) -> list[str]:
    faults = []
    kind = field.get("type", "string")
    if not isinstance(kind, str) or kind not in FIELD_TYPES:
        faults.append(f"'type' {kind!r} is not a Table Schema type")
    for key in ("title", "description", "format", "itemType", "referenceTable", "mappingPredicate"):
        if key in field and not isinstance(field[key], str):
            faults.append(f"'{key}' must be a string")
    if "delimiter" in field and (not _is_str(field["delimiter"]) or len(field["delimiter"]) > 5
                                 or any(char in field["delimiter"] for char in '"\r\n')):
        faults.append("'delimiter' must be a short string without quotes or line breaks")
    constraints = field.get("constraints", {})
    if not isinstance(constraints, dict):
        return [*faults, "'constraints' must be an object"]
    for key in ("required", "unique"):
        if key in constraints and not isinstance(constraints[key], bool):
            faults.append(f"constraint '{key}' must be true or false")
    if "enum" in constraints:
        enum = constraints["enum"]
        if not isinstance(enum, list) or not enum or len(enum) > MAX_ENUM or not all(isinstance(value, str) for value in enum):
            faults.append(f"constraint 'enum' must be a non-empty list of at most {MAX_ENUM} strings")
    for key in ("minLength", "maxLength"):
        if key in constraints and (not isinstance(constraints[key], int) or isinstance(constraints[key], bool) or constraints[key] < 0):
            faults.append(f"constraint '{key}' must be a whole number of at least 0")
    for key in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        if key in constraints and (not isinstance(constraints[key], (int, float)) or isinstance(constraints[key], bool)):
            faults.append(f"constraint '{key}' must be a number")
    if "pattern" in constraints:
        fault = check_pattern(constraints["pattern"])
        if fault:
            faults.append(f"constraint 'pattern': {fault}")
    return faults


def check_pattern(pattern: Any) -> str | None:
    """Why *pattern* may not be used to check values (None when it may): it must be a short regular
    expression that compiles, with no unbounded repetition of a group that itself repeats without
    bound or holds alternatives (``(a+)+``, ``(a|aa)*``), which can take exponential time."""
    if not isinstance(pattern, str) or len(pattern) > MAX_PATTERN:
        return f"must be a regular expression of at most {MAX_PATTERN} characters"
    try:
        parsed = sre_parse.parse(pattern)
    except (re.error, RecursionError, OverflowError) as exc:
        return f"{pattern!r} is not a regular expression ({exc})"
    if _nested_repeat(parsed, inside_unbounded=False):
        return f"{pattern!r} repeats a repeating or alternating group without bound, which can take exponential time; refused"
    return None


def _nested_repeat(items: Any, inside_unbounded: bool) -> bool:
    """Whether a parsed pattern has an unbounded repeat inside an unbounded repeat, or alternatives
    inside an unbounded repeat."""
    for op, value in items:
        if op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT, getattr(sre_constants, "POSSESSIVE_REPEAT", None)):
            low, high, body = value
            unbounded = high == sre_constants.MAXREPEAT or high > 1000
            if inside_unbounded and unbounded:
                return True
            if _nested_repeat(body, inside_unbounded or unbounded):
                return True
        elif op == sre_constants.SUBPATTERN:
            if _nested_repeat(value[-1], inside_unbounded):
                return True
        elif op == sre_constants.BRANCH:
            branches = value[1]
            if inside_unbounded and len(branches) > 1 and any(len(branch) for branch in branches):
                return True
            if any(_nested_repeat(branch, inside_unbounded) for branch in branches):
                return True
        elif op in (sre_constants.ASSERT, sre_constants.ASSERT_NOT):
            if _nested_repeat(value[1], inside_unbounded):
                return True
    return False


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
        faults.append(f"'reference.resource' must name a resource of the package, not {reference.get('resource')!r}")
    return faults


def _extensions(schema: dict[str, Any], known: set[str]) -> list[tuple[str, str]]:
    """(property, fault) for each fault in the shape of painimmune's own properties that code relies
    on (their full JSON Schema, with unknown keys refused, runs in validation)."""
    faults = []
    labels = schema.get("entityLabels")
    if "entityLabels" in schema and not (isinstance(labels, dict) and _is_str(labels.get("singular")) and _is_str(labels.get("plural"))):
        faults.append(("entityLabels", "$.entityLabels: must have a 'singular' and a 'plural'"))
    category = schema.get("biolinkCategory")
    if "biolinkCategory" in schema and not _is_str(category) and not (
            isinstance(category, dict) and _known(category.get("column"), known) and isinstance(category.get("values"), dict)
            and all(isinstance(v, str) for v in category["values"].values())):
        faults.append(("biolinkCategory", "$.biolinkCategory: must be a category, or a 'column' of the schema and its 'values'"))
    if "assertion" in schema:
        faults += _assertion(schema["assertion"], known)
    groups = schema.get("exactlyOneOf", [])
    if not isinstance(groups, list) or not all(set(_names(group) or [""]) <= known for group in groups):
        faults.append(("exactlyOneOf", "$.exactlyOneOf: must be a list of lists of field names of the schema"))
    return faults


def _assertion(assertion: Any, known: set[str]) -> list[tuple[str, str]]:
    """(property, fault) for each fault of an ``assertion``: the fields it names exist."""
    if not isinstance(assertion, dict):
        return [("assertion", "$.assertion: must be an object naming the subject, predicate and object fields")]
    faults = []
    for key in ("subject", "predicate"):
        if not _known(assertion.get(key), known):
            faults.append((f"assertion.{key}", f"$.assertion.{key}: column {assertion.get(key)!r} is not a field of the schema"))
    names = assertion.get("object")
    if not isinstance(names, list) or not names:
        faults.append(("assertion.object", "$.assertion.object: must be a list of field names"))
    else:
        faults += [("assertion.object", f"$.assertion.object: column {name!r} is not a field of the schema")
                   for name in names if not _known(name, known)]
    if not _is_str(assertion.get("idPrefix")):
        faults.append(("assertion.idPrefix", "$.assertion.idPrefix: must be the prefix of the table's row ids"))
    return faults
