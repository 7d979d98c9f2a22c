"""The knowledge-graph view: every assertion of every relationship table in one long table.

A relationship table's Table Schema says which columns are its subject, predicate, object and
qualifiers (the custom ``assertion`` property); the entity type of each end is the table its
foreign key points to. Rows that state the same assertion (same subject, relation, object and
qualifiers) from different sources, or that support and refute it, become one assertion with
counts of supporting and refuting sources and the strongest evidence level.

>>> import painimmune as pim
>>> view = pim.assertions()
>>> bool(view.duplicated(["subject_id", "relation", "object_id", "qualifiers"]).any())
False
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from painimmune.loader import load
from painimmune.package.descriptor import DataPackage
from painimmune.package.schemas import AssertionColumns, assertion_columns, foreign_keys

MENTION_COLUMNS = ["quote_start", "subject_mention", "subject_mention_start", "object_mention", "object_mention_start"]
COLUMNS = ["subject_type", "subject_id", "relation", "object_type", "object_id", "qualifiers", "table",
           "supporting_sources", "refuting_sources", "strongest_evidence_level", "sources", "row_ids"]


def relationship_tables(package: DataPackage) -> dict[str, AssertionColumns]:
    """The relationship tables of the package, with their assertion columns, in descriptor order."""
    return {name: assertion_columns(package.schema(name)) for name in package.relationship_tables}


def entity_type(package: DataPackage, table: str, column: str) -> str:
    """The entity table a column's foreign key points to (e.g. ``mediators``)."""
    return next(resource for col, resource, _ in foreign_keys(package.schema(table)) if col == column)


def assertion_rows(path: str | Path | None = None) -> pd.DataFrame:
    """Every row of every relationship table in the long form, one row per source statement.

    Columns: ``subject_type``, ``subject_id``, ``relation``, ``object_type``, ``object_id``,
    ``qualifiers`` (``"location=spinal cord; phase=initiation"``, empty when none), ``table``,
    ``row_id``, ``source_id``, ``quote``, ``quote_start``, ``subject_mention``,
    ``subject_mention_start``, ``object_mention``, ``object_mention_start``, ``evidence_level_id``,
    ``direction``, ``evidence_source``, ``note``.
    """
    package = DataPackage(path)
    parts = []
    for table, roles in relationship_tables(package).items():
        frame = load(table, package.root)
        object_column = frame[roles.objects[0]]
        for column in roles.objects[1:]:  # the one object a row gives
            object_column = object_column.combine_first(frame[column])
        object_type = pd.Series("", index=frame.index, dtype=object)
        for column in roles.objects:
            object_type[frame[column].notna()] = entity_type(package, table, column)
        parts.append(pd.DataFrame({
            "subject_type": entity_type(package, table, roles.subject),
            "subject_id": frame[roles.subject].astype(str),
            "relation": frame[roles.predicate].astype(str),
            "object_type": object_type,
            "object_id": object_column.astype(str),
            "qualifiers": _qualifiers(frame, roles.qualifiers),
            "table": table,
            "row_id": frame["id"],
            "source_id": frame["source_id"],
            "quote": frame["quote"],
            **{column: frame[column] for column in MENTION_COLUMNS},
            "evidence_level_id": frame["evidence_level_id"].astype(str),
            "direction": frame["direction"].astype(str),
            "evidence_source": frame["evidence_source"].astype(str),
            "note": frame["note"],
        }))
    return pd.concat(parts, ignore_index=True)


def assertions(path: str | Path | None = None) -> pd.DataFrame:
    """One row per assertion across all relationship tables, each assertion once.

    Columns: ``subject_type``, ``subject_id``, ``relation``, ``object_type``, ``object_id``,
    ``qualifiers``, ``table``, ``supporting_sources`` and ``refuting_sources`` (numbers of distinct
    sources), ``strongest_evidence_level`` (the best-ranked level among its rows), ``sources`` and
    ``row_ids`` (lists).
    """
    package = DataPackage(path)
    rows = assertion_rows(package.root)
    ranks = load("evidence_levels", package.root).set_index("id")["rank"].astype(int)
    rows["rank"] = rows["evidence_level_id"].map(ranks)
    key = ["subject_type", "subject_id", "relation", "object_type", "object_id", "qualifiers", "table"]
    grouped = rows.groupby(key, sort=True, dropna=False)
    view = grouped.agg(
        supporting_sources=("source_id", lambda s: s[rows.loc[s.index, "direction"] == "supports"].nunique()),
        refuting_sources=("source_id", lambda s: s[rows.loc[s.index, "direction"] == "refutes"].nunique()),
        rank=("rank", "min"),
        sources=("source_id", lambda s: sorted(set(s))),
        row_ids=("row_id", lambda s: sorted(s)),
    ).reset_index()
    by_rank = {rank: level for level, rank in ranks.items()}
    view["strongest_evidence_level"] = view.pop("rank").map(by_rank)
    return view[COLUMNS]


def _qualifiers(frame: pd.DataFrame, columns: list[str]) -> pd.Series:
    def describe(row: pd.Series) -> str:
        return "; ".join(f"{column}={row[column]}" for column in columns if pd.notna(row[column]))

    if not columns:
        return pd.Series("", index=frame.index)
    return frame[columns].apply(describe, axis=1)
