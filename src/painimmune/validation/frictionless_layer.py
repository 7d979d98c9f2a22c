"""Layer 1: Frictionless on the metadata, the files the package declares, and the integrity it records.

The descriptor and every Table Schema are validated by Frictionless against the Data Package v2
profiles (painimmune's own schema properties are checked by :mod:`.extensions`); every CSV in
``tables/`` and JSON file in ``schemas/`` must be declared by a resource; each Table Schema must hold
the shared fields of its role as ``schemas/shared/fields.json`` defines them; each table's sha256,
byte size and row count are compared with ``datapackage.json``, and a resource must record its hash.
Row-level checks (types, constraints, keys, foreign keys) run vectorised in the pandera layer,
which was measured to be faster on large tables (see benchmarks/results.md) and names the same
faults with the same precision. CI also runs the full ``frictionless validate`` on the package.
"""

from __future__ import annotations

from painimmune.errors import DataError, PainimmuneError
from painimmune.package.composition import SHARED_FIELDS, compose, shared_definitions
from painimmune.package.copying import package_files
from painimmune.package.descriptor import DataPackage
from painimmune.package.files import PACKAGE_PARTS
from painimmune.package.fingerprints import fingerprinted
from painimmune.package.installed import missing_fields
from painimmune.package.integrity import mismatch, parse_hash
from painimmune.package.locate import DESCRIPTOR
from painimmune.package.reference import REFERENCE_FOLDER
from painimmune.package.structure import StructureError
from painimmune.validation.problems import Problem, declare, declared
from painimmune.validation.raw import RawTable

_rule = declare("frictionless", __name__)
UNREADABLE_PACKAGE = _rule("unreadable-package", "The package can be read",
                           "datapackage.json and every Table Schema it points to exist, are UTF-8 JSON objects and lie inside the package.")
DESCRIPTOR_INVALID = _rule("descriptor-invalid", "The descriptor is a valid Data Package",
                           "datapackage.json passes Frictionless's Data Package v2 profile.")
TABLE_SCHEMA_INVALID = _rule("table-schema-invalid", "Each Table Schema is valid",
                             "Every Table Schema passes Frictionless's Table Schema v2 profile.")
SHARED_FIELD_DRIFT = _rule("shared-field-drift", "Shared fields match their one definition",
                           "Each Table Schema holds the shared fields of its role (schemas/shared/fields.json) exactly as defined there.",
                           repaired_by_build=True)
FIELD_MISSING = _rule("field-missing", "Every column this painimmune reads is there",
                      "Each table that the installed painimmune also has declares every column of its installed Table Schema: the "
                      "rules, views and exports read them (a package of another release, or a copy that lost a column, is named "
                      "column by column, and the package rules are not run on it).")
REQUIRED_TABLE = _rule("required-table", "The lookup tables are there",
                       "The package declares the lookup tables the package rules read: sources, evidence_levels, directions and "
                       "species_contexts.")
SYMBOLIC_LINK = _rule("symbolic-link", "No links inside the package",
                      "No file or folder of the package (its descriptor, tables/, schemas/, sources/, reference/, curation/, "
                      "CITATION.cff, CHANGELOG.md, croissant.json) is a symbolic link: a package holds its files, and a link could "
                      "point anywhere.")
UNDECLARED_FILE = _rule("undeclared-file", "Every table and schema file is declared",
                        "Each file in tables/ and schemas/, at any depth and whatever its name (tables/sub/x.csv, tables/x.CSV, "
                        "notes.txt), is the path or schema of a resource, schemas/shared/fields.json aside: nothing unvalidated "
                        "lies where the data is shipped from.")
FILE_HASH = _rule("file-hash", "Every file a rule reads is as built",
                  "datapackage.json's fileHashes records the hash of each Table Schema, of schemas/shared/fields.json, CITATION.cff, "
                  "CHANGELOG.md, croissant.json and the reference tables (painimmune.package.fingerprints); each file is there and "
                  "matches it, so none can change under a verified load.", repaired_by_build=True)
HASH_MISSING = _rule("hash-missing", "Every resource records its hash",
                     "Each resource in datapackage.json records a sha256 hash, so that loading can verify it.", repaired_by_build=True)
HASH_COUNT = _rule("hash-count", "The recorded hash is the file's",
                   "The sha256 recorded for a table in datapackage.json is the sha256 of its file.", repaired_by_build=True)
BYTE_COUNT = _rule("byte-count", "The recorded size is the file's",
                   "The bytes recorded for a table in datapackage.json are the size of its file.", repaired_by_build=True)
ROW_COUNT = _rule("row-count", "The recorded row count is the file's",
                  "The rows recorded for a table in datapackage.json are the number of data rows of its file.", repaired_by_build=True)


def refusal(error: PainimmuneError, table: str | None = None) -> list[Problem]:
    """The problems of a file the trust boundary refused: each structural fault under its own rule
    and place, anything else (unreadable, too large, outside the package) as ``unreadable-package``."""
    if isinstance(error, StructureError):
        return [declared(fault.rule).problem(fault.message, fault.table, None, fault.column, fault.value)
                for fault in error.faults]
    return [UNREADABLE_PACKAGE.problem(str(error), table)]


# Lookup tables that the package rules read by name.
REQUIRED_TABLES = ("sources", "evidence_levels", "directions", "species_contexts")


def missing_columns(package: DataPackage) -> list[Problem]:
    """A problem for each column that the installed painimmune's Table Schema of a table declares
    and the package's does not (:func:`painimmune.package.installed.missing_fields`)."""
    return [FIELD_MISSING.problem(f"the Table Schema has no column {column!r}, which this painimmune reads (its installed Table "
                                  f"Schema declares it); validate the package with the painimmune release that built it",
                                  table, column=column)
            for table, columns in missing_fields(package).items() for column in columns]


def required_tables(package: DataPackage) -> list[Problem]:
    """A problem for each lookup table that the package rules read and the package does not declare."""
    return [REQUIRED_TABLE.problem(f"the package declares no table {name!r}, which the package rules read", name)
            for name in REQUIRED_TABLES if name not in package.resources]


def check(package: DataPackage) -> list[Problem]:
    """Frictionless's errors in the descriptor and in every Table Schema."""
    from frictionless import FrictionlessException, Package, Schema

    try:
        errors = list(Package.metadata_validate(package.descriptor))
    except FrictionlessException as exc:
        errors = [exc.error]
    problems = [DESCRIPTOR_INVALID.problem(f"{error.type}: {error.note or error.message}") for error in errors]
    for name in package.table_names:
        try:
            errors = list(Schema.metadata_validate(package.schema(name)))
        except FrictionlessException as exc:
            errors = [exc.error]
        problems += [TABLE_SCHEMA_INVALID.problem(f"{error.type}: {error.note or error.message}", name) for error in errors]
    return problems


# The folders whose every file, at any depth and of any name, is a declared table or Table Schema
# (or the shared field definitions).
DECLARED_FOLDERS = ("tables", "schemas")


def symbolic_links(package: DataPackage) -> list[Problem]:
    """A symbolic link (or a FIFO, socket or device) among the package's files and folders, by path."""
    try:
        package_files(package.root, PACKAGE_PARTS)
    except DataError as exc:
        return [SYMBOLIC_LINK.problem(f"{exc}; a package holds its files and folders, never links to them", value=_relative(package, exc))]
    return []


def _relative(package: DataPackage, exc: DataError) -> str:
    """The package path a refusal of :mod:`painimmune.package.copying` names (its first word)."""
    path = str(exc).split(":", 1)[0]
    root = str(package.root)
    return path[len(root) + 1:] if path.startswith(root + "/") else path


def undeclared_files(package: DataPackage) -> list[Problem]:
    """Tables and Table Schemas lying in the package that no resource declares (a table added but
    never declared would be shipped unvalidated, or silently left out)."""
    declared = set()
    for name in package.table_names:
        declared.add(package.table_path(name))
        schema_path = package.schema_path(name)
        if schema_path is not None:
            declared.add(schema_path)
    try:
        present = package_files(package.root, DECLARED_FOLDERS)
    except DataError:
        return []  # a link or special file: the symbolic-link rule names it
    problems = []
    for relative in present:
        if relative != SHARED_FIELDS and (package.root / relative).resolve() not in declared:
            problems.append(UNDECLARED_FILE.problem(f"{relative} is not the path or schema of any resource in {DESCRIPTOR}; "
                                                    "declare it, or remove it", value=relative))
    return problems


def file_hashes(package: DataPackage) -> list[Problem]:
    """The files whose hash ``fileHashes`` records (:func:`painimmune.package.fingerprints.fingerprinted`,
    and whatever else it records): each there, recorded, and matching."""
    recorded = package.descriptor.get("fileHashes", {})
    # A reference table the package records but does not hold (a release zip, an installed copy)
    # is checked against the installed one instead (reference-differs).
    others = [relative for relative in recorded if not relative.startswith(REFERENCE_FOLDER + "/")]
    problems = []
    for relative in dict.fromkeys([*fingerprinted(package), *others]):
        try:
            data = package.file(relative, "json" if relative.endswith(".json") else "text")
        except DataError as exc:
            problems.append(FILE_HASH.problem(str(exc), column="fileHashes", value=relative))
            continue
        if relative not in recorded:
            problems.append(FILE_HASH.problem(f"datapackage.json records no hash of {relative}; run `python scripts/build.py`",
                                    column="fileHashes", value=relative))
            continue
        fault = mismatch(recorded[relative], data)
        if fault:
            problems.append(FILE_HASH.problem(f"{relative} changed after the package was built ({fault}); "
                                    "run `python scripts/build.py`", column="fileHashes", value=relative))
    return problems


def shared_field_drift(package: DataPackage) -> list[Problem]:
    """Table Schemas that differ from what their role's shared field definitions make of them."""
    shared = shared_definitions(package)
    if shared is None:
        return []
    problems = []
    for name in package.table_names:
        table_schema = package.schema(name)
        composed = compose(table_schema, shared)
        if composed == table_schema:
            continue
        changed = [field["name"] for field in composed["fields"] if field not in table_schema["fields"]]
        changed += [key for key in composed if key != "fields" and composed[key] != table_schema.get(key)]
        problems.append(SHARED_FIELD_DRIFT.problem("the schema differs from schemas/shared/fields.json in "
                                f"{', '.join(changed) or 'its fields'}; run `python scripts/build.py`", name,
                                column=", ".join(changed) or None))
    return problems


def integrity(package: DataPackage, name: str, raw: RawTable) -> list[Problem]:
    """The table's hash, bytes and rows against those ``datapackage.json`` records."""
    resource = package.resource(name)
    if not raw.readable:
        return []  # the pandera layer reports the unreadable file
    found = []
    recorded = str(resource.get("hash", ""))
    if not recorded:
        found.append(HASH_MISSING.problem("datapackage.json records no hash for this table, so loading cannot "
                             "verify it; run `python scripts/build.py`", name, None, "hash"))
    else:
        try:
            _, digest = parse_hash(recorded)  # (the file's digest by its algorithm was taken as it was read)
        except DataError as exc:
            found.append(HASH_COUNT.problem(f"{exc} in datapackage.json", name, None, "hash", recorded))
        else:
            actual = raw.text.digest
            if actual != digest:
                found.append(HASH_COUNT.problem(f"datapackage.json records {recorded}, the file's hash is {actual}; "
                                     "run `python scripts/build.py` after editing", name, None, "hash", recorded))
    if "bytes" in resource and resource["bytes"] != raw.text.size:
        found.append(BYTE_COUNT.problem(f"datapackage.json records {resource['bytes']} bytes, the file has {raw.text.size}",
                             name, None, "bytes", str(resource["bytes"])))
    if "rows" in resource and raw.error is None and resource["rows"] != raw.text.rows:
        found.append(ROW_COUNT.problem(f"datapackage.json records {resource['rows']} rows, the file has {raw.text.rows}",
                             name, None, "rows", str(resource["rows"])))
    return found
