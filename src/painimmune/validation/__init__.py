"""Validate a data package in three layers: Frictionless, pandera, package rules.

>>> from painimmune.validation import validate
>>> validate().valid
True
"""

from __future__ import annotations

from pathlib import Path

from painimmune.descriptor import DataPackage
from painimmune.errors import PackageNotFoundError, PainimmuneError
from painimmune.validation import frictionless_layer, package_rules, pandera_layer
from painimmune.validation.problems import Problem, Report

__all__ = ["Problem", "Report", "validate"]


def validate(path: str | Path | None = None) -> Report:
    """Validate the data package at *path* (a directory or ``datapackage.json``; the installed data by default).

    Returns a :class:`Report`; ``report.valid`` is False when any layer found a problem, and every
    problem names its table, row key, column, value and rule.

    Raises:
        PackageNotFoundError: there is no data package at *path* (nothing to validate).
    """
    report = Report()
    try:
        package = DataPackage(path)
        for name in package.table_names:
            package.schema(name)
    except PackageNotFoundError:
        raise
    except PainimmuneError as exc:
        report.problems.append(Problem("package", "unreadable-package", str(exc)))
        return report
    report.problems += frictionless_layer.check(package)
    report.problems += pandera_layer.check(package)
    report.problems += package_rules.check(package, report.notes)
    return report
