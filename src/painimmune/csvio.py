"""The package's one CSV dialect: UTF-8 without BOM, LF line ends, a header row, minimal quoting.

Reading is strict (a BOM, CRLF or non-UTF-8 bytes are errors, never silently fixed); writing is
canonical, so that a table read and written back is byte-identical.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from painimmune.errors import DataError

BOM = "\ufeff"


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


def parse(text: str) -> tuple[list[str], list[list[str]]]:
    """Split CSV *text* into its header and rows of strings (empty cells are empty strings)."""
    rows = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    if not rows:
        return [], []
    return rows[0], rows[1:]


def read_rows(path: Path) -> tuple[list[str], list[list[str]]]:
    """Header and rows of the CSV file at *path*, read strictly."""
    text = decode(path.read_bytes(), str(path))
    try:
        return parse(text)
    except csv.Error as exc:
        raise DataError(f"{path}: malformed CSV: {exc}") from exc


def format_rows(header: list[str], rows: list[list[str]]) -> bytes:
    """The canonical bytes of a table: minimal quoting, LF line ends, UTF-8."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")
