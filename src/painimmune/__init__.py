"""painimmune: a curated reference dataset of the immune system's role in chronic pain.

>>> import painimmune as pim
>>> pim.tables()[:3]
['mediators', 'cell_types', 'conditions']
>>> mediators = pim.load("mediators")
>>> mediators.loc[mediators["id"] == "tnf", "name"].item()
'TNF-α'

``import painimmune`` reads only ``datapackage.json`` (for ``__version__``). The functions below
are imported on first use, so pandas is imported by the first ``load``, and validation
(pandera, frictionless) and the command line (click) only when they are used.
"""

from importlib import import_module
from typing import TYPE_CHECKING, Any

from painimmune.errors import (
    DataError,
    IntegrityError,
    PackageNotFoundError,
    PainimmuneError,
    UnknownChoiceError,
    UnknownEntityError,
    UnknownTableError,
)
from painimmune.package.descriptor import DataPackage

if TYPE_CHECKING:  # what type checkers and editors see: the lazily imported functions, with their signatures
    from painimmune.citations import citation
    from painimmune.entities import about
    from painimmune.graph import assertions
    from painimmune.loader import load, load_all, schema, tables
    from painimmune.writer import to_csv

__version__: str = DataPackage().version

# Public function -> the module that defines it (imported when the function is first used).
_LAZY = {
    "about": "painimmune.entities",
    "assertions": "painimmune.graph",
    "citation": "painimmune.citations",
    "load": "painimmune.loader",
    "load_all": "painimmune.loader",
    "schema": "painimmune.loader",
    "tables": "painimmune.loader",
    "to_csv": "painimmune.writer",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(import_module(_LAZY[name]), name)
        globals()[name] = value  # later lookups skip this function
        return value
    raise AttributeError(f"module 'painimmune' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_LAZY])


# Written out (not built from _LAZY) so that type checkers read it: tests/test_api.py checks the two agree.
__all__ = [
    "DataError",
    "DataPackage",
    "IntegrityError",
    "PackageNotFoundError",
    "PainimmuneError",
    "UnknownChoiceError",
    "UnknownEntityError",
    "UnknownTableError",
    "__version__",
    "about",
    "assertions",
    "citation",
    "load",
    "load_all",
    "schema",
    "tables",
    "to_csv",
]
