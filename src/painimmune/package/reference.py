"""The verified reference tables in ``reference/ontologies/``: official identifiers and their labels.

Each term table (``hgnc.tsv``, ``cl.tsv``, ``eco.tsv``, ``biolink.tsv``, ...) has the columns ``curie``,
``label``, ``exact_synonyms`` (``|``-separated), ``source`` and ``note``, and was read from a named
ontology release (see ``reference/ontologies/README.md``). A Table Schema field that holds CURIEs
names its table in ``referenceTable``, or the folder ``reference/ontologies`` for any of them.
``superclasses.tsv`` holds, for each term an entity table uses from an ontology with a subclass
hierarchy (CL, ChEBI, GO, MONDO), every superclass of it there.

Validation, the exports and the views read the tables that ship with the installed painimmune
(:func:`installed_root`: the source checkout it runs from, or the data inside its wheel), never
those of a package handed to them: a package cannot vouch for its own identifiers. The package
records the hash of each table it was built against (``fileHashes``), and validation reports a
package built against other reference data than the installed (rule ``reference-differs``).
"""

from __future__ import annotations

import csv
import functools
import io
from dataclasses import dataclass
from pathlib import Path

from painimmune.errors import DataError
from painimmune.package.files import inside, read_text

REFERENCE_FOLDER = "reference/ontologies"
BIOLINK_CATEGORIES = "reference/ontologies/biolink_categories.tsv"
TERM_COLUMNS = ["curie", "label"]


@dataclass(frozen=True)
class Term:
    """One verified term."""

    curie: str
    label: str
    exact_synonyms: tuple[str, ...]
    note: str


def installed_root() -> Path:
    """The root whose ``reference/ontologies`` the installed painimmune trusts: its source checkout,
    or the data inside its wheel."""
    from painimmune.package.locate import default_root

    return default_root()


def reference_files(root: Path) -> list[str]:
    """The reference tables (``reference/ontologies/*.tsv``) of the package or installation at
    *root*, as paths relative to it: the files a package fingerprints in ``fileHashes``."""
    folder = root / REFERENCE_FOLDER
    if folder.is_symlink() or not folder.is_dir():
        return []
    return sorted(f"{REFERENCE_FOLDER}/{path.name}" for path in folder.glob("*.tsv"))


def _rows(root: Path, relative: str) -> tuple[dict[str, str], ...] | None:
    """The rows of the table at *relative* inside *root* (None when there is none), read through the
    trust boundary. A file read before in this process and unchanged since (same modification and
    change times, size and inode) is not read again: every rule, export and view that checks an
    identifier reads the installed tables. The rows are shared: read them, never change them."""
    path = inside(root, relative, "reference table")
    if not path.exists():
        return None
    stat = path.stat()
    return _read_rows(path, relative, (stat.st_mtime_ns, stat.st_ctime_ns, stat.st_size, stat.st_ino))


@functools.lru_cache(maxsize=64)
def _read_rows(path: Path, relative: str, identity: tuple[int, int, int, int]) -> tuple[dict[str, str], ...]:
    """The rows of the reference table at *path*, as of *identity* (the key of the cache)."""
    text = read_text(path, "text", relative)
    try:
        return tuple(csv.DictReader(io.StringIO(text, newline=""), delimiter="\t"))
    except csv.Error as exc:
        raise DataError(f"{relative}: cannot be read as a reference table: {exc}") from exc


def read_terms(root: Path, relative: str) -> dict[str, Term] | None:
    """The terms of the reference table at *relative* (a file inside the package at *root*) by
    CURIE, or of every term table of the folder *relative*; None when the package holds neither.

    Raises:
        DataError: the path leads outside the package, or a file is not a readable reference table.
    """
    folder = inside(root, relative, "reference table")
    if folder.is_dir():
        merged: dict[str, Term] = {}
        for path in sorted(folder.glob("*.tsv")):
            rows = _rows(root, path.relative_to(root.resolve()).as_posix())
            if rows and list(rows[0])[:2] == TERM_COLUMNS:  # the crosswalk and prefix tables hold no terms
                merged.update(_terms(rows))
        return merged
    rows = _rows(root, relative)
    if rows is None:
        return None
    if rows and list(rows[0])[:2] != TERM_COLUMNS:
        raise DataError(f"{relative}: a reference table needs the columns curie and label first")
    return _terms(rows)


def _terms(rows: tuple[dict[str, str], ...]) -> dict[str, Term]:
    return {row["curie"]: Term(row["curie"], row["label"] or "", tuple(filter(None, (row.get("exact_synonyms") or "").split("|"))),
                               row.get("note") or "") for row in rows}


SUPERCLASSES = "reference/ontologies/superclasses.tsv"
SUPERCLASS_COLUMNS = ["curie", "superclasses"]


def read_superclasses(root: Path, relative: str = SUPERCLASSES) -> dict[str, frozenset[str]] | None:
    """Every superclass of each term of the verified table at *relative* (``curie``,
    ``superclasses``: the term's whole subclass closure in its ontology, ``|``-separated), by
    CURIE; None when the package holds no such table.

    Raises:
        DataError: the path leads outside the package, or the file is not such a table.
    """
    rows = _rows(root, relative)
    if rows is None:
        return None
    if rows and list(rows[0])[:2] != SUPERCLASS_COLUMNS:
        raise DataError(f"{relative}: a superclass table needs the columns curie and superclasses first")
    return {row["curie"]: frozenset(filter(None, (row["superclasses"] or "").split("|"))) for row in rows}
