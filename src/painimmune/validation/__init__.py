"""Validate a data package in three layers: Frictionless, pandera, package rules.

Every rule is in the catalogue :mod:`painimmune.validation.rules` (and ``docs/rules.md``); a
report names, for each problem, its rule, table, row, column and value.

>>> from painimmune.validation import validate
>>> validate().valid
True
>>> validate(rules=["quote-not-found"]).valid
True
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import partial
from importlib.util import find_spec
from pathlib import Path

import pandas as pd

from painimmune.errors import VALIDATE_EXTRA, MissingDependencyError, PackageNotFoundError, PainimmuneError

# The validators are an extra (a light install loads, describes and cites the data without them):
# say what to install, in one line, before an import deep inside a layer fails.
_MISSING = [name for name in ("pandera", "frictionless") if find_spec(name) is None]
if _MISSING:
    raise MissingDependencyError(f"validation needs {' and '.join(_MISSING)}, which "
                                 f"{'is' if len(_MISSING) == 1 else 'are'} not installed: {VALIDATE_EXTRA}")

from painimmune.package.descriptor import DataPackage, as_package  # noqa: E402
from painimmune.validation import (  # noqa: E402
    croissant_rules,
    extensions,
    frictionless_layer,
    package_rules,
    pandera_layer,
    reference_rules,
    rubric_rules,
)
from painimmune.validation.problems import Problem, Report  # noqa: E402
from painimmune.validation.raw import read  # noqa: E402
from painimmune.validation.rules import RULES, layer_rules, rule  # noqa: E402

__all__ = ["Problem", "Report", "selected_rules", "validate"]


def selected_rules(only: str | Iterable[str] | None = None, skip: str | Iterable[str] | None = ()) -> set[str]:
    """The ids of the rules to check: *only* these (all when None), less those in *skip* (none when
    None). A single string is one rule id, not a sequence of characters.

    >>> sorted(selected_rules("pattern")), "pattern" in selected_rules(skip="pattern")
    (['pattern'], False)

    Raises:
        UnknownChoiceError: an id is not a rule of the catalogue.
    """
    chosen = {rule(rule_id).id for rule_id in _rule_ids(only)} if only is not None else set(RULES)
    return chosen - {rule(rule_id).id for rule_id in _rule_ids(skip)}


def _rule_ids(given: str | Iterable[str] | None) -> list[str]:
    """The rule ids *given*: one string is one id, None is none."""
    if given is None:
        return []
    return [given] if isinstance(given, str) else list(given)


def validate(path: str | Path | DataPackage | None = None, *, rules: str | Iterable[str] | None = None,
             skip: str | Iterable[str] | None = ()) -> Report:
    """Validate the data package at *path* (a directory, ``datapackage.json`` or a
    :class:`DataPackage`; the installed data by default).

    Args:
        rules: check only the rules with these ids (see :mod:`painimmune.validation.rules`), or
            with this one id when a string; every rule when None.
        skip: do not check the rules with these ids, or with this one id when a string; None skips
            none.

    Returns a :class:`Report`; ``report.valid`` is False when any rule checked found a problem. The
    package's own schema properties (``schema-extension-invalid``, ``biolink-unknown``) are checked
    whatever *rules* and *skip* say, since every other check relies on them.

    Raises:
        PackageNotFoundError: there is no data package at *path* (nothing to validate).
        UnknownChoiceError: a rule id in *rules* or *skip* is not in the catalogue.
    """
    enabled = selected_rules(rules, skip)
    report = Report()
    try:
        package = as_package(path)
        package.check_size()
    except PackageNotFoundError:
        raise
    except PainimmuneError as exc:
        report.problems = frictionless_layer.refusal(exc)
        return report
    for name in package.table_names:  # every Table Schema that cannot be used, each fault named
        try:
            package.schema(name)
        except PainimmuneError as exc:
            report.problems += frictionless_layer.refusal(exc, name)
    if report.problems:
        report.notes.append("no other rule was checked: the descriptor and Table Schemas must be usable first")
        return report
    # The package's own schema properties are checked whatever rules are chosen: every other check
    # relies on them, so none runs while they are malformed.
    report.problems = _guarded(lambda: extensions.check(package, report.notes))
    if report.problems:
        report.notes.append("no other rule was checked: the schema properties they rely on are malformed")
        return report
    report.problems = [problem for problem in _check(package, enabled, report.notes) if problem.rule in enabled]
    return report


def _guarded(check: Callable[[], list[Problem]]) -> list[Problem]:
    """The problems *check* finds, or, when a file it reads cannot be read safely (the trust boundary
    refuses it), that refusal as a problem: a check never stops validation with an exception."""
    try:
        return check()
    except PainimmuneError as exc:
        return frictionless_layer.refusal(exc)


def _check(package: DataPackage, enabled: set[str], notes: list[str]) -> list[Problem]:
    """Run the layers with at least one enabled rule; their problems, unfiltered."""
    def wanted(layer: str) -> bool:
        return bool(enabled & set(layer_rules(layer)))

    problems: list[Problem] = []
    problems += frictionless_layer.required_tables(package)
    missing = [problem.table for problem in problems]
    columns = _guarded(lambda: frictionless_layer.missing_columns(package))
    problems += columns
    if wanted("frictionless"):
        for check in (frictionless_layer.check, frictionless_layer.symbolic_links, frictionless_layer.undeclared_files,
                      frictionless_layer.file_hashes,
                      frictionless_layer.shared_field_drift):
            problems += _guarded(partial(check, package))
    # Each file is read and parsed once, and its raw rows are dropped as soon as they are a frame,
    # so that memory holds one table's raw text at a time (see benchmarks/results.md).
    texts: dict[str, pd.DataFrame] = {}
    for name in package.table_names:
        table = read(package, name)
        problems += frictionless_layer.integrity(package, name, table)
        problems += package_rules.normal_form(package, name, table)
        frame = pandera_layer.text_frame(package, name, table, problems)
        if frame is not None:
            texts[name] = frame
    if wanted("pandera"):
        problems += _guarded(lambda: pandera_layer.check(package, texts))
    if wanted("package") and not missing and not columns:
        problems += _guarded(lambda: package_rules.check(package, notes, texts))
        problems += _guarded(lambda: reference_rules.check(package, texts))
        problems += _guarded(lambda: reference_rules.reference_drift(package, notes))
        problems += _guarded(lambda: rubric_rules.rubric_drift(package, texts))
        problems += _guarded(lambda: croissant_rules.check(package))
    elif missing or columns:
        notes.append("package rules skipped: the tables or columns they read are missing (see the problems above)")
    return problems
