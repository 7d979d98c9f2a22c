"""The knowledge-graph view: every assertion of every relationship table in one long table.

A relationship table's Table Schema says which columns are its subject, predicate and objects (the
custom ``assertion`` property) and which are qualifiers (the fields that declare a Biolink
``qualifier``); the entity type of each end is the table its foreign key points to. Every other
column the long table carries is a field all relationship tables share (``schemas/shared/fields.json``),
so a shared field added there reaches this view without a change here. Rows that state the same
assertion (same subject, relation, object and qualifiers) from different sources, or that support
and refute it, become one assertion with its evidence profile (:mod:`painimmune.profile`).

>>> import painimmune as pim
>>> view = pim.assertions()
>>> key = ["subject_type", "subject_id", "relation", "object_type", "object_id", *qualifier_names()]
>>> bool(view.astype(str).duplicated(key).any())
False
"""

from __future__ import annotations

from functools import reduce
from pathlib import Path

import pandas as pd

from painimmune.loader import load
from painimmune.package.descriptor import DataPackage
from painimmune.package.schemas import AssertionColumns, assertion_columns, field_names, foreign_keys
from painimmune.profile import distinct

ENDS = ["subject_type", "subject_id", "relation", "object_type", "object_id"]
PROFILE_COLUMNS = ["rows", "supporting_sources", "refuting_sources", "refuting_rows", "source_types", "strongest_evidence_level",
                   "sources", "row_ids"]
EXAMPLES = ("subject_examples", "object_examples")


def relationship_tables(package: DataPackage) -> dict[str, AssertionColumns]:
    """The relationship tables of the package, with their assertion columns, in descriptor order."""
    return {name: assertion_columns(package.schema(name)) for name in package.relationship_tables}


def shared_fields(package: DataPackage) -> list[str]:
    """The columns every relationship table has besides its row id, subject, predicate and objects:
    the shared fields of the role (qualifiers, examples, provenance), in schema order."""
    tables = relationship_tables(package)
    own = {column for roles in tables.values() for column in (roles.subject, roles.predicate, *roles.objects)}
    common = reduce(lambda kept, name: [column for column in kept if column in field_names(package.schema(name))],
                    tables, field_names(package.schema(next(iter(tables)))) if tables else [])
    return [column for column in common if column != "id" and column not in own]


def qualifier_names(path: str | Path | DataPackage | None = None) -> list[str]:
    """The qualifier columns of the relationship tables (those all of them share), in schema order."""
    package = path if isinstance(path, DataPackage) else DataPackage(path)
    tables = relationship_tables(package)
    return [column for column in shared_fields(package) if all(column in roles.qualifiers for roles in tables.values())]


def entity_type(package: DataPackage, table: str, column: str) -> str:
    """The entity table a column's foreign key points to (e.g. ``mediators``)."""
    return next(resource for col, resource, _ in foreign_keys(package.schema(table)) if col == column)


def assertion_rows(path: str | Path | DataPackage | None = None) -> pd.DataFrame:
    """Every row of every relationship table in the long form, one row per source statement.

    Columns: ``subject_type``, ``subject_id``, ``relation``, ``object_type``, ``object_id``,
    ``table``, ``row_id``, then every shared field of the relationship tables in schema order
    (:func:`shared_fields`: the qualifiers, the named examples, ``source_id``, ``quote``, the
    mentions, ``cited_refs``, ``evidence_level_id``, ``direction``, ``note``), typed as
    :func:`painimmune.load` types them (lists as lists).
    """
    package = path if isinstance(path, DataPackage) else DataPackage(path)
    shared = shared_fields(package)
    parts = []
    for table, roles in relationship_tables(package).items():
        frame = load(table, package.root)
        object_column = frame[roles.objects[0]].astype(object)
        for column in roles.objects[1:]:  # the one object a row gives
            object_column = object_column.combine_first(frame[column].astype(object))
        object_type = pd.Series("", index=frame.index, dtype=object)
        for column in roles.objects:
            object_type[frame[column].notna()] = entity_type(package, table, column)
        parts.append(pd.DataFrame({
            "subject_type": entity_type(package, table, roles.subject),
            "subject_id": frame[roles.subject].astype(str),
            "relation": frame[roles.predicate].astype(str),
            "object_type": object_type,
            "object_id": object_column.astype(str),
            "table": table,
            "row_id": frame["id"].astype(str),
            **{column: _plain(frame[column]) for column in shared},
        }))
    if not parts:
        return pd.DataFrame(columns=[*ENDS, "table", "row_id", *shared])
    return pd.concat(parts, ignore_index=True)


def assertions(path: str | Path | None = None) -> pd.DataFrame:
    """One row per assertion across all relationship tables, each assertion once.

    Columns: ``subject_type``, ``subject_id``, ``relation``, ``object_type``, ``object_id``,
    ``table``, each qualifier column (:func:`qualifier_names`), ``subject_examples`` and
    ``object_examples`` (the examples any of its rows names), then its evidence profile:
    ``rows``, ``supporting_sources`` and ``refuting_sources`` (numbers of distinct sources),
    ``refuting_rows``, ``source_types`` (the distinct types of its sources), ``strongest_evidence_level``
    (the best-ranked level among its rows), ``sources`` and ``row_ids`` (lists).
    """
    package = DataPackage(path)
    rows = assertion_rows(package)
    qualifiers = qualifier_names(package)
    ranks = load("evidence_levels", package.root).set_index("id")["rank"].astype(int)
    types = load("sources", package.root).set_index("id")["type"].astype(str)
    rows["rank"] = rows["evidence_level_id"].map(ranks)
    rows["source_type"] = rows["source_id"].map(types)
    key = [*ENDS, "table", *qualifiers]
    keyed = rows.assign(**{column: rows[column].map(_hashable) for column in qualifiers})
    records = []
    for values, group in keyed.groupby(key, sort=True, dropna=False):
        supporting, refuting = group[group["direction"] == "supports"], group[group["direction"] == "refutes"]
        record = dict(zip(key, values, strict=True))
        record.update({column: _unhashed(record[column]) for column in qualifiers})
        record.update({column: distinct(item for items in group[column] for item in items) for column in EXAMPLES})
        record.update({
            "rows": len(group), "supporting_sources": supporting["source_id"].nunique(),
            "refuting_sources": refuting["source_id"].nunique(), "refuting_rows": len(refuting),
            "source_types": distinct(group["source_type"]),
            "strongest_evidence_level": ranks.index[ranks == group["rank"].min()][0],
            "sources": distinct(group["source_id"]), "row_ids": distinct(group["row_id"]),
        })
        records.append(record)
    return pd.DataFrame(records, columns=[*key, *EXAMPLES, *PROFILE_COLUMNS])


def _plain(series: pd.Series) -> pd.Series:
    """A column as the long table holds it: categories as plain values (the tables' categories differ)."""
    return series.astype(object) if isinstance(series.dtype, pd.CategoricalDtype) else series


def _hashable(value: object) -> object:
    """*value* as a group key: a list becomes a tuple, a missing value the empty string."""
    if isinstance(value, list):
        return tuple(value)
    return "" if pd.isna(value) else value


def _unhashed(value: object) -> object:
    """The inverse of :func:`_hashable`, for the view's cells."""
    if isinstance(value, tuple):
        return list(value)
    return pd.NA if value == "" else value
