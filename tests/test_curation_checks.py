"""The curation report's record of how the rows were checked: the second reader's triples, the blind
review and the second grading. A reader trusts these sections to show every disagreement, and to
say so when one has no resolution."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from painimmune.build import blind_review, triple_check
from painimmune.build.reliability import reliability_section
from painimmune.loader import load_all
from painimmune.package.descriptor import DataPackage
from painimmune.validation.source_texts import source_texts

ROOT = Path(__file__).resolve().parent.parent


def _rewrite(path: Path, keep: Callable[[dict[str, str]], bool]) -> None:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(row for row in rows if keep(row))


def _assertions(root: Path) -> pd.DataFrame:
    package = DataPackage(root)
    frames = load_all(root)
    return pd.concat([frames[name].assign(table=name) for name in package.relationship_tables], ignore_index=True)


def test_the_shipped_report_leaves_no_disagreement_unresolved() -> None:
    report = (ROOT / "docs" / "curation-report.md").read_text(encoding="utf-8")
    assert "NOT RESOLVED" not in report
    assert "## An independent check of the rows" in report and "## A blind review of sampled rows" in report


def test_agreement_counts_shared_triples_other_relations_and_each_side_alone() -> None:
    reader = [("il6", "sustains", "pain", "osteoarthritis"), ("il6", "causes", "pain", ""), ("tnf", "r", "x", "")]
    curated = [("il6", "sustains", "pain", "osteoarthritis"), ("il6", "contributes to", "pain", ""), ("il10", "r", "y", "")]
    # the same ends in another disease context are another statement, not the same triple
    assert triple_check.agreement(reader, curated) == (1, 1, 1, 1)
    assert triple_check.agreement([("a", "r", "b", "ctx")], [("a", "r", "b", "")]) == (0, 0, 1, 1)


def test_a_disagreement_of_the_second_reader_without_resolution_is_shown_as_such(package_copy: Path) -> None:
    resolutions = package_copy / triple_check.RESOLUTIONS
    with resolutions.open(encoding="utf-8", newline="") as handle:
        dropped = next(csv.DictReader(handle))
    _rewrite(resolutions, lambda row: row != dropped)
    package = DataPackage(package_copy)
    texts, _ = source_texts(package, load_all(package_copy)["sources"], [])
    lines = "\n".join(triple_check.section(package, texts))
    assert "(1 not yet resolved)" in lines
    assert f"| {dropped['sentence']} | {dropped['side']} | {dropped['triple']} | NOT RESOLVED |" in lines


def test_without_a_recorded_check_the_report_says_so(package_copy: Path) -> None:
    (package_copy / triple_check.CHECK).unlink()
    (package_copy / blind_review.REVIEW).unlink()
    (package_copy / "curation" / "second-grading.csv").unlink()
    package = DataPackage(package_copy)
    assert triple_check.section(package, {}) == [f"No independent extraction is recorded ({triple_check.CHECK})."]
    assert blind_review.section(package_copy, set()) == [f"No blind review is recorded ({blind_review.REVIEW})."]
    frames = load_all(package_copy)
    assert "unmeasured" in reliability_section(package_copy, _assertions(package_copy), frames["evidence_levels"])[0]


def test_the_blind_review_lists_every_row_found_wanting_and_rows_since_withdrawn(package_copy: Path) -> None:
    review = package_copy / blind_review.REVIEW
    with review.open("a", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerow(["cm0081", "wrong", "stress, not cortisol, is the subject", ""])
    lines = "\n".join(blind_review.section(package_copy, set(_assertions(package_copy)["id"])))
    assert "| wrong | 1 |" in lines
    assert "| cm0081 (no longer a row) | wrong | stress, not cortisol, is the subject | NOT RESOLVED |" in lines


def test_a_second_grade_that_differs_is_listed_with_its_resolution_or_its_absence(package_copy: Path) -> None:
    grading = package_copy / "curation" / "second-grading.csv"
    with grading.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    changed = rows[0]["row_id"]
    rows[0]["direction"] = "refutes" if rows[0]["direction"] == "supports" else "supports"
    with grading.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    frames = load_all(package_copy)
    assertions = _assertions(package_copy)
    lines = "\n".join(reliability_section(package_copy, assertions, frames["evidence_levels"]))
    assert f"| {changed} | direction |" in lines and "NOT RESOLVED" in lines
    assert f"| direction | {len(assertions)} | {len(assertions) - 1} |" in lines
