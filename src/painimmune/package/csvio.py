"""The package's one CSV dialect: UTF-8 without BOM, LF line ends, a header row, minimal quoting.

Reading is strict (a BOM, CRLF or non-UTF-8 bytes are errors, never silently fixed); writing is
canonical, so that a table read and written back is byte-identical.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
from collections.abc import Iterator
from pathlib import Path

from painimmune.errors import DataError
from painimmune.package import files

BOM = "\ufeff"
# A cell beginning with one of these is run as a formula by a spreadsheet opening the CSV (or, for
# "|", as a DDE link): the validator refuses them (rule spreadsheet-formula) and the curation
# worksheet escapes them. Spreadsheets also honour the full-width (U+FF1D, U+FF0B, U+FF0D, U+FF20)
# and small (U+FE62, U+FE63, U+FE66, U+FE6B) forms of = + - @. An invisible character before any
# of them is refused by the invisible-character rule (painimmune.package.characters).
FORMULA_START = ("=", "+", "-", "@", "|", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20", "\ufe66", "\ufe62", "\ufe63",
                 "\ufe6b")
FORMULA_START_WORDS = "=, +, -, @, |, a tab or a carriage return (or a full-width or small form of one)"  # in messages
# The one text form of typed values: no sign on positives, no leading zeros, lower-case booleans.
# Anything else would not survive a load and write-back unchanged.
# An integer is ASCII digits without a leading zero or "-0", at most 15 of them: every such value is
# exact as a float64 and an int64, so each reader (pandas, Arrow, JSON) reads the same number.
TEXT_SYNTAX = {"integer": "0|-?[1-9][0-9]{0,14}", "boolean": "true|false"}
_INTEGER = re.compile(TEXT_SYNTAX["integer"])


def integer(text: str) -> int | None:
    """The integer *text* writes in the package's one form, or None when it writes none
    (``"٥"``, ``"+5"``, ``"05"``, ``"1_000"`` and 16 digits or more are none).

    >>> integer("858"), integer("8\u0665\u0668"), integer("-0")
    (858, None, None)
    """
    if text.isascii() and text.isdigit() and len(text) <= 15 and (text[0] != "0" or text == "0"):
        return int(text)  # (the common case, without the regular expression)
    return int(text) if _INTEGER.fullmatch(text) else None


def decode(data: bytes, where: str) -> str:
    """Decode *data* as strict UTF-8 without BOM and with LF line ends, or raise :class:`DataError`."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise DataError(f"{where}: not UTF-8 (byte {data[exc.start]:#04x} on line {line}); save the file as UTF-8") from exc
    if text.startswith(BOM):
        raise DataError(f"{where}: starts with a byte-order mark (BOM); save the file as UTF-8 without BOM")
    if "\r" in text:
        line = text[: text.index("\r")].count("\n") + 1
        raise DataError(f"{where}: carriage return (CRLF line end) on line {line}; use LF line ends")
    return text


def decode_for_checking(data: bytes) -> tuple[str, list[tuple[str, int, str]]]:
    """Decode *data* for validation: report faults of the file instead of stopping at the first.

    Returns the text with any BOM removed, CRLF turned into LF and undecodable bytes kept as
    surrogate escapes (so the cell holding them can be named), and the file's faults as
    (rule, line, message) triples.
    """
    text = data.decode("utf-8", errors="surrogateescape")
    faults = []
    if text.startswith(BOM):
        faults.append(("bom", 1, "the file starts with a byte-order mark (BOM); save it as UTF-8 without BOM"))
        text = text[1:]
    if "\r" in text:
        line = text[: text.index("\r")].count("\n") + 1
        faults.append(("crlf", line, "carriage return (CRLF line end) first on this line; use LF line ends"))
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text, faults


def parse(text: str, where: str) -> tuple[list[str], list[list[str]]]:
    """Split CSV *text* into its header and rows of strings (empty cells are empty strings).

    Raises:
        DataError: the text is not well-formed CSV (e.g. a quoted cell never closed); the message
            names *where* and the line.
    """
    reader = csv.reader(lines(text), strict=True)
    try:
        rows = list(reader)
    except csv.Error as exc:
        raise DataError(f"{where}: line {reader.line_num}: malformed CSV ({exc}); is the file truncated?") from exc
    if not rows:
        return [], []
    return rows[0], rows[1:]


def lines(text: str) -> Iterator[str]:
    """The lines of *text*, each with its line feed, one at a time: no copy of the whole text
    (``io.StringIO`` would hold one at four bytes per character)."""
    start = 0
    while True:
        end = text.find("\n", start)
        if end < 0:
            if start < len(text):
                yield text[start:]
            return
        yield text[start:end + 1]
        start = end + 1


def read_bytes(path: Path, where: str) -> bytes:
    """The bytes of the table file at *path* (a regular file within the table size limit), or a
    :class:`DataError` naming *where*."""
    return files.read_bytes(path, "table", where)


def is_formatted(header: list[str], rows: list[list[str]], data: bytes, chunk: int = 10_000) -> bool:
    """Whether *data* is exactly :func:`format_rows` of *header* and *rows*, compared a chunk of rows
    at a time, so that no second copy of a large table is made.

    Raises:
        UnicodeEncodeError: a cell holds text that cannot be encoded as UTF-8.
    """
    parts = itertools.chain([_format([header])], (_format(rows[start:start + chunk]) for start in range(0, len(rows), chunk)))
    offset = 0
    for part in parts:
        if data[offset:offset + len(part)] != part:
            return False
        offset += len(part)
    return offset == len(data)


def _format(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_MINIMAL).writerows(rows)
    return buffer.getvalue().encode("utf-8")


def format_rows(header: list[str], rows: list[list[str]]) -> bytes:
    """The canonical bytes of a table: minimal quoting, LF line ends, UTF-8."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def ragged_rows(header: list[str], rows: list[list[str]]) -> list[int]:
    """Positions of the rows whose number of cells differs from the header's (a truncated or mis-split row)."""
    width = len(header)
    return [position for position, row in enumerate(rows) if len(row) != width]


def line_of(position: int) -> int:
    """Line of the file holding data row *position* (0-based), the header being line 1."""
    return position + 2
