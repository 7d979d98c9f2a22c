"""The evidence profile of a set of rows: how many rows, from how many sources of which types, the
strongest evidence level among them and how many refute. Computed from the rows whenever it is
asked for, never stored.

>>> import painimmune as pim
>>> about = pim.about("crps")
>>> about["profile"]["rows"] >= 1 and about["profile"]["source_types"] == {"clinician article": 1}
True
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TypedDict

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
    return profile_of(zip(rows["source_id"], rows["evidence_level_id"], rows["direction"], strict=True), source_types.to_dict(),
                      levels["rank"].to_dict(), levels["label"].to_dict())


def profile_of(rows: Iterable[tuple[Any, Any, Any]], source_types: Mapping[Any, Any], ranks: Mapping[Any, Any],
               labels: Mapping[Any, Any]) -> EvidenceProfile | None:
    """The profile of *rows*, each (source id, evidence level id, direction), given each source's
    type, each level's rank and label by id; None when there are no rows (see :func:`evidence_profile`)."""
    listed = list(rows)
    if not listed:
        return None
    sources = sorted({str(source) for source, _, _ in listed})
    types: dict[str, int] = {}
    for source in sources:
        kind = str(source_types.get(source, "unknown"))
        types[kind] = types.get(kind, 0) + 1
    strongest = min((level for _, level, _ in listed), key=lambda level: int(ranks[level]))
    refuting = sum(direction == "refutes" for _, _, direction in listed)
    return EvidenceProfile(rows=len(listed), sources=len(sources), source_types=dict(sorted(types.items())),
                           strongest_level=str(strongest), strongest_label=str(labels[strongest]),
                           supporting_rows=len(listed) - refuting, refuting_rows=refuting)


def distinct(values: Iterable[object]) -> list[str]:
    """The distinct present values, sorted (the sources or row ids of an assertion)."""
    return sorted({str(value) for value in values if not pd.isna(value)})
