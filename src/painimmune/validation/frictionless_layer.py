"""Layer 1: Frictionless on the metadata, and the integrity the descriptor records.

The descriptor and every Table Schema are validated by Frictionless against the Data Package v2
profiles; each table's sha256, byte size and row count are compared with ``datapackage.json``.
Row-level checks (types, constraints, keys, foreign keys) run vectorised in the pandera layer,
which was measured to be faster on large tables (see benchmarks/results.md) and names the same
faults with the same precision. CI also runs the full ``frictionless validate`` on the package.
"""

from __future__ import annotations

from painimmune.descriptor import DataPackage, file_hash
from painimmune.errors import DataError
from painimmune.validation.problems import Problem
from painimmune.validation.raw import RawTable

LAYER = "frictionless"


def check(package: DataPackage) -> list[Problem]:
    """Frictionless's errors in the descriptor and in every Table Schema."""
    from frictionless import FrictionlessException, Package, Schema

    problems = [Problem(LAYER, error.type, error.note or error.message) for error in Package.metadata_validate(package.descriptor)]
    for name in package.table_names:
        try:
            errors = list(Schema.metadata_validate(package.schema(name)))
        except FrictionlessException as exc:
            errors = [exc.error]
        problems += [Problem(LAYER, error.type, error.note or error.message, name) for error in errors]
    return problems


def integrity(package: DataPackage, name: str, raw: RawTable) -> list[Problem]:
    """The table's hash, bytes and rows against those ``datapackage.json`` records."""
    resource = package.resource(name)
    if raw.data is None:
        return []  # the pandera layer reports the unreadable file
    found = []
    recorded = str(resource.get("hash", ""))
    if recorded:
        try:
            _, digest, actual = file_hash(recorded, raw.data)
        except DataError as exc:
            found.append(Problem(LAYER, "hash-count", f"{exc} in datapackage.json", name, None, "hash", recorded))
        else:
            if actual != digest:
                found.append(Problem(LAYER, "hash-count", f"datapackage.json records {recorded}, the file's hash is {actual}; "
                                     "run `python scripts/build.py` after editing", name, None, "hash", recorded))
    if "bytes" in resource and resource["bytes"] != len(raw.data):
        found.append(Problem(LAYER, "byte-count", f"datapackage.json records {resource['bytes']} bytes, the file has {len(raw.data)}",
                             name, None, "bytes", str(resource["bytes"])))
    if "rows" in resource and raw.error is None and resource["rows"] != len(raw.rows):
        found.append(Problem(LAYER, "row-count", f"datapackage.json records {resource['rows']} rows, the file has {len(raw.rows)}",
                             name, None, "rows", str(resource["rows"])))
    return found
