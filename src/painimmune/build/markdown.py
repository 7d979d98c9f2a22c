"""Markdown helpers shared by the generated documents."""

from __future__ import annotations

import pandas as pd


def table(frame: pd.DataFrame) -> str:
    """*frame* as a Markdown table (pipes in values escaped)."""
    header = "| " + " | ".join(map(str, frame.columns)) + " |"
    rule = "|" + "---|" * len(frame.columns)
    rows = ["| " + " | ".join(str(v).replace("|", "\\|") for v in row) + " |" for row in frame.itertuples(index=False)]
    return "\n".join([header, rule, *rows])
