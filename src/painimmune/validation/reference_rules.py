"""Layer 3: identifiers checked against the verified reference tables (:mod:`painimmune.reference`).

- every CURIE in a column that declares a ``referenceTable`` is a term of that table;
- each evidence level's ECO term carries its official label.

A copy without ``reference/ontologies`` (an installed package) is not checked, and the report says so.
"""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd

from painimmune.descriptor import DataPackage
from painimmune.reference import Term, read_terms
from painimmune.schemas import primary_key, xref_columns
from painimmune.validation.problems import Problem

LAYER = "package"


def check(package: DataPackage, notes: list[str], texts: dict[str, pd.DataFrame]) -> list[Problem]:
    """Problems with the identifiers of every table read (*texts*: frames of raw strings)."""
    problems: list[Problem] = []
    missing: set[str] = set()
    for name, frame in texts.items():
        table_schema = package.schema(name)
        key = primary_key(table_schema)
        for column, reference in xref_columns(table_schema).items():
            terms = read_terms(package.root, reference)
            if terms is None:
                missing.add(reference)
                continue
            problems += _unverified(name, frame, key, column, reference, terms)
    if "evidence_levels" in texts:
        eco = read_terms(package.root, "reference/ontologies/eco.tsv")
        if eco is not None:
            problems += _eco_labels(texts["evidence_levels"], eco)
    if missing:
        notes.append(f"cross-references not checked against {', '.join(sorted(missing))}: this copy does not hold them")
    return problems


def _unverified(table: str, frame: pd.DataFrame, key: list[str], column: str, reference: str,
                terms: dict[str, Term]) -> Iterator[Problem]:
    present = frame[column].notna()
    for index in frame.index[present & ~frame[column].isin(list(terms))]:
        row = ", ".join(str(frame.at[index, k]) for k in key)
        yield Problem(LAYER, "xref-unverified", f"not an identifier of the verified table {reference}; never type an identifier "
                      "from memory", table, row, column, frame.at[index, column])


def _eco_labels(levels: pd.DataFrame, eco: dict[str, Term]) -> Iterator[Problem]:
    for level, curie, label in zip(levels["id"], levels["eco_id"], levels["eco_label"]):
        term = eco.get(curie)
        if term is not None and term.label != label:
            yield Problem(LAYER, "eco-label", f"the official label of {curie} is {term.label!r}", "evidence_levels", level,
                          "eco_label", label)
