"""The verified reference tables in ``reference/ontologies/``: official identifiers and their labels.

Each table (``hgnc.tsv``, ``cl.tsv``, ``eco.tsv``, ``biolink.tsv``, ...) has the columns ``curie``,
``label``, ``exact_synonyms`` (``|``-separated), ``source`` and ``note``, and was read from a named
ontology release (see ``reference/ontologies/README.md``). A Table Schema field that holds CURIEs
names its table in ``referenceTable``. Source checkouts hold these tables; installed copies do not.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from painimmune.errors import DataError

BIOLINK_PREDICATES = "reference/ontologies/biolink.tsv"
BIOLINK_CATEGORIES = "reference/ontologies/biolink_categories.tsv"


@dataclass(frozen=True)
class Term:
    """One verified term."""

    curie: str
    label: str
    exact_synonyms: tuple[str, ...]
    note: str


def read_terms(root: Path, relative: str) -> dict[str, Term] | None:
    """The terms of the reference table at *relative* (inside the package at *root*) by CURIE, or
    None when the package holds no such file.

    Raises:
        DataError: the path leads outside the package, or the file is not a reference table.
    """
    path = (root / relative).resolve()
    if not path.is_relative_to(root.resolve()):
        raise DataError(f"reference table {relative!r} lies outside the package; refused")
    if not path.is_file():
        return None
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle, delimiter="\t"))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise DataError(f"{relative}: cannot be read as a reference table: {exc}") from exc
    if rows and not {"curie", "label"} <= set(rows[0]):
        raise DataError(f"{relative}: a reference table needs the columns curie and label")
    return {row["curie"]: Term(row["curie"], row["label"] or "", tuple(filter(None, (row.get("exact_synonyms") or "").split("|"))),
                               row.get("note") or "") for row in rows}
