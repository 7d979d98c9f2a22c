"""Each validation layer on the real data, and on broken copies that must fail with a clear message."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import unicodedata
from pathlib import Path

import pytest

from conftest import run_build, run_cli
from painimmune.errors import UnknownChoiceError
from painimmune.validation import validate
from painimmune.validation.problems import Problem
from painimmune.validation.rules import RULES, repaired_by_build
from rows import edit_rows, refresh_hash


def problems(path: Path, layer: str | None = None) -> list:
    report = validate(path)
    assert not report.valid
    return [p for p in report.problems if layer is None or p.layer == layer]


def problems_by_rule(path: Path, layer: str, rule: str) -> list:
    """The problems one layer reports under one rule, on a package that must be invalid."""
    return [p for p in problems(path, layer) if p.rule == rule]


PRECLINICAL_ROW = "cc0007"  # "Preclinical data suggest an immune pathogenesis of neuropathic pain" (calvo2012)


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
    schema = json.loads(path.read_text(encoding="utf-8"))
    is_class = next(field for field in schema["fields"] if field["name"] == "is_class")
    assert is_class["type"] == "boolean"
    is_class["type"] = "bool"
    path.write_text(json.dumps(schema), encoding="utf-8")
    found = problems(package_copy, "frictionless")
    assert any(p.table == "mediators" and "bool" in p.message for p in found)


def test_frictionless_reports_an_invalid_descriptor(package_copy):
    path = package_copy / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    descriptor["resources"][0]["bytes"] = "many"
    path.write_text(json.dumps(descriptor), encoding="utf-8")
    assert any("many" in p.message for p in problems(package_copy, "frictionless"))


def test_a_fault_of_a_descriptor_property_is_shown_as_that_property(package_copy):
    path = package_copy / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    descriptor["licenses"] = "CC0"
    path.write_text(json.dumps(descriptor), encoding="utf-8")
    result = run_cli("validate", package_copy)
    assert result.returncode == 1
    assert "[frictionless] property licenses: descriptor-invalid: 'licenses' must be" in result.stdout + result.stderr
    assert "column licenses" not in result.stdout + result.stderr


def drop_column(package: Path, table: str, column: str) -> None:
    """Remove *column* from *table*'s file and Table Schema (as a copy of another release lacks it)."""
    schema_path = package / "schemas" / f"{table}.json"
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    schema["fields"] = [field for field in schema["fields"] if field["name"] != column]
    schema_path.write_text(json.dumps(schema, indent=2), encoding="utf-8")
    path = package / "tables" / f"{table}.csv"
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
    position = rows[0].index(column)
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\n").writerows([row[:position] + row[position + 1:] for row in rows])
    path.write_text(buffer.getvalue(), encoding="utf-8")
    refresh_hash(package, table)


@pytest.mark.parametrize(("table", "column"), [("not_encoded", "length"), ("treatment_conditions", "modal_verb")])
def test_a_column_this_painimmune_reads_missing_is_named_and_no_rule_fails_on_it(package_copy, table, column):
    drop_column(package_copy, table, column)
    result = run_cli("validate", package_copy, "--format", "json")
    assert result.returncode == 1 and "internal error" not in result.stderr
    report = json.loads(result.stdout)
    assert {(p["rule"], p["table"], p["column"]) for p in report["problems"] if p["rule"] == "field-missing"} == {("field-missing", table, column)}
    assert any("package rules skipped" in note for note in report["notes"])


def test_about_refuses_in_one_line_a_package_that_lacks_a_column_it_reads(package_copy):
    drop_column(package_copy, "treatment_conditions", "modal_verb")
    result = run_cli("about", "tnf", "--path", package_copy)
    assert result.returncode != 0 and "Traceback" not in result.stderr and "internal error" not in result.stderr
    assert "lacks treatment_conditions.modal_verb, which describing an entity reads" in result.stderr


# ---- layer 2: pandera (every row-level check, vectorised) -----------------------------------------

def test_pandera_reports_text_in_an_integer_column(package_copy):
    with edit_rows(package_copy, "evidence_levels") as levels:
        levels.set("preclinical", rank="four")
    found = problems_by_rule(package_copy, "pandera", "type")
    assert [(p.table, p.row, p.column, p.value) for p in found] == [("evidence_levels", "preclinical", "rank", "four")]


def test_pandera_reports_a_dangling_foreign_key(package_copy):
    with edit_rows(package_copy, "cell_mediators") as rows:
        for row in rows.where(cell_type_id="mast_cell"):
            rows.set(row["id"], cell_type_id="mast_cells")
    found = problems_by_rule(package_copy, "pandera", "foreign-key")
    assert found and all(p.table == "cell_mediators" and p.column == "cell_type_id" and p.value == "mast_cells" for p in found)

def test_pandera_reports_a_malformed_curie(package_copy):
    with edit_rows(package_copy, "cell_types") as cells:
        cells.set("mast_cell", cl_id="CL:97")
    found = problems_by_rule(package_copy, "pandera", "pattern")
    assert [(p.table, p.row, p.column, p.value) for p in found] == [("cell_types", "mast_cell", "cl_id", "CL:97")]


def test_pandera_reports_a_curie_of_the_wrong_ontology(package_copy):
    with edit_rows(package_copy, "conditions") as conditions:
        conditions.set("fibromyalgia", mondo_id="HP:0005546")
    found = problems_by_rule(package_copy, "pandera", "pattern")
    assert [(p.table, p.row, p.column) for p in found] == [("conditions", "fibromyalgia", "mondo_id")]


def test_pandera_reports_stray_whitespace_and_non_nfc_text(package_copy):
    with edit_rows(package_copy, "mediators") as mediators:
        mediators.set("histamine", name="histamine ")
        # a combining accent that NFC would compose
        mediators.change("il1b", "synonyms", lambda v: v.replace("IL-1beta", unicodedata.normalize("NFD", "IL-1beta\u0301")))
    found = problems(package_copy, "pandera")
    assert any(p.rule == "whitespace" and (p.table, p.row, p.column) == ("mediators", "histamine", "name") for p in found)
    assert any(p.rule == "unicode-nfc" and (p.table, p.row, p.column) == ("mediators", "il1b", "synonyms") for p in found)


def test_pandera_reports_a_synonym_equal_to_the_name(package_copy):
    with edit_rows(package_copy, "treatments") as treatments:
        treatments.change("nsaid", "synonyms", lambda v: "nsaids|" + v)
    found = problems_by_rule(package_copy, "pandera", "synonyms-distinct-from-name")
    assert [(p.table, p.row, p.column) for p in found] == [("treatments", "nsaid", "name+synonyms")]


def test_pandera_reports_a_target_row_with_two_targets(package_copy):
    with edit_rows(package_copy, "treatment_targets") as targets:
        row = targets.where(treatment_id="minocycline", action="inhibits")[0]
        targets.set(row["id"], target_mediator_id="tnf")
    found = problems_by_rule(package_copy, "pandera", "exactly-one-of")
    assert len(found) == 1 and found[0].table == "treatment_targets" and found[0].column == "target_mediator_id+target_cell_type_id"


def test_pandera_reports_a_duplicate_assertion(package_copy):
    with edit_rows(package_copy, "mediator_interactions") as interactions:
        first = interactions.keys()[0]
        interactions.copy(first, id="mi9999")
    found = problems_by_rule(package_copy, "pandera", "unique-key")
    assert {p.row for p in found} == {first, "mi9999"}


def test_pandera_reports_a_value_outside_the_enum(package_copy):
    with edit_rows(package_copy, "treatment_conditions") as rows:
        rows.set(rows.where(direction="refutes")[0]["id"], phase="onset")
    found = problems_by_rule(package_copy, "pandera", "enum")
    assert found and found[0].table == "treatment_conditions" and found[0].column == "phase" and found[0].value == "onset"


# ---- layer 3: package rules ----------------------------------------------------------------------

def test_quote_not_in_its_source_is_reported(package_copy):
    with edit_rows(package_copy, "cell_conditions") as rows:
        rows.change(PRECLINICAL_ROW, "quote", lambda v: v.replace("suggest", "prove"))
    found = problems_by_rule(package_copy, "package", "quote-not-found")
    assert len(found) == 1 and found[0].table == "cell_conditions" and found[0].column == "quote"


def test_quote_attributed_to_the_wrong_source_is_reported(package_copy):
    with edit_rows(package_copy, "cell_conditions") as rows:
        rows.set(PRECLINICAL_ROW, source_id="marchand2005")
    found = problems_by_rule(package_copy, "package", "quote-not-found")
    assert [p.row for p in found] == [PRECLINICAL_ROW]


def test_a_passage_not_encoded_is_checked_by_its_sha256_and_no_longer_accounts_for_its_sentence(package_copy):
    with edit_rows(package_copy, "not_encoded") as rows:
        rows.set("ne0011", length="81")  # one character short of "Another mechanism could be ... to the CNS."
    report = validate(package_copy)
    found = {(p.rule, p.table, p.row, p.column) for p in report.problems}
    assert ("passage-fingerprint", "not_encoded", "ne0011", "sha256") in found
    [unaccounted] = [p for p in report.problems if p.rule == "sentence-unaccounted"]
    assert unaccounted.value.startswith("Another mechanism could be the retrograde transport")


def test_a_copy_without_the_texts_says_that_its_passages_were_not_checked(package_copy):
    shutil.rmtree(package_copy / "sources")
    with edit_rows(package_copy, "sources") as rows:
        rows.set("calvo2012", sha256="0" * 64)  # not the installed text: nothing to check the passages against
    with edit_rows(package_copy, "not_encoded") as rows:
        rows.set("ne0011", sha256="f" * 64)
    refresh_hash(package_copy, "sources")
    refresh_hash(package_copy, "not_encoded")
    report = validate(package_copy)
    assert {p.rule for p in report.problems} == {"croissant-stale"}, str(report)  # (croissant.json records the tables' hashes)
    assert any("the passages of not_encoded (place, length, sha256 and opening) and the accounting of every sentence were not "
               "checked: they need the source texts" in note for note in report.notes), report.notes


def test_edited_source_text_is_reported(package_copy):
    with (package_copy / "sources" / "fmpm.txt").open("a", encoding="utf-8") as handle:
        handle.write("\nedited\n")
    found = problems_by_rule(package_copy, "package", "source-text-changed")
    assert [(p.table, p.row, p.column) for p in found] == [("sources", "fmpm", "sha256")]


def test_unused_entity_is_reported(package_copy):
    with edit_rows(package_copy, "mediators") as mediators:
        mediators.copy("il6", id="aaa_unused", name="unused mediator", synonyms="", hgnc_id="", uniprot_id="", mesh_id="",
                       description="A mediator no row uses.")
    found = problems_by_rule(package_copy, "package", "entity-unused")
    assert [(p.table, p.row) for p in found] == [("mediators", "aaa_unused")]


def test_unknown_cited_reference_is_reported(package_copy):
    with edit_rows(package_copy, "cell_mediators") as rows:
        row = next(row for row in rows.rows if row["cited_refs"] == "tannenbaum_ref3")
        rows.set(row["id"], cited_refs="tannenbaum_ref33")
    found = problems_by_rule(package_copy, "package", "cited-reference-unknown")
    assert found and found[0].column == "cited_refs" and found[0].value == "tannenbaum_ref33"


def test_a_grade_the_rubric_does_not_give_is_reported(package_copy):
    with edit_rows(package_copy, "cell_conditions") as rows:
        rows.set(PRECLINICAL_ROW, evidence_level_id="established_clinical", species_context_qualifier="human")
    found = problems_by_rule(package_copy, "package", "grade-rubric")
    assert len(found) == 1 and found[0].column == "evidence_level_id"
    assert "the quote holds the cue phrase 'Preclinical': the rubric grades it preclinical" in found[0].message


def test_version_disagreement_is_reported(package_copy):
    path = package_copy / "CHANGELOG.md"
    text = path.read_text(encoding="utf-8")
    edited = re.sub(r"(?m)^## \[\d+\.\d+\.\d+\]", "## [9.9.9]", text, count=1)
    assert edited != text
    path.write_text(edited, encoding="utf-8")
    found = problems_by_rule(package_copy, "package", "version-mismatch")
    assert len(found) == 1 and "CHANGELOG.md top entry '9.9.9'" in found[0].message


@pytest.mark.slow  # several seconds: CI runs it (.ci/run), the fast run does not
def test_a_stale_citation_is_reported_and_repaired_by_the_build(package_copy):
    path = package_copy / "CITATION.cff"
    original = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"(?m)^version: .*$", 'version: "9.9.9"', original), encoding="utf-8")
    found = problems_by_rule(package_copy, "package", "citation-stale")
    assert len(found) == 1 and "CITATION.cff version '9.9.9'" in found[0].message
    build = run_build(package_copy)
    assert build.returncode == 0, build.stderr
    assert path.read_text(encoding="utf-8") == original


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
    with edit_rows(package_copy, "cell_types") as cells:
        cells.set("mast_cell", cl_id="CL:97")
    result = run_cli("validate", package_copy, "--format", "json")
    assert result.returncode == 1
    found = [p for p in json.loads(result.stdout)["problems"] if p["layer"] == "pandera"]
    assert found[0] | {"message": None} == {"layer": "pandera", "rule": "pattern", "message": None, "table": "cell_types",
                                            "row": "mast_cell", "column": "cl_id", "value": "CL:97"}


# ---- the catalogue of rules -------------------------------------------------------------------------

def test_a_problem_outside_the_catalogue_cannot_be_made():
    with pytest.raises(ValueError, match="not a rule of the catalogue"):
        Problem("package", "quote-not-foudn", "misspelt rule id")
    with pytest.raises(ValueError, match="not a rule of the catalogue"):
        Problem("pandera", "quote-not-found", "a rule reported by the wrong layer")


def test_the_rules_page_lists_every_rule_and_the_build_repairs_only_what_it_derives():
    page = (Path(__file__).resolve().parent.parent / "docs" / "rules.md").read_text(encoding="utf-8")
    assert all(f"`{rule_id}`" in page for rule_id in RULES)
    assert repaired_by_build() == {"hash-missing", "hash-count", "byte-count", "row-count", "not-normalised", "shared-field-drift",
                                   "citation-stale", "croissant-stale", "file-hash"}


def test_rules_can_be_chosen_and_skipped(package_copy):
    with edit_rows(package_copy, "cell_types") as cells:
        cells.set("mast_cell", cl_id="CL:97")  # a pattern problem (and a stale hash)
    everything = {p.rule for p in validate(package_copy).problems}
    assert everything == {"pattern", "xref-unverified", "hash-count", "byte-count"}
    assert {p.rule for p in validate(package_copy, rules=["pattern"]).problems} == {"pattern"}
    assert "pattern" not in {p.rule for p in validate(package_copy, skip=["pattern"]).problems}
    only = run_cli("validate", package_copy, "--rule", "hash-count", "--rule", "byte-count")
    assert only.returncode == 1 and "pattern" not in only.stderr and "hash-count" in only.stderr
    skipped = run_cli("validate", package_copy, *[arg for rule in ("pattern", "xref-unverified", "hash-count", "byte-count")
                                                  for arg in ("--skip-rule", rule)])
    assert skipped.returncode == 0 and skipped.stdout.strip() == "valid"


def test_one_rule_id_as_a_string_is_one_rule_and_no_skip_is_none(package_copy):
    """validate(rules="pattern") checks that one rule (a string is never read as its characters),
    skip=None skips nothing, and an unknown single id is still named whole."""
    with edit_rows(package_copy, "cell_types") as cells:
        cells.set("mast_cell", cl_id="CL:97")
    assert {p.rule for p in validate(package_copy, rules="pattern").problems} == {"pattern"}
    assert "pattern" not in {p.rule for p in validate(package_copy, skip="pattern").problems}
    assert {p.rule for p in validate(package_copy, skip=None).problems} == {p.rule for p in validate(package_copy).problems}
    with pytest.raises(UnknownChoiceError, match="^unknown validation rule 'quote-missing';"):
        validate(package_copy, rules="quote-missing")


def test_an_unknown_rule_is_a_usage_error(package_copy):
    result = run_cli("validate", package_copy, "--rule", "quote-missing")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.strip().endswith("unknown validation rule 'quote-missing'; the rules are listed by "
                                          "`painimmune validate --list-rules`")
    listed = run_cli("validate", "--list-rules")
    assert listed.returncode == 0 and len(listed.stdout.splitlines()) == len(RULES)


def test_malformed_schema_properties_are_reported_whatever_rules_are_chosen(package_copy):
    path = package_copy / "schemas" / "cell_mediators.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    schema["assertion"]["subjects"] = schema["assertion"].pop("subject")
    path.write_text(json.dumps(schema), encoding="utf-8")
    report = validate(package_copy, rules=["quote-not-found"])
    assert [p.rule for p in report.problems] == ["schema-extension-invalid"] * len(report.problems) and report.problems
    export = run_cli("export", "--format", "kgx", "--out", package_copy.parent / "out", "--path", package_copy)
    assert export.returncode == 1 and "Traceback" not in export.stderr and "schema-extension-invalid" in export.stderr
