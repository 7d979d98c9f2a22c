"""The painimmune command line, driven as a user drives it."""

from __future__ import annotations

import json

import painimmune as pim
from conftest import run_cli


def test_version():
    result = run_cli("--version")
    assert result.returncode == 0 and result.stdout.strip() == f"painimmune {pim.__version__}"


def test_list_names_every_table_with_its_rows():
    result = run_cli("list")
    assert result.returncode == 0
    for name in pim.tables():
        assert name in result.stdout
    assert "mediators" in result.stdout.splitlines()[0] and str(len(pim.load("mediators"))) in result.stdout.splitlines()[0]


def test_show_prints_rows():
    result = run_cli("show", "treatments", "--rows", "3")
    assert result.returncode == 0
    assert f"({len(pim.load('treatments'))} rows," in result.stdout


def test_show_puts_names_beside_the_ids_of_a_relationship_table():
    result = run_cli("show", "treatment_targets", "--rows", "1")
    assert result.returncode == 0, result.stderr
    header, row = result.stdout.splitlines()[:2]
    assert header.split()[:4] == ["id", "treatment_id", "treatment_name", "action"]
    assert "target_mediator_name" in header and "target_cell_type_name" in header
    first = pim.load("treatment_targets").iloc[0]
    assert pim.load("treatments").set_index("id").at[first["treatment_id"], "name"] in row


def test_about_labels_each_field_and_shows_each_row_id():
    result = run_cli("about", "crps")
    assert result.returncode == 0, result.stderr
    about = pim.about("crps")
    items = [item for section in about["sections"] for group in section["groups"] for item in group["assertions"]]
    assert items
    for item in items:
        assert f"— row {item['row_id']}\n" in result.stdout
        verdict = "" if item["direction"] == "supports" else " (REFUTES)"
        assert f"evidence: {item['evidence_level']}{verdict} · source: {item['source_id']}, {item['source_type']}" in result.stdout
    assert "Disease context: complex regional pain syndrome" in result.stdout  # a row placed in CRPS says so
    markdown = run_cli("about", "crps", "--format", "markdown").stdout
    assert all(f"— row {item['row_id']}  \n" in markdown for item in items)


def test_validate_passes_on_the_real_data():
    result = run_cli("validate")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "valid"


def test_validate_json_output(package_copy):
    result = run_cli("validate", package_copy, "--format", "json")
    assert result.returncode == 0
    assert json.loads(result.stdout)["valid"] is True


def test_user_mistakes_get_one_line_and_no_traceback(tmp_path, package_copy):
    (tmp_path / "notes.txt").write_text("not a package", encoding="utf-8")
    (tmp_path / "odd").mkdir()
    (tmp_path / "odd" / "datapackage.json").mkdir()  # a directory where the descriptor should be
    (package_copy / "tables" / "cell_types.csv").unlink()
    (package_copy / "tables" / "cell_types.csv").mkdir()  # a table that cannot be read as a file
    cases = [
        ("show", "nonexistent_table"),
        ("show", "../../etc/passwd"),
        ("show",),
        ("show", "mediators", "--rows", "0"),
        ("show", "mediators", "--rows", "many"),
        ("show", "mediators", "--path", tmp_path / "missing"),
        ("show", "cell_types", "--path", package_copy),
        ("list", "--path", tmp_path / "notes.txt"),
        ("list", "--path", tmp_path / "odd"),
        ("validate", "--format", "xml"),
        ("validate", tmp_path / "missing"),
        ("validate", tmp_path),
        ("validate", tmp_path / "notes.txt"),
        ("no-such-command",),
        ("--no-such-option",),
    ]
    for args in cases:
        result = run_cli(*args)
        assert result.returncode != 0, args
        assert "Traceback" not in result.stderr, args
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("painimmune: "), (args, result.stderr)


def test_show_refuses_an_edited_table_and_says_how_to_load_it(package_copy):
    path = package_copy / "tables" / "conditions.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("Pain from a stimulus", "Pain from any stimulus"), encoding="utf-8")
    refused = run_cli("show", "conditions", "--path", package_copy)
    assert refused.returncode == 1 and "does not match the sha256 hash" in refused.stderr and "--no-verify" in refused.stderr
    shown = run_cli("show", "conditions", "--path", package_copy, "--no-verify")
    assert shown.returncode == 0 and "Pain from any" in shown.stdout


def test_unknown_table_lists_the_valid_ones():
    result = run_cli("show", "mediator")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [f"painimmune: unknown table 'mediator'; valid tables: {', '.join(pim.tables())}"]


def test_show_prints_a_missing_value_as_a_blank_cell_whatever_its_type():
    result = run_cli("show", "sources", "--rows", "3")
    assert result.returncode == 0, result.stderr
    assert "NaN" not in result.stdout and "<NA>" not in result.stdout
