"""Applying a reviewed curation worksheet (:mod:`painimmune.curate.worksheet`) to the package.

``painimmune curate apply FILE.csv`` takes the ``candidate`` lines a curator marked ``accept`` and
the ``sentence`` lines marked ``not encoded`` (with ``not_encoded_kind`` and ``reason``), gives each
the next id of its table, writes them into the tables, builds the package and validates it. A
passage not encoded goes into ``not_encoded`` by place, length, sha256 and opening words, computed
from the source text; its words stay in the worksheet (:mod:`painimmune.language.passages`). This
module owns reading a worksheet back and writing what it accepts.

A worksheet is untrusted input, and nothing is changed unless the result is valid:

1. Every line is checked first: its ``kind``, and its ``decision``, which must be one of the allowed
   values exactly as written (``Accept``, or ``accept`` with a space before it, is refused, never
   taken for ``accept``); the table, which must be a relationship table; every value against the Table Schema of the table it goes into (required
   cells, integers, allowed values, foreign keys such as entity ids, evidence levels, directions and
   cited references); the quote, which must lie in the source text at its ``start``; and no cell
   that a spreadsheet would run as a formula. Each problem names the worksheet's line and column.
2. The rows are written into a temporary copy of the package (:func:`~painimmune.package.copying.copy_package`:
   a symbolic link, FIFO or device inside the package is refused by its path, never followed), which is built
   (:func:`painimmune.build.main`) and validated (:func:`painimmune.validation.validate`); problems
   of the new rows are named by worksheet line and column.
3. Only when the copy is valid are the files that changed (tables, ``datapackage.json``, the
   generated documents) written back into the package, each atomically.

Ids are those of the table's existing ids, with the same prefix and zero-padded width, numbered
after the largest id ever given: in the table or in ``tables/withdrawn_rows.csv`` (ids are never
reused).
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import re
import stat
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from painimmune import build
from painimmune.curate.worksheet import ACCEPT, CANDIDATE, MENTION, NOT_ENCODED_DECISION, REJECT, RENAMED, SENTENCE
from painimmune.curate.worksheet import columns as worksheet_columns
from painimmune.errors import DataError
from painimmune.escape import spreadsheet_cell, spreadsheet_unescape
from painimmune.graph import entity_type, relationship_tables
from painimmune.language.passages import Passage
from painimmune.language.text import span, starts
from painimmune.loader import load_all
from painimmune.output import OutputFolder
from painimmune.package import characters, csvio
from painimmune.package.copying import copy_package, package_files
from painimmune.package.descriptor import DataPackage
from painimmune.package.files import PACKAGE_PARTS as PARTS_READ
from painimmune.package.files import read_bytes
from painimmune.package.locate import DESCRIPTOR
from painimmune.package.schemas import AssertionColumns, enum, field_names, foreign_keys, is_required, list_delimiter, table_role
from painimmune.validation import validate
from painimmune.validation.grounding import NOT_ENCODED
from painimmune.validation.package_rules import WITHDRAWN
from painimmune.validation.problems import Problem
from painimmune.validation.rules import repaired_by_build
from painimmune.validation.source_texts import source_texts

DECISIONS = {SENTENCE: ("", NOT_ENCODED_DECISION), MENTION: ("",), CANDIDATE: ("", ACCEPT, REJECT)}
# The files of a package that the build reads or writes, copied to build and validate the result.
PACKAGE_PARTS = (*PARTS_READ, "docs", ".zenodo.json")
SKIPPED = ("__pycache__",)  # folders of the package parts that are not copied
NOT_ENCODED_RENAMED = {"kind": "not_encoded_kind"}
# The columns of not_encoded that apply computes from the passage's words and the source text.
PASSAGE_RECORD = ("length", "sha256", "opening")
_INTEGER = re.compile(csvio.TEXT_SYNTAX["integer"])
_ID_PATTERN = re.compile(r"^\^([A-Za-z_]+)\[0-9\]\{(\d+),?\d*\}\$$")  # ^ne[0-9]{4,}$: prefix ne, width 4


@dataclass
class Outcome:
    """What applying a worksheet did.

    Attributes:
        valid: the package validated and the rows were written.
        added: the ids given, by table.
        written: the files written back, relative to the package.
        problems: what is wrong, each naming the worksheet's line and column where it can.
        notes: notes of the build and of validation.
    """

    valid: bool
    added: dict[str, list[str]] = field(default_factory=dict)
    written: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class _Row:
    """A row for a table, from one worksheet line."""

    line: int
    table: str
    cells: dict[str, str]  # table column -> text
    columns: dict[str, str]  # table column -> worksheet column


def apply(worksheet: str | Path, path: str | Path | None = None) -> Outcome:
    """Apply the reviewed *worksheet* to the package at *path* (see the module docstring).

    Returns an :class:`Outcome`; when ``valid`` is False nothing was changed.

    Raises:
        PackageNotFoundError: there is no package at *path*.
        DataError: a table of the package does not match its Table Schema, *path* is a release zip
            (rows are applied to a package folder), or the package holds a symbolic link, FIFO or
            device (the message names its path).
    """
    package = DataPackage(path)
    if package.archive is not None:
        raise DataError(f"{package.archive}: a release zip is read-only; apply the worksheet to a package folder")
    package_files(package.root, PACKAGE_PARTS, skip=SKIPPED)  # a link inside the package: refused before anything is read
    frames = load_all(package.root, verify=False)
    try:
        lines = read_worksheet(worksheet, package)
    except DataError as exc:
        return _refused([str(exc)])
    rows, problems = _rows(package, frames, lines)
    if problems:
        return _refused(problems)
    added = _assign_ids(package, frames, rows)
    with tempfile.TemporaryDirectory(prefix="painimmune-apply-") as folder:
        copy = _copy(package.root, Path(folder) / "package")
        copied = DataPackage(copy)
        for table in {row.table for row in rows}:
            _append(copied, table, [row for row in rows if row.table == table])
        output = io.StringIO()
        with contextlib.redirect_stdout(output), contextlib.redirect_stderr(output):
            status = build.main(["--root", str(copy)])
        report = validate(copy)
        found = report.problems if status == 0 else [p for p in report.problems if p.rule not in repaired_by_build()]
        notes = [line.removeprefix("note: ") for line in output.getvalue().splitlines() if line.startswith("note: ")] + report.notes
        if status != 0 or found:
            by_id = {(row.table, row.cells["id"]): row for row in rows}
            sentences = {(cells["source_id"], cells["text"]): number for number, cells in lines if cells["kind"] == SENTENCE}
            return _refused([_located(problem, by_id, sentences) for problem in found] or
                            [line for line in output.getvalue().splitlines() if line.strip()], notes)
        written = _write_back(copy, package.root)
    return Outcome(True, added, written, [], notes)


def read_worksheet(worksheet: str | Path, package: DataPackage) -> list[tuple[int, dict[str, str]]]:
    """The lines of a worksheet file as (line number, cells by column), cells as written.

    The file is UTF-8 (a byte-order mark, as spreadsheets write, is allowed), a CSV whose header
    holds each column of the worksheet of *package* (:func:`~painimmune.curate.worksheet.columns`)
    once and no other.

    Raises:
        DataError: the file is too large, not UTF-8, not well-formed CSV or its header is not a
            worksheet's (the message says which).
    """
    where = str(worksheet)
    data = read_bytes(Path(worksheet), "text", where)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataError(f"{where}: not UTF-8 (byte {exc.start}); save the worksheet as CSV UTF-8") from exc
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, [])
        lines = [(reader.line_num, cells) for cells in reader]
    except csv.Error as exc:
        raise DataError(f"{where}: line {reader.line_num}: malformed CSV ({exc})") from exc
    expected = worksheet_columns(package)
    missing = [column for column in expected if column not in header]
    extra = sorted({label for label in header if label not in expected} | {label for label in header if header.count(label) > 1})
    if missing or extra:
        said = [f"missing column(s) {', '.join(missing)}" if missing else "", f"unknown or repeated column(s) {', '.join(extra)}" if extra else ""]
        raise DataError(f"{where}: line 1: not a worksheet header: {'; '.join(s for s in said if s)}")
    result = []
    for number, cells in lines:
        if not any(cell.strip() for cell in cells):
            continue  # a blank line, as spreadsheets leave
        if len(cells) != len(header):
            raise DataError(f"{where}: line {number}: {len(cells)} cells, the header has {len(header)}")
        result.append((number, dict(zip(header, cells, strict=False))))
    return result


def _refused(problems: list[str], notes: list[str] | None = None) -> Outcome:
    return Outcome(False, problems=[*problems, "refused: nothing was changed"], notes=notes or [])


def _rows(package: DataPackage, frames: dict[str, pd.DataFrame], lines: list[tuple[int, dict[str, str]]]) -> tuple[list[_Row], list[str]]:
    """The rows the worksheet accepts, and every problem of its lines."""
    texts, _ = source_texts(package, frames["sources"], [])
    joins = relationship_tables(package)
    rows: list[_Row] = []
    problems: list[str] = []
    for number, raw in lines:
        found: list[str] = []

        def fault(column: str, message: str, found: list[str] = found, number: int = number) -> None:
            found.append(f"line {number}, column {column}: {message}")

        cells = _cells(raw, fault)
        kind, decision = cells["kind"], raw["decision"]  # the decision as written: 'Accept' or ' accept' is no decision
        if kind not in DECISIONS:
            fault("kind", f"{kind!r} is not a kind of worksheet line ({', '.join(DECISIONS)})")
        elif decision not in DECISIONS[kind]:
            fault("decision", f"{decision!r}: a {kind} line {_takes(kind)}")
        elif decision in (ACCEPT, NOT_ENCODED_DECISION):
            if cells["source_id"] not in texts:
                fault("source_id", f"{cells['source_id']!r} is no document of tables/sources.csv with its text in sources/")
            elif kind == CANDIDATE:
                row = _candidate(package, frames, joins, number, cells, fault)
                if row:
                    rows.append(row)
            else:
                rows.append(_passage_row(package, number, cells, fault))
        problems += found
    for row in rows:
        problems += _values(package, frames, row)
        problems += _pinned(row, texts)
        if row.table == NOT_ENCODED:
            _record_passage(row, texts)
    seen: dict[tuple[str, ...], int] = {}
    for row in rows:
        key = (row.table, *(value for column, value in sorted(row.cells.items()) if column != "id"))
        if key in seen:
            problems.append(f"line {row.line}, column decision: the same row as line {seen[key]}")
        seen.setdefault(key, row.line)
    if not rows and not problems:
        problems.append("the worksheet accepts no candidate and marks no sentence 'not encoded': nothing to apply")
    return rows, problems


def _takes(kind: str) -> str:
    """The decisions a line of *kind* takes, in words: each exactly as written, or none."""
    values = [repr(value) for value in DECISIONS[kind] if value]
    if not values:
        return "takes no decision: leave it empty"
    return f"takes {' or '.join(values)}, exactly so (lower case, no space around it), or is left empty"


def _cells(raw: dict[str, str], fault: Callable[[str, str], None]) -> dict[str, str]:
    """The cells of one worksheet line, unescaped and stripped; a cell a spreadsheet may have run as
    a formula, or holding a character that does not show, is a fault."""
    cells = {}
    for column, cell in raw.items():
        if spreadsheet_cell(cell) != cell:
            fault(column, f"begins with {cell[:1]!r}: a spreadsheet may have run it as a formula; reword it so that it does not "
                          f"begin with {csvio.FORMULA_START_WORDS}")
        invisible = characters.refusal(cell)
        if invisible:
            fault(column, invisible)
        cells[column] = spreadsheet_unescape(cell).strip()
    return cells


def _candidate(package: DataPackage, frames: dict[str, pd.DataFrame], joins: dict[str, AssertionColumns], number: int,
               cells: dict[str, str], fault: Callable[[str, str], None]) -> _Row | None:
    """The row an accepted candidate line gives its table, or None (with faults) when its table or
    ends cannot be told."""
    table = cells["table"]
    if table not in joins:
        fault("table", f"{table!r} is not a relationship table ({', '.join(joins)})")
        return None
    roles = joins[table]
    subject_table = entity_type(package, table, roles.subject)
    if cells["subject"] not in set(frames[subject_table]["id"]):
        fault("subject", f"{cells['subject']!r} is no id of {subject_table}")
        return None
    holders = [column for column in roles.objects if cells["object"] in set(frames[entity_type(package, table, column)]["id"])]
    if len(holders) != 1:
        tables = " or ".join(entity_type(package, table, column) for column in (holders or roles.objects))
        said = "is no id of" if not holders else "is an id of both"
        fault("object", f"{cells['object']!r} {said} {tables}")
        return None
    columns = {}
    values = {}
    for name in field_names(package.schema(table)):
        if name == roles.subject:
            columns[name], values[name] = "subject", cells["subject"]
        elif name == roles.predicate:
            columns[name], values[name] = "relation", cells["relation"]
        elif name in roles.objects:
            columns[name], values[name] = "object", cells["object"] if name == holders[0] else ""
        else:
            columns[name] = RENAMED.get(name, name)
            values[name] = cells.get(columns[name], "")
    return _Row(number, table, values, columns)


def _passage_row(package: DataPackage, number: int, cells: dict[str, str], fault: Callable[[str, str], None]) -> _Row:
    """The not_encoded row of a sentence line marked 'not encoded'. Its passage's words (``text`` at
    ``start``, which the curator may widen) are held as ``quote`` only to be pinned and recorded
    (:func:`_record_passage`): the table keeps their place, length, sha256 and opening, not the words."""
    columns = {name: NOT_ENCODED_RENAMED.get(name, RENAMED.get(name, name)) for name in field_names(package.schema(NOT_ENCODED))
               if name not in PASSAGE_RECORD}
    if not cells.get(RENAMED["quote"]):
        fault(RENAMED["quote"], "required; fill it in")
    row = _Row(number, NOT_ENCODED, {name: cells.get(column, "") for name, column in columns.items()}, columns)
    row.cells["quote"], row.columns["quote"] = cells.get(RENAMED["quote"], ""), RENAMED["quote"]
    return row


def _record_passage(row: _Row, texts: dict[str, str]) -> None:
    """Fill in the length, sha256 and opening of a not_encoded *row* from the passage its words
    occupy in the source text (nothing when they do not lie there: :func:`_pinned` says so)."""
    source, quote, start = row.cells["source_id"], row.cells["quote"], row.cells["quote_start"]
    found = span(quote, texts[source], int(start)) if source in texts and quote and _INTEGER.fullmatch(start or "x") else None
    if found:
        passage = Passage.of(texts[source], *found)
        row.cells.update(length=str(passage.length), sha256=passage.sha256, opening=passage.opening)


def _values(package: DataPackage, frames: dict[str, pd.DataFrame], row: _Row) -> list[str]:
    """Each cell of *row* against its table's schema: required, integer, allowed values and foreign keys."""
    schema = package.schema(row.table)
    keys = {column: set(frames[resource][target].astype(str)) for column, resource, target in foreign_keys(schema)}
    problems = []
    for entry in schema["fields"]:
        name = entry["name"]
        if name == "id" or name not in row.columns:
            continue
        value, where = row.cells[name], f"line {row.line}, column {row.columns[name]}"
        if not value:
            if is_required(entry) and row.columns[name] != "object":  # (the object's column is filled by construction)
                problems.append(f"{where}: required; fill it in")
            continue
        items = value.split(list_delimiter(entry)) if entry.get("type") == "list" else [value]
        allowed = enum(entry)
        for item in items:
            if entry.get("type") == "integer" and not _INTEGER.fullmatch(item):
                problems.append(f"{where}: {item!r} is not a whole number")
            elif allowed is not None and item not in allowed:
                problems.append(f"{where}: {item!r} is not one of {', '.join(allowed)}")
            elif name in keys and item not in keys[name]:
                problems.append(f"{where}: {item!r} is no id of {next(r for c, r, _ in foreign_keys(schema) if c == name)}")
    return problems


def _pinned(row: _Row, texts: dict[str, str]) -> list[str]:
    """Whether the row's quote lies in its source at its start (as validation will check)."""
    source, quote, start = row.cells["source_id"], row.cells["quote"], row.cells["quote_start"]
    if source not in texts or not quote or not _INTEGER.fullmatch(start or "x"):
        return []  # reported as a missing or malformed cell
    if span(quote, texts[source], int(start)):
        return []
    elsewhere = starts(quote, texts[source])
    if elsewhere:
        return [f"line {row.line}, column {row.columns['quote_start']}: the quote begins at "
                f"{', '.join(map(str, elsewhere[:3]))} in sources/{source}.txt, not at {start}"]
    return [f"line {row.line}, column {row.columns['quote']}: the quote occurs nowhere in sources/{source}.txt"]


def id_format(package: DataPackage, table: str, ids: list[str]) -> tuple[str, int]:
    """The prefix and zero-padded width of the ids of *table*: the ``idPrefix`` of a relationship
    table's ``assertion`` (else the letters of the id's pattern), and the width of its widest id
    (else the pattern's least number of digits).

    Raises:
        DataError: the schema says neither.
    """
    schema = package.schema(table)
    pattern = next((entry.get("constraints", {}).get("pattern", "") for entry in schema["fields"] if entry["name"] == "id"), "")
    matched = _ID_PATTERN.match(pattern)
    if table_role(schema) == "relationship":
        prefix = schema["assertion"]["idPrefix"]
    elif matched:
        prefix = matched.group(1)
    else:
        raise DataError(f"{table}: its Table Schema gives no id prefix (idPrefix or an id pattern such as ^ne[0-9]{{4,}}$)")
    widths = [len(value) - len(prefix) for value in ids if value.startswith(prefix) and value[len(prefix):].isdigit()]
    return prefix, max(widths, default=int(matched.group(2)) if matched else 4)


def _assign_ids(package: DataPackage, frames: dict[str, pd.DataFrame], rows: list[_Row]) -> dict[str, list[str]]:
    """Give each row the next id of its table (after every id of the table and of the withdrawn rows)."""
    withdrawn = list(frames[WITHDRAWN]["id"]) if WITHDRAWN in frames else []
    added: dict[str, list[str]] = {}
    for table in dict.fromkeys(row.table for row in rows):
        ids = list(frames[table]["id"])
        prefix, width = id_format(package, table, ids)
        numbers = [int(value[len(prefix):]) for value in [*ids, *withdrawn] if value.startswith(prefix) and value[len(prefix):].isdigit()]
        following = max(numbers, default=0) + 1
        for row in (row for row in rows if row.table == table):
            row.cells["id"] = f"{prefix}{following:0{width}d}"
            added.setdefault(table, []).append(row.cells["id"])
            following += 1
    return added


def _copy(root: Path, target: Path) -> Path:
    """A copy of the package's files (:data:`PACKAGE_PARTS`, those that exist) at *target*; links refused, never followed."""
    copy_package(root, target, PACKAGE_PARTS, skip=SKIPPED)
    return target


def _append(package: DataPackage, table: str, rows: list[_Row]) -> None:
    """Append *rows* to *table* of the (copied) *package*; the build sorts them into place."""
    path = package.table_path(table)
    header, existing = csvio.parse(csvio.decode(path.read_bytes(), table), table)
    path.write_bytes(csvio.format_rows(header, [*existing, *([row.cells.get(column, "") for column in header] for row in rows)]))


def _located(problem: Problem, by_id: dict[tuple[str, str], _Row], sentences: dict[tuple[str, str], int]) -> str:
    """A validation problem, named by worksheet line and column when it is about a new row or a
    sentence of the worksheet left unaccounted."""
    row = by_id.get((str(problem.table), str(problem.row)))
    if row is not None:
        return f"line {row.line}, column {row.columns.get(str(problem.column), problem.column)}: {problem.rule}: {problem.message}"
    sentence = sentences.get((str(problem.row), str(problem.value)))
    if problem.rule == "sentence-unaccounted" and sentence is not None:
        return (f"line {sentence}, column decision: {problem.rule}: no accepted candidate quotes this sentence and it is not "
                "marked 'not encoded'")
    return str(problem)


def _write_back(copy: Path, root: Path) -> list[str]:
    """Write every file of *copy* that differs from the package at *root* back into it; the paths written.

    Every target is checked before anything is written (a symbolic link standing for a folder is
    refused), each file is written atomically, and ``datapackage.json``, which records the hashes
    of the others, is written last: a failure part-way leaves a package whose descriptor still
    describes its old files, which validation reports, never a new descriptor over old tables.
    """
    folder = OutputFolder(root)
    changed = [relative for relative in package_files(copy, sorted(os.listdir(copy))) if _differs(copy / relative, root / relative)]
    changed.sort(key=lambda relative: relative == DESCRIPTOR)
    for relative in changed:
        folder.check(relative)
    for relative in changed:
        folder.write_bytes(relative, (copy / relative).read_bytes())
    return changed


def _differs(new: Path, old: Path) -> bool:
    """Whether the file *new* differs from *old*; *old* that is not a regular file (missing, or a
    link, which the write replaces) always differs and is never read."""
    try:
        if not stat.S_ISREG(old.lstat().st_mode):
            return True
    except OSError:  # missing, or a file on the way: the write's own check names it
        return True
    return old.read_bytes() != new.read_bytes()
