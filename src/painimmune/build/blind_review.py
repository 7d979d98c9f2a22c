"""The blind review of a random sample of rows, as a section of the curation report.

A reviewer who had not written the rows judged each sampled row against the sentence that holds
its quote (``curation/blind-review.csv``; how the sample was drawn and what the reviewer saw is in
``curation/blind-review-brief.md``): correct, wrong, widened, shifted, overstated, or right in its
ends but not in its context. The section counts the verdicts and lists every row that is not
correct with the reviewer's words and its resolution; a row the review names that is no longer in
the tables is said to be so.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd

from painimmune.build import markdown

REVIEW = "curation/blind-review.csv"
VERDICTS = ("correct", "wrong", "widened", "shifted", "overstated", "context")


def section(root: Path, row_ids: set[str]) -> list[str]:
    """The report's section on the blind review of the package at *root* whose relationship rows
    are *row_ids* (or a line saying no review is recorded)."""
    path = root / REVIEW
    if not path.is_file():
        return [f"No blind review is recorded ({REVIEW})."]
    with path.open(encoding="utf-8", newline="") as handle:
        review = list(csv.DictReader(handle))
    counts = pd.DataFrame([{"verdict": verdict, "rows": sum(line["verdict"] == verdict for line in review)} for verdict in VERDICTS])
    flagged = [{"row": line["row_id"] + ("" if line["row_id"] in row_ids else " (no longer a row)"), "verdict": line["verdict"],
                "the reviewer's words": line["problem"], "resolution": line["resolution"] or "NOT RESOLVED"}
               for line in review if line["verdict"] != "correct"]
    return [
        f"A reviewer who had not written the rows judged {len(review)} rows, drawn at random with a fixed seed, against the "
        "sentence that holds each quote (`curation/blind-review-brief.md`, verdicts in `curation/blind-review.csv`).",
        markdown.table(counts),
        markdown.table(pd.DataFrame(flagged)) if flagged else "The reviewer found every sampled row correct.",
    ]
