"""painimmune: a curated reference dataset of the immune system's role in chronic pain.

>>> import painimmune as pim
>>> pim.tables()[:3]
['mediators', 'cell_types', 'conditions']
>>> mediators = pim.load("mediators")
>>> mediators.loc[mediators["id"] == "tnf", "name"].item()
'TNF-α'

Importing this package imports pandas and nothing heavier: validation (pandera, frictionless)
and the command line (click) are imported only when used.
"""

from painimmune.about import about
from painimmune.citations import citation
from painimmune.descriptor import DataPackage
from painimmune.errors import DataError, IntegrityError, PackageNotFoundError, PainimmuneError, UnknownTableError
from painimmune.graph import assertions
from painimmune.loader import load, load_all, schema, tables
from painimmune.writer import to_csv

__version__: str = DataPackage().version

__all__ = [
    "DataError",
    "IntegrityError",
    "PackageNotFoundError",
    "PainimmuneError",
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
