"""Reading a table into a frame of strings, in bounded memory: what loading and validation share.

A table is read into a :class:`pandas.DataFrame` of pandas' default string dtype (``str``: backed by
Arrow where pyarrow is installed), empty cells missing, in one of two ways:

- **A table in the package's one CSV dialect** (:func:`painimmune.package.csvio.format_rows`: UTF-8,
  LF, minimal quoting, no BOM) is parsed by Arrow's CSV reader, and then proven to be in that
  dialect: its cells, written back a batch of rows at a time, are the file's bytes exactly. For
  such a file Arrow's parse and Python's ``csv`` module's are the same cells, since the module reads
  back what it writes. Every table the build writes is in the dialect, so this is the path of
  every published table, and no Python object is made per cell.
- **Any other file** (a hand edit, a spreadsheet's export, a damaged file, or pyarrow missing) is
  read as before, by the ``csv`` module in strict mode, with every fault of the file kept (BOM,
  CRLF, bytes that are not UTF-8, malformed CSV, rows of the wrong length) - but a block of lines
  and a batch of rows at a time, each batch turned into Arrow arrays before the next is read.

Either way the memory held is that of the frame (with pyarrow: about the size of the cells, plus 8
bytes per cell for Arrow's offsets) and the file's bytes while it is read, never a decoded copy of
the whole text nor a Python object per cell (``benchmarks/results.md`` measures it). Without
pyarrow the columns are Python strings: correct, but several times larger.

What can stream and what needs a table whole: the file's faults, the row count, the canonical
dialect and every check of one cell (types, patterns, enums, lengths, whitespace, characters) are
checked a batch at a time or column by column. Uniqueness (``unique``, ``unique-key``, primary
keys), sort order (``not-normalised``), foreign keys, and every package rule that relates rows
(grounding, sentence accounting, entity and source use, hierarchy, cited references) need whole
tables, and all tables at once; this is why validation holds every table's frame together, and
why :data:`painimmune.package.files.TABLES_LIMIT` bounds their sum.
"""

from __future__ import annotations

import csv
import hashlib
import io
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
import pandas as pd

from painimmune.errors import DataError
from painimmune.package import csvio, files

# pandas' default string dtype: Arrow-backed where pyarrow is installed, Python strings otherwise.
# The validators read missing cells as NaN, as in every frame pandas reads (a comparison with one is
# False); a table loaded for users holds pd.NA, as pandas' other nullable types do (the strict
# readers, :func:`read_file_strict` and :func:`read_strict`).
TEXT = pd.StringDtype(na_value=np.nan)
LOADED_TEXT = pd.StringDtype(na_value=pd.NA)
BATCH_ROWS = 10_000  # rows parsed, checked or written back at a time
BLOCK_BYTES = 1 << 20  # bytes decoded at a time (cut after a line feed)
# Bytes Arrow parses at a time, on one thread: about a sixteenth of the file, from 1 to 16 MiB. A
# small file is parsed in little working memory, a large one in fewer, larger buffers, which leaves
# less memory held by the allocator once it is read (measured, benchmarks/results.md).
ARROW_BLOCK_BYTES = (1 << 20, 1 << 24)
UNDECODED = re.compile("[\udc80-\udcff]")  # bytes that were not UTF-8, kept as surrogate escapes


@dataclass
class TableText:
    """A table as found on disk: its rows as a frame of strings, and what is wrong with the file.

    Attributes:
        size: the file's size in bytes.
        faults: (rule, line, message) of the file itself: ``bom``, ``crlf``.
        header: the first row.
        rows: how many rows follow the header (complete or not).
        frame: the complete rows (as many cells as the header), empty cells missing, indexed 0, 1, ...
            in file order; cells holding bytes that were not UTF-8 have them replaced by U+FFFD.
        ragged: (position among all rows, cells) of each row whose length differs from the header's.
        undecoded: the cells, as read, of each row of *frame* (by its index) that holds bytes that
            were not UTF-8 (as surrogate escapes).
        formatted: whether the bytes are exactly the package's CSV dialect written from the header and
            rows (None when a cell holds bytes that were not UTF-8, which the dialect cannot write).
        in_order: whether the rows are sorted by the key columns asked for, compared as Python compares
            strings (None when none was asked for, or one is not in the header, or a row is too short
            to hold it).
        digest: the hex digest of the file's bytes by the hash algorithm asked for (None when none was).
        error: why the file could not be parsed, if it could not (reading for validation).
    """

    size: int
    faults: list[tuple[str, int, str]] = field(default_factory=list)
    header: list[str] = field(default_factory=list)
    rows: int = 0
    frame: pd.DataFrame = field(default_factory=pd.DataFrame)
    ragged: list[tuple[int, list[str]]] = field(default_factory=list)
    undecoded: dict[int, list[str]] = field(default_factory=dict)
    formatted: bool | None = None
    in_order: bool | None = None
    digest: str | None = None
    error: DataError | None = None


def read_file(path: Path, where: str, key: list[str] | None = None, algorithm: str | None = None) -> TableText:
    """Read the table file at *path*, keeping every fault of the file (for validation): whether its
    rows are sorted by the columns *key*, and its digest by the hash *algorithm* (``sha256``...).
    A file in the package's dialect is read a block at a time, never whole; any other file is read
    whole, then parsed a batch of rows at a time. If it is not well-formed CSV, :attr:`TableText.error`
    says why.

    Raises:
        DataError: the file is missing, is not a regular file or is over the size limit for tables.
    """
    with files.open_file(path, "table", where) as handle:
        table = _read_in_dialect(handle, key or [], algorithm)
        if table is not None:
            return table
        handle.seek(0)
        data = handle.read()
    try:
        table = _read_with_csv(data, where, key or [])
    except DataError as exc:
        table = TableText(size=len(data), error=exc)
    table.digest = hashlib.new(algorithm, data).hexdigest() if algorithm else None
    return table


def read_file_strict(handle: BinaryIO, where: str, algorithm: str | None = None) -> TableText:
    """Read the table file open as *handle* (:func:`painimmune.package.files.open_file`), refusing
    any fault of the file, as :func:`painimmune.package.csvio.decode` and
    :func:`painimmune.package.csvio.parse` refuse them (for loading: the first fault is the error),
    with its digest by the hash *algorithm*.

    Raises:
        DataError: the file cannot be read, is over the size limit, is not UTF-8, has a BOM or a
            carriage return, or is not well-formed CSV.
    """
    table = _read_in_dialect(handle, [], algorithm, LOADED_TEXT)
    if table is not None:
        return table
    handle.seek(0)
    data = handle.read()
    table = read_strict(data, where)
    table.digest = hashlib.new(algorithm, data).hexdigest() if algorithm else None
    return table


def file_digest(handle: BinaryIO, algorithm: str) -> str:
    """The hex digest of the whole file open as *handle* by the hash *algorithm*, read a block at a time."""
    handle.seek(0)
    digest = hashlib.new(algorithm)
    for block in iter(lambda: handle.read(BLOCK_BYTES), b""):
        digest.update(block)
    return digest.hexdigest()


def read_text(data: bytes, where: str, key: list[str] | None = None) -> TableText:
    """Read the table whose file holds *data* (as :func:`read_file` reads a file, its parse errors
    raised).

    Raises:
        DataError: the file is not well-formed CSV (e.g. a quoted cell never closed); the message
            names *where* and the line.
    """
    return _read_in_dialect(io.BytesIO(data), key or [], None) or _read_with_csv(data, where, key or [])


def read_strict(data: bytes, where: str) -> TableText:
    """Read the table whose file holds *data*, refusing any fault of the file (as :func:`read_file_strict`).

    Raises:
        DataError: the file is not UTF-8, has a BOM or a carriage return, or is not well-formed CSV.
    """
    table = _read_in_dialect(io.BytesIO(data), [], None, LOADED_TEXT)
    if table is not None:
        return table
    _check_decodable(data, where)
    return _read_with_csv(data, where, [], LOADED_TEXT)


def _check_decodable(data: bytes, where: str) -> None:
    """Raise what :func:`painimmune.package.csvio.decode` raises for *data*, without decoding it whole."""
    for start, end in _blocks(data, 0):
        try:
            str(memoryview(data)[start:end], "utf-8")
        except UnicodeDecodeError as exc:
            position = start + exc.start
            line = data.count(b"\n", 0, position) + 1
            raise DataError(f"{where}: not UTF-8 (byte {data[position]:#04x} on line {line}); save the file as UTF-8") from exc
    if data.startswith(csvio.BOM.encode("utf-8")):
        raise DataError(f"{where}: starts with a byte-order mark (BOM); save the file as UTF-8 without BOM")
    if b"\r" in data:
        line = data.count(b"\n", 0, data.index(b"\r")) + 1
        raise DataError(f"{where}: carriage return (CRLF line end) on line {line}; use LF line ends")


def _blocks(data: bytes, start: int) -> Iterator[tuple[int, int]]:
    """(start, end) of consecutive blocks of *data* from *start*, of about :data:`BLOCK_BYTES` each
    and each ending just after a line feed (but the last), so that no UTF-8 sequence and no line
    end is cut."""
    while start < len(data):
        end = data.find(b"\n", min(start + BLOCK_BYTES, len(data)) - 1)
        end = len(data) if end < 0 else end + 1
        yield start, end
        start = end


# --- the package's dialect, read by Arrow -----------------------------------------------------------


def _read_in_dialect(handle: BinaryIO, key: list[str], algorithm: str | None, strings: pd.StringDtype = TEXT) -> TableText | None:
    """The table in the file open as *handle*, if pyarrow is installed and the file is exactly the
    package's CSV dialect; else None. Arrow parses it, a block at a time; then one pass over its
    bytes compares them with the rows written back and, if *algorithm* is given, hashes them."""
    try:
        import pyarrow as pa
        import pyarrow.csv as pa_csv
    except ImportError:
        return None
    first_line = handle.readline()
    if not first_line.endswith(b"\n") or b'"' in first_line or b"\r" in first_line or first_line.startswith(csvio.BOM.encode("utf-8")):
        return None  # a header in quotes, a carriage return or a BOM: the csv module reads those
    try:
        header = first_line[:-1].decode("utf-8").split(",")
    except UnicodeDecodeError:
        return None
    if len(header) < 2 or len(set(header)) < len(header):
        return None  # (a one-column row of one empty cell is written "", and Arrow needs distinct names)
    string = pa.large_string()
    size = handle.seek(0, io.SEEK_END)
    if size == len(first_line):  # a header and no row
        in_order = True if key and set(key) <= set(header) else None
        return TableText(size=size, header=header, frame=_frame(header, [[] for _ in header], strings), formatted=True, in_order=in_order,
                         digest=hashlib.new(algorithm, first_line).hexdigest() if algorithm else None)
    handle.seek(len(first_line))
    try:
        table = pa_csv.read_csv(
            handle,
            read_options=pa_csv.ReadOptions(column_names=header, block_size=min(max(size // 16, ARROW_BLOCK_BYTES[0]), ARROW_BLOCK_BYTES[1]),
                                            use_threads=False),
            parse_options=pa_csv.ParseOptions(newlines_in_values=True, ignore_empty_lines=False),
            convert_options=pa_csv.ConvertOptions(column_types=dict.fromkeys(header, string), strings_can_be_null=True,
                                                  quoted_strings_can_be_null=True, null_values=[""], check_utf8=True))
    except (pa.ArrowException, ValueError):
        return None  # rows of the wrong length, bytes that are not UTF-8, a quote never closed...
    digest = hashlib.new(algorithm) if algorithm else None
    handle.seek(0)
    written_back = _writes_back(table, handle, digest)
    release_unused()  # the copies made to write it back
    if not written_back:
        return None
    in_order = _sorted(table, key) if key and set(key) <= set(header) else None
    frame = table.to_pandas(types_mapper={string: strings}.get)
    frame.columns = pd.Index(header)
    return TableText(size=size, header=header, rows=table.num_rows, frame=frame, formatted=True, in_order=in_order,
                     digest=digest.hexdigest() if digest else None)


def release_unused() -> None:
    """Return to the system the memory that Arrow's allocator holds but no array uses (after a step
    that made large temporary arrays), where pyarrow is installed."""
    try:
        import pyarrow as pa
    except ImportError:
        return
    pa.default_memory_pool().release_unused()


def _sorted(table: Any, key: list[str]) -> bool:
    """Whether the rows of the Arrow *table* are in order of the columns *key* (missing cells as
    empty strings): no row's key is less than the one before, compared column by column. Arrow
    compares the UTF-8 bytes, whose order is that of the code points, as Python compares strings."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if table.num_rows < 2:
        return True
    empty = pa.scalar("", pa.large_string())
    less = pa.array([False] * (table.num_rows - 1))
    equal = pa.array([True] * (table.num_rows - 1))
    for column in key:
        values = pc.fill_null(table.column(column), empty)
        current, previous = values.slice(1), values.slice(0, table.num_rows - 1)
        less = pc.or_(less, pc.and_(equal, pc.less(current, previous)))
        equal = pc.and_(equal, pc.equal(current, previous))
    return not pc.any(less).as_py()


def _writes_back(table: Any, handle: BinaryIO, digest: Any) -> bool:
    """Whether the bytes of the file open as *handle* (read from its start, and hashed into *digest*
    if given) are its header line, then the rows of the Arrow *table* written in the package's
    dialect: a cell holding a comma, a quote or a line feed in quotes (its quotes doubled), others
    as they are, missing cells empty, cells joined by commas, each row ending in a line feed; and
    hold no carriage return."""
    import pyarrow as pa
    import pyarrow.compute as pc

    def same(expected: Any) -> bool:
        found = handle.read(len(expected))
        if digest is not None:
            digest.update(found)
        return bool(found == expected) and b"\r" not in found

    header = handle.readline()  # (in the dialect: the caller read it)
    if digest is not None:
        digest.update(header)
    empty, quote, comma, line_feed = (pa.scalar(text, pa.large_string()) for text in ("", '"', ",", "\n"))
    missing_empty = pc.JoinOptions(null_handling="replace", null_replacement="")
    for start in range(0, table.num_rows, BATCH_ROWS):
        batch = table.slice(start, BATCH_ROWS)
        # Which cells need quotes, found for every column of the batch by one search (a search per
        # column costs more than the search itself in a small table); only columns holding such a
        # cell are quoted.
        rows = batch.num_rows
        everything = pa.chunked_array([chunk for values in batch.columns for chunk in values.chunks], pa.large_string())
        special = pc.fill_null(pc.match_substring_regex(everything, '[,"\n]'), False)
        quoting = special.to_numpy(zero_copy_only=False).reshape(len(batch.columns), rows).any(axis=1)
        cells = []
        for number, values in enumerate(batch.columns):
            if quoting[number]:
                quoted = pc.binary_join_element_wise(quote, pc.replace_substring(values, '"', '""'), quote, empty)
                values = pc.if_else(special.slice(number * rows, rows), quoted, values)
            cells.append(values)
        joined = pc.binary_join_element_wise(*cells, comma, options=missing_empty)
        lines = pc.binary_join_element_wise(joined, line_feed, empty).combine_chunks()
        offsets = np.frombuffer(lines.buffers()[1], dtype=np.int64)[lines.offset:lines.offset + len(lines) + 1]
        first, last = int(offsets[0]), int(offsets[-1])
        if not same(memoryview(lines.buffers()[2]).cast("B")[first:last] if last > first else b""):
            return False
    return handle.read(1) == b""


# --- any other file, read by the csv module ----------------------------------------------------------


def _read_with_csv(data: bytes, where: str, key: list[str], strings: pd.StringDtype = TEXT) -> TableText:
    """The table read by the ``csv`` module in strict mode, as the package always read its files:
    a BOM removed, CRLF and CR read as LF and bytes that are not UTF-8 kept as surrogate escapes, each
    reported as a fault; rows turned into column arrays a batch at a time."""
    table = TableText(size=len(data))
    bom = csvio.BOM.encode("utf-8")
    if data.startswith(bom):
        table.faults.append(("bom", 1, "the file starts with a byte-order mark (BOM); save it as UTF-8 without BOM"))
    if b"\r" in data:
        line = data.count(b"\n", 0, data.index(b"\r")) + 1
        table.faults.append(("crlf", line, "carriage return (CRLF line end) first on this line; use LF line ends"))
    undecoded = [False]  # whether a block held bytes that were not UTF-8
    reader = csv.reader(_lines(data, len(bom) if data.startswith(bom) else 0, undecoded), strict=True)
    columns: list[list[Any]] = []
    writer = _WriteBack(data)
    try:
        first = next(reader, None)
        if first is None:
            table.formatted = writer.finish()
            return table
        table.header = first
        writer.check([first])
        order = _Order(first, key)
        width = len(first)
        columns = [[] for _ in range(width)]
        kept = 0
        while True:
            batch = list(itertools.islice(reader, BATCH_ROWS))
            if not batch:
                break
            writer.check(batch)
            order.check(batch)
            complete = []
            for row in batch:
                if len(row) == width:
                    complete.append(row)
                else:
                    table.ragged.append((table.rows, row))
                table.rows += 1
            if undecoded[0]:
                complete = _replace_undecoded(complete, kept, table.undecoded)
            for column, values in zip(columns, _column_arrays(complete, width), strict=False):
                column.append(values)
            kept += len(complete)
    except csv.Error as exc:
        raise DataError(f"{where}: line {reader.line_num}: malformed CSV ({exc}); is the file truncated?") from exc
    table.formatted = writer.finish()
    table.in_order = order.in_order
    table.frame = _frame(table.header, columns, strings)
    return table


def _lines(data: bytes, start: int, undecoded: list[bool]) -> Iterator[str]:
    """The lines of *data* from *start*, decoded a block at a time (bytes that are not UTF-8 as
    surrogate escapes, noted in ``undecoded[0]``; CRLF and CR as LF), each with its line feed."""
    for begin, end in _blocks(data, start):
        text = str(memoryview(data)[begin:end], "utf-8", "surrogateescape")
        if not undecoded[0] and UNDECODED.search(text):
            undecoded[0] = True
        if "\r" in text:
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        yield from csvio.lines(text)


class _WriteBack:
    """Compares the rows read, a batch at a time, with the package's dialect written from them."""

    def __init__(self, data: bytes) -> None:
        self.view = memoryview(data)
        self.offset = 0
        self.same: bool | None = True  # False from the first difference; None once a cell cannot be written

    def check(self, rows: list[list[str]]) -> None:
        """Compare the next *rows*."""
        if not self.same:
            return
        try:
            written = csvio.format_rows(rows[0], rows[1:])
        except UnicodeEncodeError:
            self.same = None
            return
        if self.view[self.offset:self.offset + len(written)] != written:
            self.same = False
        self.offset += len(written)

    def finish(self) -> bool | None:
        """Whether every row was as written, and nothing followed them."""
        return self.same and self.offset == len(self.view)


class _Order:
    """Whether rows, read a batch at a time, are sorted by the columns *key* of *header*."""

    def __init__(self, header: list[str], key: list[str]) -> None:
        self.positions = [header.index(column) for column in key] if key and set(key) <= set(header) else []
        self.in_order: bool | None = True if self.positions else None
        self.previous: list[str] | None = None

    def check(self, rows: list[list[str]]) -> None:
        """Compare the keys of the next *rows*."""
        if not self.in_order:
            return
        for row in rows:
            if len(row) <= max(self.positions):
                self.in_order = None  # (a row cut short: the cell-count rule reports it)
                return
            current = [row[i] for i in self.positions]
            if self.previous is not None and current < self.previous:
                self.in_order = False
                return
            self.previous = current


def _replace_undecoded(rows: list[list[str]], first: int, found: dict[int, list[str]]) -> list[list[str]]:
    """*rows* (the frame's rows from index *first*) with bytes that were not UTF-8 replaced by U+FFFD
    (Arrow holds only UTF-8), each row holding such bytes kept as read in *found*."""
    replaced = []
    for index, row in enumerate(rows, start=first):
        if any(UNDECODED.search(cell) for cell in row):
            found[index] = row
            row = [UNDECODED.sub("\ufffd", cell) for cell in row]
        replaced.append(row)
    return replaced


def _column_arrays(rows: list[list[str]], width: int) -> list[Any]:
    """The columns of *rows* (each of *width* cells), empty cells missing: Arrow arrays where
    pyarrow is installed, lists of strings otherwise."""
    columns = list(zip(*rows, strict=False)) if rows else [() for _ in range(width)]
    try:
        import pyarrow as pa
        import pyarrow.compute as pc
    except ImportError:
        return [[cell if cell else None for cell in column] for column in columns]
    string = pa.large_string()
    arrays = []
    for column in columns:
        values = pa.array(column, type=string)
        arrays.append(pc.if_else(pc.equal(values, ""), pa.scalar(None, string), values))
    return arrays


def _frame(header: list[str], columns: list[list[Any]], strings: pd.StringDtype = TEXT) -> pd.DataFrame:
    """The frame of *columns* (each a list of batches from :func:`_column_arrays`) under *header*."""
    series = []
    for batches in columns:
        if batches and not isinstance(batches[0], list):
            import pyarrow as pa

            values: Any = pd.array(pa.chunked_array(batches, type=pa.large_string()), dtype=strings)
        else:
            values = pd.array([cell for batch in batches for cell in batch], dtype=strings)
        series.append(pd.Series(values, copy=False))
    frame = pd.concat(series, axis=1, ignore_index=True) if series else pd.DataFrame()
    if series:  # (labels holding bytes that were not UTF-8 cannot be Arrow strings: the header rule reports them)
        frame.columns = pd.Index(header, dtype=object if any(UNDECODED.search(label) for label in header) else None)
    return frame
