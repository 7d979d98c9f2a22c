"""The loader API: typed frames, offline, from the package's own files."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pandas as pd
import pytest

import painimmune as pim
from conftest import ROOT

DESCRIPTOR = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))


def test_tables_lists_every_resource_in_descriptor_order():
    assert pim.tables() == [resource["name"] for resource in DESCRIPTOR["resources"]]


def test_version_is_the_descriptor_version():
    assert pim.__version__ == DESCRIPTOR["version"]


@pytest.mark.parametrize("name", [resource["name"] for resource in DESCRIPTOR["resources"]])
def test_every_table_loads_with_its_declared_row_count_and_columns(name):
    frame = pim.load(name)
    resource = next(r for r in DESCRIPTOR["resources"] if r["name"] == name)
    schema = json.loads((ROOT / resource["schema"]).read_text(encoding="utf-8"))
    assert list(frame.columns) == [field["name"] for field in schema["fields"]]
    assert len(frame) == resource["rows"] > 0
    assert frame["id"].is_unique


def test_types_follow_the_schema():
    mediators = pim.load("mediators")
    assert isinstance(mediators["category"].dtype, pd.CategoricalDtype)
    assert "cytokine" in mediators["category"].cat.categories
    assert mediators["is_class"].dtype == "boolean"
    tnf = mediators.set_index("id").loc["tnf"]
    assert tnf["name"] == "TNF-α"
    assert "TNF-alpha" in tnf["synonyms"]  # list fields are split into Python lists
    sources = pim.load("sources")
    assert sources["year"].dtype == "Int64"
    assert sources["year"].isna().any()  # missing years stay missing, not 0 or NaN floats
    assert sources.set_index("id").loc["calvo2012", "authors"] == ["Calvo M", "Dawes JM", "Bennett DLH"]


def test_missing_values_are_pd_na_in_text_integer_and_boolean_columns():
    """One missing value for users: pd.NA, as in pandas' nullable types; a missing list is []; a
    missing enum is what pandas' categoricals hold (pd.isna is true of it)."""
    frames = pim.load_all()
    seen = set()
    for name, frame in frames.items():
        for column, values in frame.items():
            if isinstance(values.dtype, pd.CategoricalDtype):
                continue
            if values.dtype == object:
                assert all(isinstance(cell, list) for cell in values), (name, column)
                continue
            assert values.dtype in ("string", "Int64", "boolean"), (name, column, values.dtype)
            for cell in values[values.isna()]:
                assert cell is pd.NA, (name, column, cell)
                seen.add(str(values.dtype))
    assert seen == {"string", "Int64"}  # the data has missing text and integers (no boolean is missing)
    assert frames["mediators"]["hgnc_id"].dtype == pd.StringDtype(na_value=pd.NA)


def test_load_all_returns_every_table():
    frames = pim.load_all()
    assert list(frames) == pim.tables()
    assert all(isinstance(frame, pd.DataFrame) for frame in frames.values())


def test_tables_join_on_their_keys():
    links = pim.load("treatment_conditions").merge(pim.load("treatments"), left_on="treatment_id", right_on="id", suffixes=("", "_t"))
    assert len(links) == len(pim.load("treatment_conditions"))


def test_schema_is_the_data_dictionary():
    dictionary = pim.schema("cell_types")
    assert list(dictionary["column"])[:2] == ["id", "name"]
    row = dictionary.set_index("column").loc["cl_id"]
    assert row["pattern"] == r"^CL:[0-9]{7}$" and row["description"]


def test_unknown_table_names_the_valid_ones():
    with pytest.raises(pim.UnknownTableError) as info:
        pim.load("mediator")
    assert "mediators" in str(info.value) and "'mediator'" in str(info.value)


def test_a_package_path_can_be_given(package_copy):
    assert pim.tables(package_copy) == pim.tables()
    assert len(pim.load("conditions", package_copy / "datapackage.json")) == len(pim.load("conditions"))


def test_missing_package_is_a_clear_error(tmp_path):
    with pytest.raises(pim.PackageNotFoundError, match="no datapackage.json"):
        pim.load("mediators", tmp_path)


def test_bad_value_is_refused_not_turned_into_missing(package_copy):
    path = package_copy / "tables" / "mediators.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",cytokine,pro-inflammatory,false,HGNC:11892", ",cytokin,pro-inflammatory,false,HGNC:11892"), encoding="utf-8")
    with pytest.raises(pim.DataError, match=r"mediators: row tnf: column category: value 'cytokin'"):
        pim.load("mediators", package_copy, verify=False)


def test_import_is_light():
    code = "import sys, painimmune; print(sorted(m for m in ('pandera', 'frictionless', 'click') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_a_changed_file_is_refused_unless_the_curator_asks(package_copy):
    path = package_copy / "tables" / "conditions.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("Pain from a stimulus", "Pain from any stimulus"), encoding="utf-8")
    with pytest.raises(pim.IntegrityError, match=r"conditions: tables/conditions.csv: the file does not match the sha256 hash.*verify=False"):
        pim.load("conditions", package_copy)
    with pytest.raises(pim.IntegrityError):
        pim.load_all(package_copy)
    frame = pim.load("conditions", package_copy, verify=False)
    assert frame.set_index("id").loc["allodynia", "description"].startswith("Pain from any stimulus")


def test_a_missing_hash_cannot_be_verified(package_copy):
    path = package_copy / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    del descriptor["resources"][0]["hash"]
    path.write_text(json.dumps(descriptor), encoding="utf-8")
    with pytest.raises(pim.IntegrityError, match="records no hash"):
        pim.load(descriptor["resources"][0]["name"], package_copy)


@pytest.mark.parametrize("name", ["../../etc/passwd", "/etc/passwd", "tables/mediators.csv", "mediators.csv", "", "MEDIATORS"])
def test_names_outside_the_declared_resources_are_refused(name):
    with pytest.raises(pim.UnknownTableError, match="valid tables: mediators"):
        pim.load(name)


@pytest.mark.parametrize("path, reason", [("../../etc/passwd", "leads outside the package; refused"),
                                          ("/etc/passwd", "is an absolute path; only files inside the package are read"),
                                          ("https://example.org/x.csv", "is a remote or absolute reference"),
                                          ("../tables/mediators.csv", "leads outside the package; refused")])
def test_resource_paths_outside_the_package_are_refused(package_copy, path, reason):
    descriptor_path = package_copy / "datapackage.json"
    descriptor = json.loads(descriptor_path.read_text(encoding="utf-8"))
    descriptor["resources"][0]["path"] = path
    descriptor_path.write_text(json.dumps(descriptor), encoding="utf-8")
    with pytest.raises(pim.DataError, match=f"resource 'mediators': 'path' '{re.escape(path)}' {re.escape(reason)}"):
        pim.load(descriptor["resources"][0]["name"], package_copy)


@pytest.mark.parametrize("path", ["./tables/mediators.csv", "tables//mediators.csv", "tables/./mediators.csv", "tables\\mediators.csv",
                                  "tables/../tables/mediators.csv", "tables/mediators.csv/"])
def test_a_path_in_another_form_than_the_one_is_refused_so_one_file_has_one_name(package_copy, path):
    descriptor_path = package_copy / "datapackage.json"
    descriptor = json.loads(descriptor_path.read_text(encoding="utf-8"))
    descriptor["resources"][0]["path"] = path
    descriptor_path.write_text(json.dumps(descriptor), encoding="utf-8")
    with pytest.raises(pim.DataError, match=f"'path' {re.escape(repr(path))} is not in the one path form of a package file"):
        pim.load("mediators", package_copy)


def test_two_resources_naming_one_file_are_refused_by_name(package_copy):
    descriptor_path = package_copy / "datapackage.json"
    descriptor = json.loads(descriptor_path.read_text(encoding="utf-8"))
    descriptor["resources"][1]["path"] = descriptor["resources"][0]["path"]
    descriptor_path.write_text(json.dumps(descriptor), encoding="utf-8")
    with pytest.raises(pim.DataError, match="resource 'cell_types': another resource has the path 'tables/mediators.csv'"):
        pim.load("mediators", package_copy)


def test_a_truncated_table_is_refused_not_padded_with_missing_values(package_copy):
    path = package_copy / "tables" / "mediators.csv"
    path.write_bytes(path.read_bytes()[:-40])
    last = len(pim.load("mediators")) + 1  # the last row's line (the header is line 1)
    with pytest.raises(pim.DataError, match=rf"mediators: line {last}: .*truncated"):
        pim.load("mediators", package_copy, verify=False)


def test_a_cached_table_cannot_be_changed_by_a_caller(package_copy):
    first = pim.load("mediators", package_copy)
    first.at[0, "name"] = "changed"
    first.at[0, "synonyms"].append("changed")
    second = pim.load("mediators", package_copy)
    assert second.at[0, "name"] != "changed" and "changed" not in second.at[0, "synonyms"]


def test_a_file_edited_after_loading_is_not_served_from_the_cache(package_copy):
    pim.load("conditions", package_copy)
    path = package_copy / "tables" / "conditions.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("Pain from a stimulus", "Pain from any stimulus"), encoding="utf-8")
    with pytest.raises(pim.IntegrityError):
        pim.load("conditions", package_copy)
    assert pim.load("conditions", package_copy, verify=False).set_index("id").at["allodynia", "description"].startswith("Pain from any")


def test_import_does_not_import_pandas_and_the_cli_version_neither():
    code = "import sys, painimmune; print('pandas' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "False"
    traced = subprocess.run([sys.executable, "-X", "importtime", "-m", "painimmune", "--version"], capture_output=True, text=True, check=True)
    imported = {line.rsplit("|", 1)[-1].strip() for line in traced.stderr.splitlines() if line.startswith("import time:")}
    assert "pandas" not in imported and "click" in imported
