"""The synthetic packages the benchmarks time are valid packages: a benchmark of validation that
finds problems would time the reporting of faults, not the checking of data (benchmarks/results.md);
and the one faulty package they time has the fault it is meant to have."""

from __future__ import annotations

import sys
from pathlib import Path

from conftest import ROOT
from painimmune.validation import validate

sys.path.insert(0, str(ROOT / "benchmarks"))
from synthetic import generate, repeated_row, tiny_rows  # noqa: E402


def test_a_synthetic_package_of_relationship_rows_validates(tmp_path: Path):
    report = validate(generate(ROOT, tmp_path / "rows", 600))
    assert report.valid, [str(problem) for problem in report.problems[:5]]


def test_a_synthetic_package_of_tiny_rows_validates(tmp_path: Path):
    report = validate(tiny_rows(ROOT, tmp_path / "tiny", 200_000))
    assert report.valid, [str(problem) for problem in report.problems[:5]]


def test_the_package_with_a_row_written_twice_fails_on_that_row(tmp_path: Path):
    report = validate(repeated_row(ROOT, tmp_path / "faulty"))
    repeated = [problem for problem in report.problems if problem.rule == "unique-key"]
    assert not report.valid and repeated and {problem.table for problem in repeated} == {"cell_mediators"}
