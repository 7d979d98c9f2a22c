"""The evidence profile of a set of rows: how many rows, from how many sources of which types, the
strongest evidence level among them and how many refute. Computed from the rows whenever it is
asked for, never stored.

>>> import painimmune as pim
>>> about = pim.about("crps")
>>> about["profile"]["rows"] >= 1 and about["profile"]["source_types"] == {"clinician article": 1}
True
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypedDict

import pandas as pd


class EvidenceProfile(TypedDict):
    """What a set of rows rests on.

    Keys:
        rows: the number of rows (statements by one source each).
        sources: the number of distinct sources.
        source_types: distinct sources by type (``peer-reviewed review``, ``clinician article``, ...).
        strongest_level: the id of the strongest evidence level among the rows (the lowest rank).
        strongest_label: its label (``expert statement``).
        supporting_rows: rows that support.
        refuting_rows: rows that refute.
    """

    rows: int
    sources: int
    source_types: dict[str, int]
    strongest_level: str
    strongest_label: str
    supporting_rows: int
    refuting_rows: int


def evidence_profile(rows: pd.DataFrame, source_types: pd.Series, levels: pd.DataFrame) -> EvidenceProfile | None:
    """The profile of *rows* (with ``source_id``, ``evidence_level_id`` and ``direction``), given
    the type of each source (*source_types*, by source id) and the evidence levels (*levels*,
    indexed by id, with ``rank`` and ``label``); None when there are no rows."""
    if rows.empty:
        return None
    sources = sorted(set(rows["source_id"]))
    types: dict[str, int] = {}
    for source in sources:
        kind = str(source_types.get(source, "unknown"))
        types[kind] = types.get(kind, 0) + 1
    strongest = min(rows["evidence_level_id"], key=lambda level: int(levels.at[level, "rank"]))
    refuting = int((rows["direction"] == "refutes").sum())
    return EvidenceProfile(rows=len(rows), sources=len(sources), source_types=dict(sorted(types.items())),
                           strongest_level=str(strongest), strongest_label=str(levels.at[strongest, "label"]),
                           supporting_rows=len(rows) - refuting, refuting_rows=refuting)


def distinct(values: Iterable[object]) -> list[str]:
    """The distinct present values, sorted (the sources or row ids of an assertion)."""
    return sorted({str(value) for value in values if not pd.isna(value)})
