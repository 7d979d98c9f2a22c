"""Write the data in the formats other tools read: ``painimmune export --format FORMAT --out DIR``.

========  ==========================================================  =====================
format    what is written                                               needs
========  ==========================================================  =====================
csv       the data package itself (datapackage.json, tables, schemas)
json      ``painimmune.json``: every table as a list of typed records
parquet   one typed Parquet file per table                               ``painimmune[parquet]``
sqlite    ``painimmune.db`` with keys declared, ``metadata.json`` for Datasette
kgx       Biolink ``nodes.tsv`` and ``edges.tsv``
sssom     ``painimmune.sssom.tsv``: the exact-match cross-references
========  ==========================================================  =====================
"""

from __future__ import annotations

from importlib import import_module
from pathlib import Path
from types import ModuleType

from painimmune.destination import StagedOutput, check_output_place
from painimmune.errors import DataError, MissingDependencyError, UnknownChoiceError
from painimmune.output import OutputFolder
from painimmune.package.descriptor import DataPackage

FORMATS = {"csv": "tabular", "json": "tabular", "parquet": "tabular", "sqlite": "sqlite", "kgx": "kgx", "sssom": "sssom"}


def export(format: str, out: str | Path, path: str | Path | None = None) -> list[Path]:  # noqa: A002 (the user-facing word)
    """Write the package at *path* (installed data by default) in *format* into directory *out*.

    Returns the files written. *out* must be a new or empty folder, or an earlier export in the same
    format (:mod:`painimmune.destination`: never a system folder, the home folder or the package);
    the export is written whole into a staging folder and moved into place at the end, replacing
    the earlier export (and removing its files this one does not write). A failed export leaves the
    folder as it was.

    Raises:
        UnknownChoiceError: unknown *format*.
        OutputRefused: *out* is refused (nothing is written; the message says why).
        DataError: the package does not validate (nothing is written).
        MissingDependencyError: the format's optional dependency, or the validators, are missing
            (the message says which extra to install).
    """
    if format not in FORMATS:
        raise UnknownChoiceError(f"unknown export format {format!r}; choose one of {', '.join(FORMATS)}")
    command = f"painimmune export --format {format}"
    check_output_place(out)  # where it writes is judged before the package (or a zip) is read
    package = DataPackage(path)
    staged = StagedOutput(out, command, package.root)
    refuse_invalid(package)
    with staged as folder:
        written = write_format(format, package, folder)
    return staged.placed(written)


def write_format(format: str, package: DataPackage, out: OutputFolder) -> list[Path]:  # noqa: A002
    """Write *package*, which the caller has validated (:func:`refuse_invalid`), in *format* into *out*."""
    writer = import_module(f"painimmune.export.{FORMATS[format]}")
    written: list[Path] = getattr(writer, f"write_{format}")(package, out)
    return written


def refuse_invalid(package: DataPackage) -> None:
    """Raise :class:`DataError` unless the package validates: an export passes on no value that
    validation refuses (a formula, a control character, a dangling key, a malformed schema)."""
    from painimmune.validation import validate

    problems = validate(package).problems
    if problems:
        broken = ", ".join(dict.fromkeys(problem.rule for problem in problems))
        raise DataError(f"{package.root}: refused: the package does not validate, so nothing was exported "
                        f"({len(problems)} problem(s), rules {broken}; `painimmune validate` lists them)")


def require(module: str, extra: str, needed_by: str = "this export") -> ModuleType:
    """Import an optional dependency, or explain in one line what *needed_by* needs and how to install it."""
    try:
        return import_module(module)
    except ImportError as exc:
        raise MissingDependencyError(f"{needed_by} needs {module}: pip install 'painimmune[{extra}]'") from exc
