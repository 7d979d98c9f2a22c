"""scripts/build.py: normalises, refreshes metadata, is idempotent, and refuses what it cannot fix."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, run_build
from rows import edit_rows

BUILD = ROOT / "scripts" / "build.py"


def build(path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_build(path, *args)


def test_checkout_is_current():
    result = subprocess.run([sys.executable, str(BUILD), "--check"], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow  # several seconds: CI runs it (.ci/run), the fast run does not
def test_build_sorts_refreshes_and_is_idempotent(package_copy):
    path = package_copy / "tables" / "conditions.csv"
    header, *rows = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text(header + "".join(reversed(rows)), encoding="utf-8")
    check = build(package_copy, "--check")
    assert check.returncode == 1 and "stale: tables/conditions.csv" in check.stdout
    assert build(package_copy).returncode == 0
    assert path.read_text(encoding="utf-8") == header + "".join(rows)
    snapshot = {p: p.read_bytes() for p in package_copy.rglob("*") if p.is_file()}
    second = build(package_copy)
    assert second.returncode == 0 and "everything is current" in second.stdout
    assert snapshot == {p: p.read_bytes() for p in package_copy.rglob("*") if p.is_file()}


def test_build_refuses_a_table_whose_header_does_not_match(package_copy):
    path = package_copy / "tables" / "treatments.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("id,name,synonyms", "id,label,synonyms", 1), encoding="utf-8")
    before = (package_copy / "datapackage.json").read_bytes()
    result = build(package_copy)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "treatments: row line 1: column name: header: column is named 'label'" in result.stderr
    assert (package_copy / "datapackage.json").read_bytes() == before


def test_build_refuses_an_invalid_package_and_writes_nothing(package_copy):
    with edit_rows(package_copy, "cell_types") as cells:
        cells.set("mast_cell", cl_id="CL:97")
    before = {p: p.read_bytes() for p in package_copy.rglob("*") if p.is_file()}
    result = build(package_copy)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "cell_types: row mast_cell: column cl_id: value 'CL:97'" in result.stderr
    assert "build: refused" in result.stderr
    assert before == {p: p.read_bytes() for p in package_copy.rglob("*") if p.is_file()}


@pytest.mark.slow  # several seconds: CI runs it (.ci/run), the fast run does not
def test_build_writes_a_drifted_schema_back_to_its_shared_definition(package_copy):
    path = package_copy / "schemas" / "cell_conditions.json"
    original = path.read_bytes()
    path.write_bytes(original.replace(b'"maxLength": 320', b'"maxLength": 400', 1))
    assert path.read_bytes() != original
    check = build(package_copy, "--check")
    assert check.returncode == 1 and "stale: schemas/cell_conditions.json" in check.stdout
    assert build(package_copy).returncode == 0
    assert path.read_bytes() == original


def test_build_repairs_a_missing_hash(package_copy):
    path = package_copy / "datapackage.json"
    original = path.read_bytes()
    descriptor = json.loads(original)
    del descriptor["resources"][0]["hash"]
    path.write_text(json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    assert build(package_copy).returncode == 0
    assert json.loads(path.read_bytes())["resources"][0]["hash"] == json.loads(original)["resources"][0]["hash"]
