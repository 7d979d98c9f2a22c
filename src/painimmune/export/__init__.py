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

from painimmune.descriptor import DataPackage
from painimmune.errors import DataError, PainimmuneError

FORMATS = {"csv": "tabular", "json": "tabular", "parquet": "tabular", "sqlite": "sqlite", "kgx": "kgx", "sssom": "sssom"}


class MissingDependencyError(PainimmuneError, ImportError):
    """An export format whose optional dependency is not installed."""


def export(format: str, out: str | Path, path: str | Path | None = None) -> list[Path]:  # noqa: A002 (the user-facing word)
    """Write the package at *path* (installed data by default) in *format* into directory *out*.

    Returns the files written.

    Raises:
        ValueError: unknown *format*.
        DataError: the Table Schemas' own properties are malformed.
        MissingDependencyError: the format's optional dependency is missing (the message says
            which extra to install).
    """
    if format not in FORMATS:
        raise ValueError(f"unknown export format {format!r}; choose one of {', '.join(FORMATS)}")
    package = DataPackage(path)
    refuse_malformed_schemas(package)
    target = Path(out)
    target.mkdir(parents=True, exist_ok=True)
    writer = import_module(f"painimmune.export.{FORMATS[format]}")
    return getattr(writer, f"write_{format}")(package, target)


def refuse_malformed_schemas(package: DataPackage) -> None:
    """Raise :class:`DataError` when the package's own schema properties (which say what the
    writers write: roles, categories, predicates) are malformed, naming the first problems."""
    from painimmune.validation import extensions

    problems = extensions.check(package, [])
    if problems:
        shown = "\n".join(str(problem) for problem in problems[:5])
        raise DataError(f"{package.root}: refused: the Table Schemas' own properties are malformed "
                        f"(`painimmune validate` lists every problem):\n{shown}")


def require(module: str, extra: str) -> object:
    """Import an optional dependency, or explain how to install it."""
    try:
        return import_module(module)
    except ImportError as exc:
        raise MissingDependencyError(f"this export needs {module}: pip install 'painimmune[{extra}]'") from exc
