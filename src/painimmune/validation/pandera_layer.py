"""Layer 2: pandera schemas generated from the Table Schemas, plus the rules a Table Schema cannot say.

The converter reads each Table Schema and builds a ``pandera.DataFrameSchema`` over the table's raw
text (every cell a string, empty cells missing), so each failure reports the value as written:
the column set and order, required columns, ``uniqueKeys`` (and primary keys), ``exactlyOneOf``
column groups and synonyms distinct from the name. The checks of one cell at a time, also
generated from the Table Schema (:func:`cell_checks`: integer and boolean syntax, enum, pattern,
minimum/maximum, minLength/maxLength, no leading or trailing whitespace, no spreadsheet formula or
control character, no mojibake, NFC Unicode; list items against the pattern and enum of the
field), run vectorised over the cells of every column they apply to at once, a slice of cells at
a time: run through pandera column by column they cost about a millisecond each, and the real
data has 1,500 of them (benchmarks/results.md). Unique columns are checked by sorting
(:func:`_duplicated`), in a fraction of the memory of pandera's hash table. Foreign keys across
tables are checked with pandas and Arrow.

pandera runs, and is imported, only for a table that a pre-check of the same rules (:func:`_passes`)
finds a fault in: pandera then names each fault. On a valid package it would have nothing to
report, and importing it costs more than validating the real data (benchmarks/results.md);
tests/test_pandera_precheck.py holds the pre-check to pandera's verdict on tables broken at random.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from painimmune.loader import row_key
from painimmune.package import characters, csvio
from painimmune.package.cells import FORMULA_START, printable_ascii
from painimmune.package.descriptor import DataPackage
from painimmune.package.reading import release_unused
from painimmune.package.schemas import Field, Schema, constraints, foreign_keys, is_required, list_delimiter, primary_key, unique_keys
from painimmune.validation.problems import Problem, declare, declared
from painimmune.validation.raw import RawTable
from painimmune.validation.rows import isin

if TYPE_CHECKING:
    import pandera.pandas as pa

_rule = declare("pandera", __name__)
UNREADABLE = _rule("unreadable", "The table can be read",
                   "The table's file exists and is well-formed CSV.")
BOM = _rule("bom", "No byte-order mark",
            "The file does not start with a UTF-8 byte-order mark.")
CRLF = _rule("crlf", "LF line ends",
             "Lines end in LF, not CRLF.")
UTF_8 = _rule("utf-8", "UTF-8 text",
              "Every cell is valid UTF-8 (a file saved as Latin-1 or Windows-1252 is not).")
HEADER = _rule("header", "The header is the schema's",
               "The header row names the schema's columns, in order, once each.")
CELL_COUNT = _rule("cell-count", "Every row is complete",
                   "Each row has as many cells as the header (no truncated row, no extra delimiter).")
REQUIRED = _rule("required", "Required cells are filled",
                 "A column the schema marks required (or a primary-key column) has no empty cell.")
UNIQUE = _rule("unique", "Unique columns are unique",
               "A column the schema marks unique repeats no value.")
TYPE = _rule("type", "Values have their column's type",
             "Integers are written -?(0|[1-9][0-9]*) and booleans true or false: the one text form each has.")
ENUM = _rule("enum", "Values are among the allowed ones",
             "A value of a column with an enum (or an item of such a list) is one of them.")
PATTERN = _rule("pattern", "Values match the column's pattern",
                "A value (or list item) matches the column's regular expression.")
MINLENGTH = _rule("minLength", "Values are long enough",
                  "A value is at least the column's minLength characters long.")
MAXLENGTH = _rule("maxLength", "Values are short enough",
                  "A value is at most the column's maxLength characters long (quotes: the shortest span that supports the row).")
MINIMUM = _rule("minimum", "Values are at least the minimum",
                "A number is not below the column's minimum.")
MAXIMUM = _rule("maximum", "Values are at most the maximum",
                "A number is not above the column's maximum.")
WHITESPACE = _rule("whitespace", "No stray whitespace",
                   "No leading, trailing or doubled space and no line break inside a value.")
SPREADSHEET_FORMULA = _rule("spreadsheet-formula", "No formula reaches a spreadsheet",
                            "No text value or list item begins with =, +, -, @, |, a tab or a carriage return, or a full-width or small "
                            "form of = + - @ (numbers in numeric columns may be negative).")
INVISIBLE_CHARACTER = _rule("invisible-character", "Only characters that show",
                            "No text value or list item holds a character that is invisible or changes how text reads without being "
                            "seen: controls, format characters (soft hyphen, zero-width space and joiners, word joiner, U+FEFF, "
                            "bidirectional marks, tags), private-use, surrogate and unassigned code points, line and paragraph "
                            "separators, spaces other than the ASCII space, Hangul fillers and variation selectors "
                            "(painimmune.package.characters). The problem names the code point.")
LOOKALIKE_LETTER = _rule("lookalike-letter", "Letters are ASCII, accented or Greek",
                         "Every letter and digit of a text value or list item is ASCII, an ASCII letter with diacritics (é, ö) or a "
                         "Greek small letter that reads as no Latin one (α, β, γ, κ, μ; not ι, ν, ο, ρ, τ, υ, χ, ω): no letter, digit, "
                         "mark or letter-named symbol that reads as a Latin letter without being one (Cyrillic Т, Greek capital Τ, "
                         "dotless ı, ß, the micro sign, fullwidth or mathematical letters, the Kelvin sign, Roman numerals, other digits, "
                         "⍺) and none of another alphabet, so that no name is a second spelling of one that looks the same "
                         "(painimmune.package.characters). The problem names the code point.")
MOJIBAKE = _rule("mojibake", "No garbled characters",
                 "No UTF-8 text garbled by a Latin-1/Windows-1252 round trip ('TNF-Î±').")
UNICODE_NFC = _rule("unicode-nfc", "Unicode normal form NFC",
                    "Text is in Unicode normal form NFC.")
EMPTY_LIST_ITEM = _rule("empty-list-item", "No empty item in a list",
                        "A list value has no empty item: no two delimiters side by side, none first or last (an empty list is an "
                        "empty cell).")
UNIQUE_KEY = _rule("unique-key", "No repeated assertion",
                   "The columns of each uniqueKeys entry together do not repeat another row's values.")
EXACTLY_ONE_OF = _rule("exactly-one-of", "Exactly one target",
                       "Exactly one column of each exactlyOneOf group is set (e.g. a target mediator or cell type).")
SYNONYMS_DISTINCT_FROM_NAME = _rule("synonyms-distinct-from-name", "Synonyms differ from the name",
                                    "No synonym repeats the name or another synonym, ignoring case.")
FOREIGN_KEY = _rule("foreign-key", "Foreign keys resolve",
                    "Each foreign-key value is the key of a row of the referenced table.")


def check(package: DataPackage, frames: dict[str, pd.DataFrame]) -> list[Problem]:
    """Validate every table read (see :func:`text_frame`) with its generated pandera schema and its
    cell checks, then the foreign keys across tables. A table's problems come column by column (the
    column's own checks in order), then those of its rows as a whole."""
    cells = _cell_problems(package, frames)
    release_unused()  # the working copies of the cell checks
    problems: list[Problem] = []
    for name, frame in frames.items():
        table_schema = package.schema(name)
        found = [] if _passes(table_schema, frame) else _run(dataframe_schema(table_schema), frame, name, primary_key(table_schema))
        columns = set(frame.columns)
        unique = {field["name"] for field in table_schema["fields"] if constraints(field).get("unique")}
        for column in frame.columns:
            problems += [problem for problem in found if problem.column == column and problem.rule in _COLUMN_RULES]
            if column in unique:
                problems += _repeated_values(frame, column, name, primary_key(table_schema))
            problems += cells.get((name, column), [])
        problems += [problem for problem in found if not (problem.column in columns and problem.rule in _COLUMN_RULES)]
    problems += _foreign_key_problems(package, frames)
    return problems


# The rules pandera checks column by column (the others are of rows as a whole).
_COLUMN_RULES = ("required", "unique")


def text_frame(package: DataPackage, name: str, raw: RawTable, problems: list[Problem]) -> pd.DataFrame | None:
    """The table as a frame of raw strings, adding the faults of the file itself to *problems*.

    Returns None when the file cannot be read or its header does not match the schema, since no
    cell could then be read under the right column. Rows with the wrong number of cells are
    reported and left out.
    """
    if raw.error is not None:
        problems.append(UNREADABLE.problem(str(raw.error), name))
        return None
    table_schema = package.schema(name)
    text = raw.text
    header = text.header
    problems += [declared(rule).problem(message, name, f"line {line}") for rule, line, message in text.faults]
    header_faults = raw.header_faults
    problems += [HEADER.problem(message, name, "line 1", column) for column, message in header_faults]
    if header_faults:
        return None
    key_positions = [header.index(column) for column in primary_key(table_schema)]
    for position, row in text.ragged:
        keys = [row[i] for i in key_positions if i < len(row) and row[i]]
        where = f"{', '.join(keys)} (line {csvio.line_of(position)})" if keys else f"line {csvio.line_of(position)}"
        column = header[len(row)] if len(row) < len(header) else None
        message = (f"{len(row)} cells where the header has {len(header)}: "
                   + ("the row is cut short (truncated file?)" if column else "a delimiter too many"))
        problems.append(CELL_COUNT.problem(message, name, where, column))
    if text.undecoded:
        problems += _undecoded_cells(header, text.undecoded, name, key_positions)
    return text.frame


def _undecoded_cells(header: list[str], rows: dict[int, list[str]], table: str, key_positions: list[int]) -> list[Problem]:
    """A problem for each cell holding bytes that were not UTF-8 (*rows*: the cells as read of each
    row holding one, by its index in the frame), column by column. The frame holds them replaced by
    U+FFFD, so that the other checks can run (pandera cannot carry surrogate escapes in its
    reports); a row is named by its key as replaced so far, columns to the left first."""
    problems = []
    for position, column in enumerate(header):
        for index, row in sorted(rows.items()):
            if not _UNDECODED.search(row[position]):
                continue
            keys = [_UNDECODED.sub("\ufffd", row[i]) if i < position else row[i] for i in key_positions]
            where = ", ".join(keys) if keys and all(keys) else f"line {csvio.line_of(index)}"
            problems.append(UTF_8.problem(_MESSAGES["utf-8"], table, where, column, row[position]))
    return problems


def dataframe_schema(table_schema: Schema) -> pa.DataFrameSchema:
    """The pandera schema of a table's raw text, generated from its Table Schema."""
    import pandera.pandas as pa

    key = primary_key(table_schema)
    columns = {field["name"]: _column(field, in_primary_key=field["name"] in key) for field in table_schema["fields"]}
    checks = [pa.Check(test, name=check) for check, test in _frame_checks(table_schema)]
    return pa.DataFrameSchema(columns, checks=checks, strict=True, ordered=True, coerce=False)


FrameTest = Callable[[pd.DataFrame], pd.Series]


def _frame_checks(table_schema: Schema) -> list[tuple[str, FrameTest]]:
    """The checks of rows as a whole that a table's pandera schema runs, as (check name, test): a
    test of a frame, True for each row that passes."""
    key = primary_key(table_schema)
    names = {field["name"] for field in table_schema["fields"]}
    checks = [_unique_key_check(unique) for unique in unique_keys(table_schema)]
    if key and not (len(key) == 1 and constraints(_field(table_schema, key[0])).get("unique")):
        checks.append(_unique_key_check(key))  # a primary key is unique even where no constraint says so
    checks += [_exactly_one_check(group) for group in table_schema.get("exactlyOneOf", [])]
    if {"name", "synonyms"} <= names:
        checks.append(_synonyms_distinct_check(list_delimiter(_field(table_schema, "synonyms"))))
    return checks


def _passes(table_schema: Schema, frame: pd.DataFrame) -> bool:
    """Whether *frame* certainly passes its pandera schema (:func:`dataframe_schema`), found without
    pandera: its columns are the schema's, in order, no cell of a required or key column is
    empty, and every check of rows as a whole passes every row. pandera then has nothing to report,
    so it runs only on a table where this finds a fault, and names the faults: the first validation
    by pandera in a process costs more than these checks of every table (it sets up its backends,
    importing hypothesis where that is installed)."""
    key = primary_key(table_schema)
    if list(frame.columns) != [field["name"] for field in table_schema["fields"]]:
        return False
    for field in table_schema["fields"]:
        if (is_required(field) or field["name"] in key) and frame[field["name"]].hasnans:
            return False
    try:
        return all(bool(test(frame).all()) for _, test in _frame_checks(table_schema))
    except Exception:  # a test that cannot run: pandera reports it, as it reports a failure
        return False


def _field(table_schema: Schema, name: str) -> Field:
    return next(field for field in table_schema["fields"] if field["name"] == name)


def _column(field: Field, in_primary_key: bool = False) -> pa.Column:
    """A column: required (not nullable) or not. Every cell is a string or missing (the frame is
    read so), so no dtype is checked; the checks of each cell are :func:`cell_checks`, and a unique
    column's, :func:`_repeated_values`."""
    import pandera.pandas as pa

    return pa.Column(None, nullable=not (is_required(field) or in_primary_key), required=True)


def _repeated_values(frame: pd.DataFrame, column: str, table: str, key: list[str]) -> list[Problem]:
    """The ``unique`` problems of a column the schema marks unique: each row holding a value that
    another row holds too (missing values included, as pandas counts them), in row order."""
    repeated = np.flatnonzero(_duplicated(frame[column]))
    values = frame[column].iloc[repeated]
    return [_problem({"check": "field_uniqueness", "column": column, "failure_case": value, "index": index}, frame, table, key)
            for index, value in zip(values.index, values.tolist(), strict=True)]


def _duplicated(values: pd.Series) -> np.ndarray:
    """Which of *values* another value equals (``values.duplicated(keep=False)``): for Arrow strings,
    by sorting rather than by a hash table of the values, which takes several times the column's
    memory. A column already in order (a primary key, in a table in normal form) is not sorted
    again: equal values are neighbours."""
    if not isinstance(values.array, pd.arrays.ArrowStringArray) or len(values) < 2:
        return values.duplicated(keep=False).to_numpy(dtype=bool)
    import pyarrow as pa
    import pyarrow.compute as pc

    array = pa.array(values.array)
    in_order = not values.hasnans and pc.all(pc.less_equal(array.slice(0, len(values) - 1), array.slice(1))).as_py()
    order = None if in_order else pc.sort_indices(array).to_numpy()
    ordered = array if order is None else array.take(order)
    same = pc.fill_null(pc.equal(ordered.slice(1), ordered.slice(0, len(values) - 1)), False).to_numpy(zero_copy_only=False)
    in_run = np.zeros(len(values), dtype=bool)
    in_run[1:] |= same
    in_run[:-1] |= same
    if order is None:
        return in_run
    repeated = np.zeros(len(values), dtype=bool)
    repeated[order] = in_run
    missing = values.isna().to_numpy()
    if missing.sum() > 1:
        repeated |= missing
    return repeated


ItemTest = Callable[[pd.Series], pd.Series]


def cell_checks(field: Field) -> list[tuple[str, ItemTest]]:
    """The checks of each present value of a column (or each item of a list value), as (check name,
    test): ``rule`` or ``rule:detail``, and a test of a Series of values, True where a value passes.

    A test that is the same function for several columns is run once over all their cells: write a
    new one as a module-level function, or (with an argument) as a cached factory such as
    :func:`_pattern`.
    """
    cons = constraints(field)
    kind = field.get("type", "string")
    item_checks: list[tuple[str, ItemTest]] = []  # (rule name, test of a Series of present values or items)
    if kind in csvio.TEXT_SYNTAX:
        item_checks.append((f"type:{kind}", _full_match(csvio.TEXT_SYNTAX[kind])))
    if "enum" in cons:
        item_checks.append(("enum", _one_of(tuple(cons["enum"]))))
    if "pattern" in cons:
        item_checks.append((f"pattern:{cons['pattern']}", _pattern(cons["pattern"])))
    if "minLength" in cons:
        item_checks.append((f"minLength:{cons['minLength']}", _length_at_least(cons["minLength"])))
    if "maxLength" in cons:
        item_checks.append((f"maxLength:{cons['maxLength']}", _length_at_most(cons["maxLength"])))
    if "minimum" in cons:
        item_checks.append((f"minimum:{cons['minimum']}", _at_least(cons["minimum"])))
    if "maximum" in cons:
        item_checks.append((f"maximum:{cons['maximum']}", _at_most(cons["maximum"])))
    item_checks.append(("whitespace", _no_stray_whitespace))
    if kind not in csvio.TEXT_SYNTAX:  # text: what a spreadsheet would run, or a terminal or editor would act on
        item_checks.append(("spreadsheet-formula", _no_formula))
        item_checks.append(("invisible-character", _no_invisible_character))
        item_checks.append(("lookalike-letter", _no_lookalike_letter))
    item_checks.append(("mojibake", _not_mojibake))
    item_checks.append(("unicode-nfc", _is_nfc))
    return item_checks


@functools.cache
def _full_match(pattern: str) -> ItemTest:
    return lambda v: v.str.fullmatch(pattern)


@functools.cache
def _one_of(allowed: tuple[str, ...]) -> ItemTest:
    return lambda v: v.isin(allowed)


@functools.cache
def _pattern(pattern: str) -> ItemTest:
    """A test that each value matches *pattern* whole, as Frictionless reads it: by Python's own
    engine (the one :mod:`painimmune.package.patterns` judged it with), so that the verdict does not
    depend on whether Arrow's engine, with its own meaning of ``\\d`` and ``\\w``, is installed."""
    compiled = re.compile(pattern)
    return lambda v: pd.Series([not isinstance(value, str) or compiled.fullmatch(value) is not None for value in v.tolist()],
                               index=v.index, dtype=bool)


@functools.cache
def _length_at_least(bound: int) -> ItemTest:
    return lambda v: v.str.len() >= bound


@functools.cache
def _length_at_most(bound: int) -> ItemTest:
    return lambda v: v.str.len() <= bound


@functools.cache
def _at_least(bound: float) -> ItemTest:
    return lambda v: ~(pd.to_numeric(v, errors="coerce") < bound)


@functools.cache
def _at_most(bound: float) -> ItemTest:
    return lambda v: ~(pd.to_numeric(v, errors="coerce") > bound)


def _no_stray_whitespace(values: pd.Series) -> pd.Series:
    return (values == values.str.strip()) & ~values.str.contains(r"  |\n", regex=True)


def _no_formula(values: pd.Series) -> pd.Series:
    return ~values.str.match(FORMULA_START)


def _no_invisible_character(values: pd.Series) -> pd.Series:
    return values.fillna("").map(characters.is_clean).astype(bool)


def _no_lookalike_letter(values: pd.Series) -> pd.Series:
    return values.map(characters.first_lookalike, na_action="ignore").isna()


def _not_mojibake(values: pd.Series) -> pd.Series:
    return ~_suspects(values, _is_mojibake)


_UNDECODED = re.compile("[\udc80-\udcff]")  # bytes that were not UTF-8, kept as surrogate escapes


# Read as Windows-1252 or Latin-1, the lead byte of every multi-byte UTF-8 sequence becomes one of
# these characters: text without them cannot be mojibake.
_MOJIBAKE_LEAD = "[\u00c2-\u00f4]"


def _is_nfc(values: pd.Series) -> pd.Series:
    """Whether each value is in Unicode normal form C (ASCII always is: only the rest is normalised)."""
    result = pd.Series(True, index=values.index)
    wide = ~values.str.isascii().fillna(True).astype(bool)
    if wide.any():
        result[wide] = values[wide].str.normalize("NFC") == values[wide]
    return result


def _suspects(values: pd.Series, test: Callable[[str], bool]) -> pd.Series:
    """*test* applied only to the values that could be mojibake (one vectorised scan finds them)."""
    result = pd.Series(False, index=values.index)
    suspect = values.str.contains(_MOJIBAKE_LEAD, regex=True)
    if suspect.any():
        result[suspect] = [test(text) for text in values[suspect]]
    return result


def _is_mojibake(value: str) -> bool:
    """Whether *value* is UTF-8 text that was read as Windows-1252 or Latin-1 and saved again (``TNF-Î±``)."""
    for codec in ("cp1252", "latin-1"):
        try:
            if value.encode(codec).decode("utf-8") != value:
                return True
        except UnicodeError:
            continue
    return False


# Cells checked at a time: the tests' working copies (a slice's values stripped or normalised, its
# list items) stay small whatever the size of the tables.
CELLS_AT_A_TIME = 1 << 16
# Cells of the columns checked together (what is kept of them while they are checked: their list
# items, which of them are plain, stays small whatever the size of the tables).
CELLS_AT_ONCE = 1 << 21
# The checks that a plain value passes, whatever it is: printable ASCII (no control character, no
# look-alike letter, no mojibake, NFC), no doubled space, not beginning with a space or a character
# a spreadsheet runs, not ending with a space. Most values are plain, so these checks test only the
# others, found by one search (:func:`_plain`); tests/test_reading.py checks the claim on random text.
PASSED_BY_PLAIN: set[ItemTest] = {_no_stray_whitespace, _no_formula, _no_invisible_character, _no_lookalike_letter, _not_mojibake,
                                  _is_nfc}


def _plain(values: pd.Series) -> np.ndarray:
    """Which of *values* are plain (see :data:`PASSED_BY_PLAIN`); a missing value is."""
    other = (~printable_ascii(values) | values.str.contains("  ", regex=False).fillna(False).to_numpy(dtype=bool)
             | values.str[:1].isin([" ", *csvio.FORMULA_START]).to_numpy(dtype=bool) | values.str.endswith(" ").fillna(False).to_numpy(dtype=bool))
    return ~other | values.isna().to_numpy()


def _cell_problems(package: DataPackage, frames: dict[str, pd.DataFrame]) -> dict[tuple[str, str], list[Problem]]:
    """The problems of the checks of one cell (:func:`cell_checks`) in every table, by (table, column);
    those of a column in the order of its checks, then of its rows. Columns are taken together up
    to :data:`CELLS_AT_ONCE` cells (all the columns of small tables at once, a few of a large
    table): each test runs once over the cells of the columns it applies to (list values split
    into their items once, a value with an empty item failing empty-list-item), a slice at a time."""
    columns = [(name, field) for name, frame in frames.items() for field in package.schema(name)["fields"] if field["name"] in frame]
    failed: dict[tuple[str, str, str], np.ndarray] = {}
    order: dict[tuple[str, str, str], int] = {}  # (table, column, check name) -> position among the column's checks
    batch: list[tuple[str, Field]] = []
    size = 0
    for name, field in [*columns, ("", {})]:
        if batch and (not field or size + len(frames[name]) > CELLS_AT_ONCE):
            failed.update(_failed_checks(frames, batch, order))
            batch, size = [], 0
        if field:
            batch.append((name, field))
            size += len(frames[name])
    found: dict[tuple[str, str], list[Problem]] = {}
    for (name, column, check), rows in sorted(failed.items(), key=lambda item: order[item[0]]):
        frame = frames[name]
        key = primary_key(package.schema(name))
        values = frame[column].iloc[rows]
        found.setdefault((name, column), []).extend(
            _problem({"check": check, "column": column, "failure_case": value, "index": index}, frame, name, key)
            for index, value in zip(values.index, values.tolist(), strict=True))
    return found


def _failed_checks(frames: dict[str, pd.DataFrame], columns: list[tuple[str, Field]],
                   order: dict[tuple[str, str, str], int]) -> dict[tuple[str, str, str], np.ndarray]:
    """The rows failing each check of each of *columns* (table, field), by (table, column, check
    name); the position of each check among its column's checks goes into *order*.

    What the tests test (each column's values, or the items of its list values) is gathered in
    pools of up to :data:`CELLS_AT_A_TIME` cells (:func:`_pools`): the columns of small tables share
    one pool, a large column fills several. In each pool, which cells are plain is found once, and
    each test runs once over the cells of the columns it applies to."""
    cells: list[_Cells] = []  # what the columns' tests test
    empty_items: dict[int, np.ndarray] = {}  # by column number: the positions of its values with an empty item
    lists: dict[str, list[int]] = {}  # the list columns (their numbers), by delimiter: split together
    tests: dict[tuple[str, ItemTest], list[int]] = {}  # each (check name, test): the columns it applies to
    for number, (name, field) in enumerate(columns):
        column = field["name"]
        if field.get("type") == "list":
            lists.setdefault(list_delimiter(field), []).append(number)
        else:
            cells.append(_Cells(frames[name][column], number, None))
        for position, (check, test) in enumerate(cell_checks(field)):
            tests.setdefault((check, test), []).append(number)
            order[(name, column, check)] = position
    for delimiter, numbers in lists.items():
        cells += _list_items([frames[columns[number][0]][columns[number][1]["name"]] for number in numbers],
                             np.array(numbers, dtype=np.int64), delimiter, empty_items)
    failing: dict[tuple[int, str], list[np.ndarray]] = {}  # (column number, check name) -> positions failing it
    for pool in _pools(cells):
        for (check, test), numbers in tests.items():
            for number, positions in pool.failing(test, numbers):
                failing.setdefault((number, check), []).append(positions)
    failed: dict[tuple[str, str, str], np.ndarray] = {}
    for (number, check), found in failing.items():
        failed[(columns[number][0], columns[number][1]["name"], check)] = np.unique(np.concatenate(found))
    for number, rows in empty_items.items():
        if len(rows):
            name, column = columns[number][0], columns[number][1]["name"]
            failed[(name, column, EMPTY_LIST_ITEM.id)] = rows
            order[(name, column, EMPTY_LIST_ITEM.id)] = -1  # named before what its items fail
    return failed


class _Cells:
    """Values that tests test, each of one column (a number: its place in the list of columns
    checked together): a column's own values (*positions* None; *column* the number), or the items
    of list values (*column* the number of each item's column, *positions* the position in its
    column of the value each is an item of)."""

    def __init__(self, values: pd.Series, column: int | np.ndarray, positions: np.ndarray | None) -> None:
        self.values = values
        self.column = column
        self.positions = positions

    def part(self, start: int, stop: int) -> tuple[pd.Series, np.ndarray, np.ndarray]:
        """The values from *start* to *stop*, with the column and the position in it of each."""
        values = self.values if start == 0 and stop == len(self.values) else self.values.iloc[start:stop]
        column = np.full(stop - start, self.column, dtype=np.int64) if isinstance(self.column, int) else self.column[start:stop]
        positions = np.arange(start, stop, dtype=np.int64) if self.positions is None else self.positions[start:stop]
        return values, column, positions


class _Pool:
    """Cells of one or more columns copied together into one Series (:attr:`values`), with the
    column (:attr:`column`) and the position in it (:attr:`positions`) of each, and which are plain
    (:func:`_plain`): what one call of each test tests."""

    def __init__(self, parts: list[tuple[pd.Series, np.ndarray, np.ndarray]]) -> None:
        values = [values for values, _, _ in parts]
        self.values = _one_array(values) if len(values) > 1 else values[0].reset_index(drop=True)
        self.column = np.concatenate([column for _, column, _ in parts])
        self.positions = np.concatenate([positions for _, _, positions in parts])
        self.columns = set(np.unique(self.column).tolist())
        self.plain = _plain(self.values)
        self.missing = self.values.isna().to_numpy()

    def failing(self, test: ItemTest, columns: list[int]) -> Iterator[tuple[int, np.ndarray]]:
        """For each of *columns* with cells here failing *test*: its number and the positions in it of
        the values failing (a value fails when an item of it does). A missing value passes, and a
        plain one passes the tests of :data:`PASSED_BY_PLAIN` untested."""
        present = [number for number in columns if number in self.columns]
        if not present:
            return
        chosen = np.ones(len(self.values), dtype=bool) if len(present) == len(self.columns) else np.isin(self.column, present)
        if test in PASSED_BY_PLAIN:
            chosen &= ~self.plain
        chosen &= ~self.missing
        which = np.flatnonzero(chosen)
        if not len(which):
            return
        values = self.values if len(which) == len(self.values) else self.values.take(which)
        failed = which[~test(values).fillna(False).to_numpy(dtype=bool)]
        owners = self.column[failed]
        for number in np.unique(owners).tolist():
            yield number, self.positions[failed[owners == number]]


def _one_array(values: list[pd.Series]) -> pd.Series:
    """*values* end to end in one Series over one array, not pd.concat's chunk per part: tests and
    takes over a pool of many small columns would pay for each chunk. Arrow strings are joined
    as Arrow arrays, without a Python object per cell."""
    if all(isinstance(part.array, pd.arrays.ArrowStringArray) for part in values):
        import pyarrow as pa

        chunks: list[Any] = []
        for part in values:
            array = pa.array(part.array)
            chunks += array.chunks if isinstance(array, pa.ChunkedArray) else [array]
        return pd.Series(values[0].dtype.__from_arrow__(pa.concat_arrays(chunks)))
    return pd.Series(np.concatenate([part.to_numpy() for part in values]), dtype=values[0].dtype)


def _pools(cells: list[_Cells]) -> Iterator[_Pool]:
    """*cells* in pools of up to :data:`CELLS_AT_A_TIME` cells: small ones together, large ones cut."""
    parts: list[tuple[pd.Series, np.ndarray, np.ndarray]] = []
    size = 0
    for values in cells:
        for start in range(0, len(values.values), CELLS_AT_A_TIME):
            stop = min(start + CELLS_AT_A_TIME, len(values.values))
            if parts and size + stop - start > CELLS_AT_A_TIME:
                yield _Pool(parts)
                parts, size = [], 0
            parts.append(values.part(start, stop))
            size += stop - start
    if parts:
        yield _Pool(parts)


def _list_items(values: list[pd.Series], columns: np.ndarray, delimiter: str, empty_items: dict[int, np.ndarray]) -> list[_Cells]:
    """The items of the list columns *values* (numbered *columns*), all of *delimiter*, split at once;
    and (into *empty_items*, by column number) the positions of their values with an empty item."""
    joined = pd.concat(values, ignore_index=True)
    bounds = np.cumsum([0, *(len(column) for column in values)])
    cells = []
    for items, positions in _items(joined, delimiter):
        owner = np.searchsorted(bounds, positions, side="right") - 1
        cells.append(_Cells(items, columns[owner], positions - bounds[owner]))
    empty = _with_empty_item(joined, delimiter)
    owner = np.searchsorted(bounds, empty, side="right") - 1
    for number, column in enumerate(columns.tolist()):
        empty_items[column] = empty[owner == number] - bounds[number]
    return cells


def _items(values: pd.Series, delimiter: str) -> Iterator[tuple[pd.Series, np.ndarray]]:
    """The items of the present list values of *values*, a slice of values at a time, each with the
    position in *values* of the value it is an item of."""
    for start in range(0, len(values), CELLS_AT_A_TIME):
        part = values.iloc[start:start + CELLS_AT_A_TIME]
        present = np.flatnonzero(part.notna().to_numpy())
        if not len(present):
            continue
        split = part.iloc[present].str.split(delimiter, regex=False)
        counts = split.str.len().to_numpy(dtype=np.int64)
        items = pd.Series([item for items in split for item in items], dtype=values.dtype)
        yield items, np.repeat(present + start, counts)


def _with_empty_item(values: pd.Series, delimiter: str) -> np.ndarray:
    """Positions of the list values of *values* with an empty item (``a||b``, or a delimiter first or last)."""
    escaped = re.escape(delimiter)
    empty = values.str.contains(f"^{escaped}|{escaped}$|{escaped}{escaped}", regex=True)
    return np.flatnonzero(empty.fillna(False).to_numpy(dtype=bool))


def _unique_key_check(key: list[str]) -> tuple[str, FrameTest]:
    def unique(frame: pd.DataFrame) -> pd.Series:
        repeated = frame.duplicated(subset=key, keep=False)
        if not repeated.any():
            return ~repeated
        considered = np.logical_or.reduce([frame[column].notna().to_numpy() for column in key])  # rows with every key column empty are not keyed
        return ~(repeated & considered)

    return f"unique-key:{'+'.join(key)}", unique


def _exactly_one_check(group: list[str]) -> tuple[str, FrameTest]:
    return f"exactly-one-of:{'+'.join(group)}", lambda frame: frame[group].notna().sum(axis=1) == 1


def _synonyms_distinct_check(delimiter: str) -> tuple[str, FrameTest]:
    def distinct(frame: pd.DataFrame) -> pd.Series:
        def ok(name: Any, synonyms: Any) -> bool:
            if pd.isna(synonyms):
                return True
            items = [item.casefold() for item in synonyms.split(delimiter)]
            return len(items) == len(set(items)) and (pd.isna(name) or name.casefold() not in items)

        return pd.Series([ok(n, s) for n, s in zip(frame["name"], frame["synonyms"], strict=True)], index=frame.index)

    return "synonyms-distinct-from-name", distinct


_FRAME_CHECKS = {"unique-key": None, "exactly-one-of": None, "synonyms-distinct-from-name": "name+synonyms"}


def _run(schema: pa.DataFrameSchema, frame: pd.DataFrame, table: str, key: list[str]) -> list[Problem]:
    import pandera.pandas as pa

    try:
        schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        problems, seen = [], set()
        for case in exc.failure_cases.to_dict("records"):
            check = str(case.get("check"))
            rule = check.partition(":")[0]
            if rule in _FRAME_CHECKS:  # pandera reports a frame-level check once per column: keep one per row
                if (check, case.get("index")) in seen:
                    continue
                seen.add((check, case.get("index")))
                columns = _FRAME_CHECKS[rule] or check.partition(":")[2]
                case = {**case, "column": columns, "failure_case": _joined(frame, case.get("index"), columns.split("+"))}
            problems.append(_problem(case, frame, table, key))
        return problems
    return []


def _joined(frame: pd.DataFrame, index: Any, columns: list[str]) -> str | None:
    if index is None or index not in frame.index:
        return None
    return " / ".join("" if pd.isna(frame.at[index, c]) else str(frame.at[index, c]) for c in columns)


def _problem(case: dict[str, Any], frame: pd.DataFrame, table: str, key: list[str]) -> Problem:
    index = case.get("index")
    row = None
    if index is not None and not pd.isna(index) and index in frame.index:
        row = row_key(frame, index, key)
    column = case.get("column") if isinstance(case.get("column"), str) and case.get("column") != table else None
    check = str(case.get("check"))
    value = case.get("failure_case")
    rule, _, detail = check.partition(":")
    if rule in _FRAME_CHECKS:
        detail = ""
    # pandera's own checks of the column set (strict, ordered) cannot fail here: a header that differs
    # from the schema is reported by the header rule before any frame is made.
    rule = {"field_uniqueness": "unique", "not_nullable": "required", "column_in_schema": "header",
            "column_in_dataframe": "header", "column_ordered": "header"}.get(rule, rule)
    shown = None if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)
    if rule == "invisible-character":
        message = f"text {characters.refusal(shown or '')}"
    elif rule == "lookalike-letter":
        message = f"text {characters.lookalike_refusal(shown or '')}"
    else:
        message = _MESSAGES[rule] + (f" ({detail})" if detail else "")
    return declared(rule).problem(message, table, row, column, shown)


_MESSAGES = {
    "required": "a required cell is empty",
    "unique": "value is not unique in its column",
    "enum": "value is not one of the column's allowed values",
    "pattern": "value does not match the column's pattern",
    "type": "value is not of the column's type",
    "whitespace": "leading, trailing or doubled whitespace, or a line break",
    "unicode-nfc": "text is not in Unicode normal form NFC",
    "utf-8": "bytes that are not UTF-8 (was the file saved as Latin-1 or Windows-1252?); save it as UTF-8",
    "mojibake": "UTF-8 text garbled by a Latin-1/Windows-1252 round trip (e.g. 'TNF-Î±' for 'TNF-α'); restore the original characters",
    "minLength": "value is too short",
    "maxLength": "value is too long",
    "minimum": "value is below the minimum",
    "maximum": "value is above the maximum",
    "unique-key": "these columns together repeat another row's values",
    "exactly-one-of": "exactly one of these columns must be set",
    "synonyms-distinct-from-name": "a synonym repeats the name or another synonym (case-insensitively)",
    "header": "the columns differ from the schema's",
    "empty-list-item": "a list value has an empty item (two delimiters side by side, or one first or last)",
    "spreadsheet-formula": f"text begins with {csvio.FORMULA_START_WORDS}, which a spreadsheet runs as a formula; reword it",
}


def _foreign_key_problems(package: DataPackage, frames: dict[str, pd.DataFrame]) -> list[Problem]:
    problems = []
    for name, frame in frames.items():
        table_schema = package.schema(name)
        key = primary_key(table_schema)
        for column, resource, ref_column in foreign_keys(table_schema):
            if resource not in frames or column not in frame:
                continue
            if ref_column not in frames[resource]:
                problems.append(FOREIGN_KEY.problem(f"the foreign key of column {column} references column "
                                        f"{ref_column!r}, which {resource} does not have", name, None, column))
                continue
            values = frame[column]
            dangling = np.flatnonzero(~isin(values, frames[resource][ref_column]) & values.notna().to_numpy())
            for index, value in zip(frame.index[dangling], values.iloc[dangling].tolist(), strict=True):
                problems.append(FOREIGN_KEY.problem(f"no row with {ref_column} {value!r} in {resource}",
                                        name, row_key(frame, index, key), column, str(value)))
    return problems
