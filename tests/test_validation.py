"""Each validation layer on the real data, and on broken copies that must fail with a clear message."""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import pytest

from conftest import run_cli
from painimmune.validation import validate


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def problems(path: Path, layer: str | None = None) -> list:
    report = validate(path)
    assert not report.valid
    return [p for p in report.problems if layer is None or p.layer == layer]


def problems_by_rule(path: Path, layer: str, rule: str) -> list:
    """The problems one layer reports under one rule, on a package that must be invalid."""
    return [p for p in problems(path, layer) if p.rule == rule]


def test_real_package_is_valid():
    report = validate()
    assert report.valid, str(report)


# ---- layer 1: frictionless metadata and integrity ---------------------------------------------

def test_frictionless_reports_a_stale_hash_bytes_and_rows(package_copy):
    path = package_copy / "tables" / "conditions.csv"
    header, *rows = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text(header + "".join(rows[:-1]), encoding="utf-8")
    found = problems(package_copy, "frictionless")
    assert {(p.rule, p.table, p.column) for p in found} == {("hash-count", "conditions", "hash"), ("byte-count", "conditions", "bytes"),
                                                            ("row-count", "conditions", "rows")}


def test_frictionless_reports_an_invalid_table_schema(package_copy):
    path = package_copy / "schemas" / "mediators.json"
    path.write_text(path.read_text(encoding="utf-8").replace('"type": "boolean"', '"type": "bool"', 1), encoding="utf-8")
    found = problems(package_copy, "frictionless")
    assert any(p.table == "mediators" and "bool" in p.message for p in found)


def test_frictionless_reports_an_invalid_descriptor(package_copy):
    path = package_copy / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    descriptor["resources"][0]["bytes"] = "many"
    path.write_text(json.dumps(descriptor), encoding="utf-8")
    assert any("many" in p.message for p in problems(package_copy, "frictionless"))


# ---- layer 2: pandera (every row-level check, vectorised) -----------------------------------------

def test_pandera_reports_text_in_an_integer_column(package_copy):
    edit(package_copy / "tables" / "evidence_levels.csv", "preclinical,4,", "preclinical,four,")
    found = problems_by_rule(package_copy, "pandera", "type")
    assert [(p.table, p.row, p.column, p.value) for p in found] == [("evidence_levels", "preclinical", "rank", "four")]


def test_pandera_reports_a_dangling_foreign_key(package_copy):
    edit(package_copy / "tables" / "cell_mediators.csv", ",mast_cell,", ",mast_cells,")
    found = problems_by_rule(package_copy, "pandera", "foreign-key")
    assert found and all(p.table == "cell_mediators" and p.column == "cell_type_id" and p.value == "mast_cells" for p in found)

def test_pandera_reports_a_malformed_curie(package_copy):
    edit(package_copy / "tables" / "cell_types.csv", "CL:0000097", "CL:97")
    found = problems_by_rule(package_copy, "pandera", "pattern")
    assert [(p.table, p.row, p.column, p.value) for p in found] == [("cell_types", "mast_cell", "cl_id", "CL:97")]


def test_pandera_reports_a_curie_of_the_wrong_ontology(package_copy):
    edit(package_copy / "tables" / "conditions.csv", "MONDO:0005546", "HP:0005546")
    found = problems_by_rule(package_copy, "pandera", "pattern")
    assert [(p.table, p.row, p.column) for p in found] == [("conditions", "fibromyalgia", "mondo_id")]


def test_pandera_reports_stray_whitespace_and_non_nfc_text(package_copy):
    path = package_copy / "tables" / "mediators.csv"
    edit(path, "histamine,histamine,", "histamine,histamine ,")
    edit(path, "|IL-1beta|", "|" + unicodedata.normalize("NFD", "IL-1beta\u0301") + "|")  # a combining accent NFC would compose
    found = problems(package_copy, "pandera")
    assert any(p.rule == "whitespace" and (p.table, p.row, p.column) == ("mediators", "histamine", "name") for p in found)
    assert any(p.rule == "unicode-nfc" and (p.table, p.row, p.column) == ("mediators", "il1b", "synonyms") for p in found)


def test_pandera_reports_a_synonym_equal_to_the_name(package_copy):
    edit(package_copy / "tables" / "treatments.csv", "NSAIDs,NSAID|", "NSAIDs,nsaids|")
    found = problems_by_rule(package_copy, "pandera", "synonyms-distinct-from-name")
    assert [(p.table, p.row, p.column) for p in found] == [("treatments", "nsaid", "name+synonyms")]


def test_pandera_reports_a_target_row_with_two_targets(package_copy):
    path = package_copy / "tables" / "treatment_targets.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    row = next(i for i, line in enumerate(lines) if ",minocycline,inhibits,," in line)
    lines[row] = lines[row].replace(",minocycline,inhibits,,", ",minocycline,inhibits,tnf,")
    path.write_text("".join(lines), encoding="utf-8")
    found = problems_by_rule(package_copy, "pandera", "exactly-one-of")
    assert len(found) == 1 and found[0].table == "treatment_targets" and found[0].column == "target_mediator_id+target_cell_type_id"


def test_pandera_reports_a_duplicate_assertion(package_copy):
    path = package_copy / "tables" / "mediator_interactions.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    duplicate = re.sub(r"^mi\d{4}", "mi9999", lines[1])
    path.write_text("".join(lines) + duplicate, encoding="utf-8")
    found = problems_by_rule(package_copy, "pandera", "unique-key")
    assert {p.row for p in found} == {lines[1][:6], "mi9999"}


def test_pandera_reports_a_value_outside_the_enum(package_copy):
    edit(package_copy / "tables" / "treatment_conditions.csv", ",refutes,", ",disputes,")
    found = problems_by_rule(package_copy, "pandera", "enum")
    assert found and found[0].table == "treatment_conditions" and found[0].column == "direction" and found[0].value == "disputes"


# ---- layer 3: package rules ----------------------------------------------------------------------

def test_quote_not_in_its_source_is_reported(package_copy):
    edit(package_copy / "tables" / "cell_conditions.csv", "Preclinical data suggest an immune pathogenesis",
         "Preclinical data prove an immune pathogenesis")
    found = problems_by_rule(package_copy, "package", "quote-not-found")
    assert len(found) == 1 and found[0].table == "cell_conditions" and found[0].column == "quote"


def test_quote_attributed_to_the_wrong_source_is_reported(package_copy):
    path = package_copy / "tables" / "cell_conditions.csv"
    text = path.read_text(encoding="utf-8")
    line = next(l for l in text.splitlines() if "Preclinical data suggest" in l)
    path.write_text(text.replace(line, line.replace(",calvo2012,", ",marchand2005,")), encoding="utf-8")
    found = problems_by_rule(package_copy, "package", "quote-not-found")
    assert [p.row for p in found] == [line.split(",")[0]]


def test_edited_source_text_is_reported(package_copy):
    with (package_copy / "sources" / "fmpm.txt").open("a", encoding="utf-8") as handle:
        handle.write("\nedited\n")
    found = problems_by_rule(package_copy, "package", "source-text-changed")
    assert [(p.table, p.row, p.column) for p in found] == [("sources", "fmpm", "sha256")]


def test_unused_entity_is_reported(package_copy):
    path = package_copy / "tables" / "mediators.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines.insert(1, "aaa_unused,unused mediator,,cytokine,not stated,false,,,,,A mediator no row uses.,\n")
    path.write_text("".join(lines), encoding="utf-8")
    found = problems_by_rule(package_copy, "package", "entity-unused")
    assert [(p.table, p.row) for p in found] == [("mediators", "aaa_unused")]


def test_unknown_cited_reference_is_reported(package_copy):
    edit(package_copy / "tables" / "cell_mediators.csv", "tannenbaum_ref3", "tannenbaum_ref33")
    found = problems_by_rule(package_copy, "package", "cited-reference-unknown")
    assert found and found[0].column == "cited_refs" and found[0].value == "tannenbaum_ref33"


def test_hedged_quote_graded_clinical_is_reported(package_copy):
    path = package_copy / "tables" / "cell_conditions.csv"
    text = path.read_text(encoding="utf-8")
    line = next(l for l in text.splitlines() if "Preclinical data suggest" in l)
    path.write_text(text.replace(line, line.replace(",preclinical,", ",established_clinical,")), encoding="utf-8")
    found = problems_by_rule(package_copy, "package", "hedge-graded-clinical")
    assert len(found) == 1 and found[0].column == "evidence_level_id"


def test_version_disagreement_is_reported(package_copy):
    path = package_copy / "CITATION.cff"
    path.write_text(re.sub(r"(?m)^version: .*$", 'version: "9.9.9"', path.read_text(encoding="utf-8")), encoding="utf-8")
    found = problems_by_rule(package_copy, "package", "version-mismatch")
    assert len(found) == 1 and "CITATION.cff" in found[0].message


def test_unsorted_table_is_reported(package_copy):
    path = package_copy / "tables" / "conditions.csv"
    header, *rows = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text(header + "".join(reversed(rows)), encoding="utf-8")
    found = problems_by_rule(package_copy, "package", "not-normalised")
    assert [p.table for p in found] == ["conditions"]


def test_invalid_schema_json_is_one_clear_problem(package_copy):
    (package_copy / "schemas" / "mediators.json").write_text("{not json", encoding="utf-8")
    result = run_cli("validate", package_copy)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "mediators.json: invalid JSON at line 1" in result.stderr


def test_json_report_names_table_row_column_value_rule(package_copy):
    edit(package_copy / "tables" / "cell_types.csv", "CL:0000097", "CL:97")
    result = run_cli("validate", package_copy, "--format", "json")
    assert result.returncode == 1
    found = [p for p in json.loads(result.stdout)["problems"] if p["layer"] == "pandera"]
    assert found[0] | {"message": None} == {"layer": "pandera", "rule": "pattern", "message": None, "table": "cell_types",
                                            "row": "mast_cell", "column": "cl_id", "value": "CL:97"}
