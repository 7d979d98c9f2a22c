"""How reliable the grading is: a second, independent grading of every relationship row, compared
with the first by Cohen's κ.

``curation/second-grading.csv`` holds the second curator's grades (``row_id``, ``evidence_level_id``,
``direction``, ``species_context_qualifier``, ``note``), made blind: the second curator saw each row's quote, the sentence around
it and the rubric (``curation/second-grading-brief.md``), never the first grade.
``curation/resolutions.csv`` says how each disagreement (``field`` ``evidence_level_id`` or
``direction``) and each doubt the second curator raised (``field`` ``doubt``) was resolved. The
curation report shows κ for the evidence level and for the direction, every disagreement and every
doubt with its resolution.

κ measures how reproducibly the rubric grades: both curators apply the same cue phrases to the same
quotes, so a high κ says that the rubric is unambiguous, not that either grading is right. The
doubts, and the independent review of every row against its source, speak to that.

>>> round(cohen_kappa(["a", "a", "b", "b"], ["a", "a", "b", "a"]), 2)
0.5
"""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pandas as pd

from painimmune.build import markdown

SECOND_GRADING = "curation/second-grading.csv"
RESOLUTIONS = "curation/resolutions.csv"
FIELDS = {"evidence_level_id": "evidence level", "direction": "direction", "species_context_qualifier": "species context"}


def cohen_kappa(first: list[str], second: list[str]) -> float | None:
    """Cohen's κ of two gradings of the same items; None when chance agreement is total (every
    item in one category for both graders), where κ is undefined."""
    if len(first) != len(second) or not first:
        raise ValueError("two gradings of the same, non-empty list of items are needed")
    n = len(first)
    observed = sum(a == b for a, b in zip(first, second, strict=True)) / n
    counts_first, counts_second = Counter(first), Counter(second)
    expected = sum(counts_first[k] * counts_second[k] for k in counts_first) / (n * n)
    if expected == 1:
        return None
    return (observed - expected) / (1 - expected)


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def reliability_section(root: Path, assertions: pd.DataFrame, levels: pd.DataFrame) -> list[str]:
    """The report's section on the second grading (or a line saying it has not been done)."""
    path = root / SECOND_GRADING
    if not path.is_file():
        return [f"No second grading is recorded ({SECOND_GRADING}): the reliability of this release's grading is unmeasured."]
    second = {row["row_id"]: row for row in _read(path)}
    resolutions = {(row["row_id"], row["field"]): row["resolution"] for row in _read(root / RESOLUTIONS)} \
        if (root / RESOLUTIONS).is_file() else {}
    first = assertions.set_index("id")
    compared = [row_id for row_id in first.index if row_id in second]
    missing = len(first) - len(compared)
    lines = [f"Every relationship row was graded a second time, independently: the second curator saw the row's quote, "
             f"the sentence around it and the rubric, not the first grade (`{SECOND_GRADING}`). {len(compared)} rows compared"
             + (f"; {missing} rows have no second grade." if missing else ".")]
    table = []
    disagreements = []
    for field, label in FIELDS.items():
        a = [str(first.at[row_id, field]) for row_id in compared]
        b = [second[row_id].get(field, "") for row_id in compared]
        kappa = cohen_kappa(a, b) if compared else None
        agree = sum(x == y for x, y in zip(a, b, strict=True))
        table.append({"field": label, "rows": len(compared), "agreements": agree,
                      "observed agreement": f"{agree / len(compared):.1%}" if compared else "",
                      "Cohen's κ": "undefined" if kappa is None else f"{kappa:.2f}"})
        for row_id, x, y in zip(compared, a, b, strict=True):
            if x != y:
                disagreements.append({"row": row_id, "field": label, "first grading": x, "second grading": y,
                                      "resolution": resolutions.get((row_id, field), "NOT RESOLVED")})
    lines.append(markdown.table(pd.DataFrame(table)))
    if disagreements:
        unresolved = sum(d["resolution"] == "NOT RESOLVED" for d in disagreements)
        lines.append(f"{len(disagreements)} disagreements" + (f", {unresolved} not yet resolved" if unresolved else ", each resolved")
                     + f" (`{RESOLUTIONS}`); the published grade is the resolved one.")
        lines.append(markdown.table(pd.DataFrame(disagreements)))
    else:
        lines.append("The two gradings agree on every row.")
    lines.append("κ measures how reproducibly the rubric grades: both curators apply the same cue phrases to the same quotes, "
                 "so a κ of 1.00 measures the rubric's determinism, not independent judgement, and says nothing about whether "
                 "a grade is right or a row should exist. The independent judgement is in the second curator's doubts, which "
                 "follow with their resolutions, and in the second reader's triples (the section above).")
    doubts = [{"row": row_id, "doubt of the second curator": second[row_id].get("note", ""), "resolution": resolution}
              for (row_id, field), resolution in sorted(resolutions.items()) if field == "doubt" and row_id in second]
    lines.append(markdown.table(pd.DataFrame(doubts)) if doubts else "The second curator raised no doubt.")
    return lines
