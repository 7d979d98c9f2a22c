"""Which files of a package its descriptor fingerprints in ``fileHashes``.

Every file a validation rule reads is fingerprinted somewhere, so that no file can change under a
verified package: each table's hash is on its resource, each source text's sha256 is in the
``sources`` table, and every other file is in the descriptor's ``fileHashes``: each Table Schema, the
shared field definitions, the citation (``CITATION.cff``), the changelog whose top entry names the
release, the Croissant description (``croissant.json``) and the reference tables the package was
built against (``reference/ontologies/*.tsv``; validation itself reads the installed ones, see
:mod:`painimmune.package.reference`). ``scripts/build.py`` records them; validation checks each
(rule ``file-hash``).
"""

from __future__ import annotations

from painimmune.package.composition import SHARED_FIELDS
from painimmune.package.descriptor import DataPackage
from painimmune.package.reference import reference_files

CITATION = "CITATION.cff"
CHANGELOG = "CHANGELOG.md"
CROISSANT = "croissant.json"
# Files every release holds beside its tables and schemas (an installed copy too).
RELEASE_FILES = (CITATION, CHANGELOG, CROISSANT)


def fingerprinted(package: DataPackage) -> list[str]:
    """The files, relative to the package root, whose hash ``fileHashes`` records: the Table
    Schemas, the shared field definitions (where the package has them), :data:`RELEASE_FILES` and
    the reference tables the package holds."""
    schemas = [package.resource(name)["schema"] for name in package.table_names]
    shared = [SHARED_FIELDS] if (package.root / SHARED_FIELDS).exists() else []
    return list(dict.fromkeys([*schemas, *shared, *RELEASE_FILES, *reference_files(package.root)]))
