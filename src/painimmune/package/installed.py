"""The installed painimmune's own package, the columns it reads, and a package that lacks some of them.

The rules, views and exports of this painimmune read the columns that its own Table Schemas (those
of the installed data) declare. A package built by another release, or edited by hand, may lack
some: 3.0.0 has no ``modal_verb``, a copy may have lost ``not_encoded.length``. :func:`missing_fields`
names them, so that validation reports each one (rule ``field-missing``) before any rule reads a
row, and the views refuse such a package in one line instead of failing on the first column they
look up.
"""

from __future__ import annotations

from painimmune.errors import DataError, PainimmuneError
from painimmune.package.descriptor import DataPackage
from painimmune.package.locate import default_root
from painimmune.package.schemas import field_names


def installed_package(package: DataPackage) -> DataPackage | None:
    """The installed painimmune's package (its source checkout, or the data inside its wheel), which
    validation trusts over *package*; None when *package* is it, or when it cannot be read."""
    try:
        root = default_root()
        if root.resolve() == package.root.resolve():
            return None
        return DataPackage(root)
    except PainimmuneError:
        return None


def missing_fields(package: DataPackage) -> dict[str, list[str]]:
    """For each table of *package* that the installed painimmune also has, the columns its installed
    Table Schema declares and the package's does not, in installed order (tables without any left
    out; nothing when the installed data cannot be read, or is *package* itself)."""
    installed = installed_package(package)
    if installed is None:
        return {}
    missing = {}
    for name in package.table_names:
        if name in installed.table_names:
            declared = set(field_names(package.schema(name)))
            lacking = [column for column in field_names(installed.schema(name)) if column not in declared]
            if lacking:
                missing[name] = lacking
    return missing


def require_fields(package: DataPackage, reader: str) -> None:
    """Refuse *package* when it lacks a column the installed painimmune reads (see the module
    docstring); *reader* says what would read it (``about``, ``the website``).

    Raises:
        DataError: naming the first columns missing and what to do.
    """
    missing = missing_fields(package)
    if not missing:
        return
    columns = [f"{table}.{column}" for table, lacking in missing.items() for column in lacking]
    shown = ", ".join(columns[:5]) + (f" and {len(columns) - 5} more" if len(columns) > 5 else "")
    raise DataError(f"{package.root}: the package (version {package.version}) lacks {shown}, which {reader} reads in this "
                    "painimmune; it was built by another release: use that release, or run `painimmune validate` on it")
