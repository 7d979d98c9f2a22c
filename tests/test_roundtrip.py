"""load() then to_csv() gives back the very bytes of every table: the types lose nothing."""

from __future__ import annotations

import os
import re

import pandas as pd
import pytest

import painimmune as pim
from painimmune.package import csvio
from painimmune.package.descriptor import DataPackage


@pytest.mark.parametrize("name", pim.tables())
def test_every_table_round_trips_byte_for_byte(name):
    original = DataPackage().table_path(name).read_bytes()
    assert pim.to_csv(name, pim.load(name)) == original


def test_tricky_values_survive(package_copy):
    """Empty vs present cells, missing integers, Unicode, list fields and booleans, edited and written back."""
    sources = pim.load("sources", package_copy)
    assert sources["year"].isna().any() and sources["volume"].notna().any()
    mediators = pim.load("mediators", package_copy)
    tnf = mediators.index[mediators["id"] == "tnf"][0]
    mediators.at[tnf, "synonyms"] = ["TNF", "TNF-α", "tumour necrosis factor-α"]
    mediators.at[tnf, "note"] = "≥ 2 “quoted”, with a comma"
    out = package_copy / "tables" / "mediators.csv"
    pim.to_csv("mediators", mediators, out, path=package_copy)
    again = pim.load("mediators", package_copy, verify=False)
    pd.testing.assert_frame_equal(again, mediators)
    assert pim.to_csv("mediators", again, path=package_copy) == out.read_bytes()


def test_wrong_columns_are_refused():
    frame = pim.load("conditions").drop(columns=["note"])
    with pytest.raises(pim.DataError, match="conditions: column note: column of the schema is missing"):
        pim.to_csv("conditions", frame)


def test_a_value_that_cannot_be_written_faithfully_is_refused():
    frame = pim.load("mediators")
    frame.at[0, "synonyms"] = ["a|b"]
    with pytest.raises(pim.DataError, match=r"mediators: row adrb2: column synonyms: list \['a\|b'\]"):
        pim.to_csv("mediators", frame)
    levels = pim.load("evidence_levels").astype({"rank": "float64"})
    levels.at[0, "rank"] = 1.5
    with pytest.raises(pim.DataError, match="column rank: value 1.5 is not an integer"):
        pim.to_csv("evidence_levels", levels)


def test_the_normal_form_check_compares_every_chunk_of_a_table():
    from painimmune.package import csvio

    header, rows = ["id", "text"], [[f"r{i:05d}", f"cell {i}"] for i in range(25)]
    data = csvio.format_rows(header, rows)
    assert csvio.is_formatted(header, rows, data, chunk=10)
    for changed in (data.replace(b"cell 3\n", b"cell 3 \n"), data.replace(b"cell 24\n", b"cell 24"), data + b"r9,x\n",
                    data.replace(b"id,text", b"id,Text")):
        assert not csvio.is_formatted(header, rows, changed, chunk=10)


@pytest.mark.parametrize("given, shown", [("notaframe", "str 'notaframe'"), (None, "NoneType None"),
                                          ({"id": ["x"]}, "dict {'id': ['x']}")])
def test_to_csv_refuses_what_is_not_a_frame_naming_it(tmp_path, given, shown):
    out = tmp_path / "conditions.csv"
    with pytest.raises(pim.DataError, match=f"^conditions: to_csv writes a pandas DataFrame, not {re.escape(shown)}$"):
        pim.to_csv("conditions", given, out)
    assert not out.exists()


@pytest.mark.parametrize("cell", [f"{start}1+1" for start in csvio.FORMULA_START])
def test_to_csv_refuses_a_formula_as_validation_does(cell):
    frame = pim.load("conditions").astype({"note": object})
    frame.at[0, "note"] = cell
    with pytest.raises(pim.DataError, match=f"^conditions: row allodynia: column note: value {re.escape(repr(cell))} begins with "
                                            r".*, which a spreadsheet runs as a formula; reword it \(spreadsheet-formula\)$"):
        pim.to_csv("conditions", frame)


@pytest.mark.parametrize("cell, described", [("IL\u200b6", "U+200B ZERO WIDTH SPACE"), ("TNF\u202e", "U+202E RIGHT-TO-LEFT OVERRIDE"),
                                             ("x\ud800", "U+D800 a lone surrogate")])
def test_to_csv_refuses_an_invisible_character_in_a_value_or_list_item(cell, described):
    frame = pim.load("mediators").astype({"note": object})
    frame.at[0, "note"] = cell
    with pytest.raises(pim.DataError, match=f"^mediators: row adrb2: column note: .*holds {re.escape(described)} .*\\(invisible-character\\)$"):
        pim.to_csv("mediators", frame)
    frame = pim.load("mediators")
    frame.at[0, "synonyms"] = ["ADRB2", cell]
    with pytest.raises(pim.DataError, match=f"^mediators: row adrb2: column synonyms: .*holds {re.escape(described)} "):
        pim.to_csv("mediators", frame)


def test_to_csv_replaces_a_link_at_out_and_never_writes_through_it(tmp_path):
    mine = tmp_path / "mine.txt"
    mine.write_text("my own file", encoding="utf-8")
    out = tmp_path / "levels.csv"
    out.symlink_to(mine)
    content = pim.to_csv("evidence_levels", pim.load("evidence_levels"), out)
    assert mine.read_text(encoding="utf-8") == "my own file"
    assert not out.is_symlink() and out.read_bytes() == content
    assert sorted(path.name for path in tmp_path.iterdir()) == ["levels.csv", "mine.txt"]


def test_to_csv_that_fails_leaves_the_earlier_file_as_it_was_and_nothing_else(tmp_path, monkeypatch):
    out = tmp_path / "levels.csv"
    out.write_bytes(b"an earlier file\n")

    def full_disk(source: object, target: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full_disk)
    with pytest.raises(OSError, match="No space left on device"):
        pim.to_csv("evidence_levels", pim.load("evidence_levels"), out)
    assert out.read_bytes() == b"an earlier file\n" and [path.name for path in tmp_path.iterdir()] == ["levels.csv"]
    (tmp_path / "folder.csv").mkdir()
    with pytest.raises(pim.DataError, match="folder.csv: a folder stands where an output file goes; refused"):
        pim.to_csv("evidence_levels", pim.load("evidence_levels"), tmp_path / "folder.csv")


def test_to_csv_refuses_an_integer_no_reader_reads_exactly():
    frame = pim.load("sources")
    frame.loc[frame["reference_number"].notna().idxmax(), "reference_number"] = 10**15
    with pytest.raises(pim.DataError, match="more than 15 digits"):
        pim.to_csv("sources", frame)
