"""Reading a table (painimmune.package.reading): Arrow's reading of a file in the package's dialect,
and the csv module's reading of any other, give the cells that the csv module gives."""

from __future__ import annotations

import csv
import io

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from painimmune.errors import DataError
from painimmune.package import csvio, reading
from painimmune.validation import pandera_layer

# Cells with what makes CSV hard: delimiters, quotes, line feeds, spaces, non-ASCII and astral text.
CELL = st.text(alphabet=st.sampled_from(['a', 'b', ',', '"', '\n', ' ', 'é', 'α', '\U0001F600', '|', '=']), max_size=6)


def expected(data: bytes) -> tuple[list[str], list[list[str]]]:
    """What the csv module reads (the reference)."""
    text, _ = csvio.decode_for_checking(data)
    return csvio.parse(text, "table")


def cells(table: reading.TableText) -> list[list[str]]:
    """The rows of the frame, missing cells as empty strings."""
    return table.frame.astype(object).where(table.frame.notna(), "").values.tolist()


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(min_value=2, max_value=4).flatmap(lambda width: st.lists(st.lists(CELL, min_size=width, max_size=width), max_size=8)))
def test_a_table_in_the_dialect_is_read_by_arrow_as_the_csv_module_reads_it(rows: list[list[str]]) -> None:
    pytest.importorskip("pyarrow")
    header = [f"c{i}" for i in range(len(rows[0]) if rows else 2)]
    data = csvio.format_rows(header, rows)
    table = reading.read_text(data, "table")
    assert reading._read_in_dialect(io.BytesIO(data), [], None) is not None  # the fast path was taken
    assert table.formatted and table.header == header and cells(table) == rows and table.rows == len(rows)
    slow = reading._read_with_csv(data, "table", [])
    assert slow.formatted and cells(slow) == rows
    pd.testing.assert_frame_equal(slow.frame, table.frame)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(CELL, min_size=2, max_size=3), min_size=1, max_size=6), st.data())
def test_any_edit_of_a_table_is_read_as_the_csv_module_reads_it(rows: list[list[str]], data: st.DataObject) -> None:
    """Whatever the bytes (an inserted quote, a removed delimiter, a BOM, a CR, a stray byte), the
    rows read are the csv module's, and the file is in the dialect exactly when writing it back
    gives its bytes."""
    original = csvio.format_rows(rows[0], rows[1:])
    position = data.draw(st.integers(min_value=0, max_value=len(original)))
    cut = data.draw(st.integers(min_value=0, max_value=2))
    inserted = data.draw(st.sampled_from([b"", b'"', b",", b"\n", b"\r", b"\xff", b"\xef\xbb\xbf", b'""', b" "]))
    edited = original[:position] + inserted + original[position + cut:]
    try:
        header, parsed = expected(edited)
    except DataError:
        with pytest.raises(DataError):
            reading.read_text(edited, "table")
        return
    table = reading.read_text(edited, "table")
    assert table.header == header and table.rows == len(parsed)
    complete = [row for row in parsed if len(row) == len(header)]
    assert cells(table) == [[reading.UNDECODED.sub("\ufffd", cell) for cell in row] for row in complete]
    assert list(table.undecoded.values()) == [row for row in complete if any(reading.UNDECODED.search(cell) for cell in row)]
    assert [row for _, row in table.ragged] == [row for row in parsed if len(row) != len(header)]
    if table.formatted is not None and not table.undecoded:
        assert table.formatted == (not table.faults and csvio.format_rows(header, parsed) == edited)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["", "a", "b", "é", "z", "α", "\U0001F600", "a b"]), st.sampled_from(["", "1", "10", "2"])),
                min_size=1, max_size=8))
def test_sort_order_is_python_s_in_both_readings(keys: list[tuple[str, str]]) -> None:
    rows = [[first, second, "x"] for first, second in keys]
    data = csvio.format_rows(["k1", "k2", "v"], rows)
    in_order = all([*keys[i - 1]] <= [*keys[i]] for i in range(1, len(keys)))
    assert reading.read_text(data, "table", ["k1", "k2"]).in_order == in_order
    assert reading._read_with_csv(data, "table", ["k1", "k2"]).in_order == in_order


def test_a_file_is_read_and_hashed_in_one_pass(tmp_path) -> None:
    """read_file gives what read_text gives for the file's bytes, with the file's digest and size,
    in the dialect and out of it (a row out of place, a CR, a parse error)."""
    import hashlib

    rows = [[f"r{i}", "a,b" if i % 2 else "", 'x "y"\nz'] for i in range(30)]
    data = csvio.format_rows(["id", "x", "y"], rows)
    for content in (data, data.replace(b"\n", b"\r\n", 1), data + b'r99,"open\n', b"id,x\n"):
        path = tmp_path / "t.csv"
        path.write_bytes(content)
        table = reading.read_file(path, "t", ["id"], "sha256")
        assert table.digest == hashlib.sha256(content).hexdigest() and table.size == len(content)
        if table.error is None:
            expected = reading.read_text(content, "t", ["id"])
            pd.testing.assert_frame_equal(table.frame, expected.frame)
            assert (table.formatted, table.in_order, table.faults, table.rows) == (expected.formatted, expected.in_order, expected.faults,
                                                                                 expected.rows)
        else:
            with pytest.raises(DataError):
                reading.read_text(content, "t", ["id"])


def test_strict_reading_refuses_what_decoding_refuses_first() -> None:
    data = "id,name\r\na,\xff\n".encode("latin-1")
    with pytest.raises(DataError, match="not UTF-8 \\(byte 0xff on line 2\\)"):
        reading.read_strict(data, "table")
    with pytest.raises(DataError, match="carriage return \\(CRLF line end\\) on line 1"):
        reading.read_strict(b"id,name\r\na,b\n", "table")
    with pytest.raises(DataError, match="byte-order mark"):
        reading.read_strict(b"\xef\xbb\xbfid,name\na,b\n", "table")
    with pytest.raises(DataError, match="line 2: malformed CSV"):
        reading.read_strict(b'id,name\na,"b\n', "table")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(st.sampled_from([" ", "a", "=", "-", "\t", "\n", "\x00", "\x7f", "\x85", "\xa0", "\u00c3", "\u00a9",
                                           "\u200e", "e\u0301", "\u3000", "\U0001F600"]), max_size=4).map("".join), min_size=1, max_size=20))
def test_plain_values_pass_the_checks_that_skip_them(values: list[str]) -> None:
    """The checks run only on values that are not plain: a plain value would pass each of them."""
    for storage in ("python", "pyarrow"):
        series = pd.Series(values, dtype=pd.StringDtype(storage, na_value=float("nan")))
        plain = pandera_layer._plain(series)
        for test in pandera_layer.PASSED_BY_PLAIN:
            passed = test(series).fillna(False).to_numpy(dtype=bool)
            assert passed[plain].all(), (test.__name__, [value for value, ok, p in zip(values, passed, plain) if p and not ok])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.none(), st.sampled_from(["a", "b", "ab", "é", "\U0001F600", "a b"])), max_size=12))
def test_repeated_values_are_found_by_sorting_as_pandas_finds_them(values: list[str | None]) -> None:
    for storage in ("python", "pyarrow"):
        series = pd.Series(values, dtype=pd.StringDtype(storage, na_value=float("nan")))
        assert pandera_layer._duplicated(series).tolist() == series.duplicated(keep=False).tolist()


def test_a_large_table_is_read_a_batch_at_a_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """Batches and blocks change nothing: a table read 3 rows and 16 bytes at a time is the same."""
    rows = [[f"r{i:03d}", "a,b" if i % 3 else "", 'say "x"\nthen é'] for i in range(50)]
    data = csvio.format_rows(["id", "x", "y"], rows)
    whole = reading._read_with_csv(data, "t", ["id"])
    monkeypatch.setattr(reading, "BATCH_ROWS", 3)
    monkeypatch.setattr(reading, "BLOCK_BYTES", 16)
    small = reading._read_with_csv(data, "t", ["id"])
    pd.testing.assert_frame_equal(whole.frame, small.frame)
    assert small.formatted and small.in_order and cells(small) == rows
    fast = reading.read_text(data, "t", ["id"])
    assert fast.formatted and fast.in_order and cells(fast) == rows


def test_reference_reading_matches_csv_module() -> None:
    """(The reference itself: csvio.parse is the csv module's strict reading.)"""
    text = 'a,b\n"x,1",""\n'
    assert csvio.parse(text, "t") == (["a", "b"], list(csv.reader(io.StringIO(text), strict=True))[1:])
