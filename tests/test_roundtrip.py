"""load() then to_csv() gives back the very bytes of every table: the types lose nothing."""

from __future__ import annotations

import pandas as pd
import pytest

import painimmune as pim
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
