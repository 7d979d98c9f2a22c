"""Layer 1: the real Frictionless validator (types, constraints, keys, hash and bytes)."""

from __future__ import annotations

from painimmune.descriptor import DataPackage
from painimmune.errors import PainimmuneError
from painimmune.locate import DESCRIPTOR
from painimmune.schemas import field_names, primary_key
from painimmune.validation.problems import Problem

LAYER = "frictionless"


def check(package: DataPackage) -> list[Problem]:
    """Validate the package with Frictionless and translate its errors into problems."""
    from frictionless import FrictionlessException, Package

    try:
        report = Package(str(package.root / DESCRIPTOR)).validate()
    except FrictionlessException as exc:
        return [Problem(LAYER, exc.error.type, exc.error.message)]
    problems = [Problem(LAYER, error.type, error.message) for error in report.errors]
    for task in report.tasks:
        key_positions = _key_positions(package, task.name)
        for error in task.errors:
            row = None
            cells = getattr(error, "cells", None)
            if cells and key_positions and all(i < len(cells) for i in key_positions):
                row = ", ".join(str(cells[i]) for i in key_positions)
            elif getattr(error, "row_number", None):
                row = f"line {error.row_number}"
            cell = getattr(error, "cell", None)
            problems.append(
                Problem(LAYER, error.type, error.note or error.message, task.name, row,
                        getattr(error, "field_name", None), str(cell) if cell is not None else None)
            )
    return problems


def _key_positions(package: DataPackage, name: str | None) -> list[int]:
    try:
        schema = package.schema(name)
    except (PainimmuneError, KeyError):  # an unreadable schema is reported by Frictionless itself
        return []
    names = field_names(schema)
    return [names.index(column) for column in primary_key(schema) if column in names]
