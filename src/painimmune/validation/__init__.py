"""Validate a data package in three layers: Frictionless, pandera, package rules.

>>> from painimmune.validation import validate
>>> validate().valid
True
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from painimmune.descriptor import DataPackage
from painimmune.errors import PackageNotFoundError, PainimmuneError
from painimmune.validation import frictionless_layer, package_rules, pandera_layer
from painimmune.validation.problems import Problem, Report
from painimmune.validation.raw import read

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
    # Each file is read and parsed once, and its raw rows are dropped as soon as they are a frame,
    # so that memory holds one table's raw text at a time (see benchmarks/results.md).
    texts: dict[str, pd.DataFrame] = {}
    for name in package.table_names:
        table = read(package, name)
        report.problems += frictionless_layer.integrity(package, name, table)
        report.problems += package_rules.normal_form(package, name, table)
        frame = pandera_layer.text_frame(package, name, table, report.problems)
        if frame is not None:
            texts[name] = frame
    report.problems += frictionless_layer.check(package)
    report.problems += pandera_layer.check(package, texts)
    report.problems += package_rules.check(package, report.notes, texts)
    return report
