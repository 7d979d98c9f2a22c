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


def test_validate_passes_on_the_real_data():
    result = run_cli("validate")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "valid"


def test_validate_json_output(package_copy):
    result = run_cli("validate", package_copy, "--format", "json")
    assert result.returncode == 0
    assert json.loads(result.stdout)["valid"] is True


def test_user_mistakes_get_one_line_and_no_traceback(tmp_path):
    cases = [
        ("show", "nonexistent_table"),
        ("validate", tmp_path / "missing"),
        ("validate", tmp_path),
        ("show", "mediators", "--rows", "0"),
        ("no-such-command",),
    ]
    for args in cases:
        result = run_cli(*args)
        assert result.returncode != 0, args
        assert "Traceback" not in result.stderr, args
        assert result.stderr.strip(), args


def test_unknown_table_lists_the_valid_ones():
    result = run_cli("show", "mediator")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [f"painimmune: unknown table 'mediator'; valid tables: {', '.join(pim.tables())}"]
