"""Opening a file of a package safely: inside the package, a regular file, within its size limit.

Every file of a package is reached through :func:`inside` (a relative path that stays inside the
package, whether through ``..`` or through a symbolic link) and read through :func:`read_bytes`
(a regular file, never a FIFO, device or directory, whose size is within the limit for its kind).
The limits are documented in the README's Security section and measured in ``benchmarks/``.

>>> import tempfile, pathlib
>>> root = pathlib.Path(tempfile.mkdtemp())
>>> inside(root, "../etc/passwd", "resource path")
Traceback (most recent call last):
...
painimmune.errors.DataError: resource path '../etc/passwd' leads outside the package; refused
"""

from __future__ import annotations

import io
import os
import stat
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO

from painimmune.errors import DataError

MIB = 1024 * 1024
# Size limits by kind of file; larger files are refused before they are read. benchmarks/limits.py
# measures what validating tables of these sizes takes (benchmarks/limits.md).
LIMITS = {
    "table": 256 * MIB,
    "json": 8 * MIB,  # datapackage.json, Table Schemas, shared field definitions
    "text": 16 * MIB,  # source texts, CITATION.cff, CHANGELOG.md, reference tables
}
# Validation holds every table in memory at once (foreign keys join them), at about 3.7 bytes of
# memory per byte of CSV above a base of about 150 MB (benchmarks/results.md): all tables together
# are limited so that it stays within about 2 GiB.
TABLES_LIMIT = 512 * MIB


def inside(root: Path, relative: object, what: str) -> Path:
    """The path *relative* names inside the package at *root* (the root resolved, then each part of
    *relative* looked at without following it).

    Raises:
        DataError: *relative* is not a non-empty relative path, is a URL or other remote reference,
            leads outside the package (through ``..``), passes through a symbolic link (a package
            holds none: a link, a loop of links or a link to a file inside alike), or cannot be
            looked up (a name too long, no permission); the message names *what* it is.
    """
    if not isinstance(relative, str) or not relative.strip():
        raise DataError(f"{what} must be a relative path inside the package, not {relative!r}")
    if "://" in relative or relative.startswith(("//", "\\\\")) or ":" in relative.split("/", 1)[0]:
        raise DataError(f"{what} {relative!r} is a remote or absolute reference; only files inside the package are read")
    if PurePosixPath(relative).is_absolute() or Path(relative).is_absolute() or "\x00" in relative:
        raise DataError(f"{what} {relative!r} is an absolute path; only files inside the package are read")
    try:
        base = root.resolve()
    except (OSError, RuntimeError) as exc:  # (Python 3.11 raises RuntimeError for a loop)
        raise DataError(f"{root}: the package folder cannot be looked up ({_why(exc)})") from None
    parts = PurePosixPath(relative).parts
    if ".." in parts:
        raise DataError(f"{what} {relative!r} leads outside the package; refused")
    path = base
    for part in parts:
        path = path / part
        try:
            mode = path.lstat().st_mode
        except FileNotFoundError:
            break  # missing: its reader reports it
        except OSError as exc:
            raise DataError(f"{what} {relative!r} cannot be looked up ({_why(exc)}); refused") from None
        if stat.S_ISLNK(mode):
            raise DataError(f"{what} {relative!r} is or passes through a symbolic link ({part}); a package holds no link; refused")
    return base.joinpath(*parts)


def _why(exc: BaseException) -> str:
    """An operating-system error in words, without the path it names (the message names it)."""
    return exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc).split(":", 1)[0]


def read_bytes(path: Path, kind: str, where: str) -> bytes:
    """The bytes of the regular file at *path*, at most ``LIMITS[kind]`` of them.

    Raises:
        DataError: the file is missing, is not a regular file (a FIFO, a device, a directory), is
            larger than the limit, or cannot be read; the message names *where*.
    """
    with open_file(path, kind, where) as handle:
        return handle.read()


def open_file(path: Path, kind: str, where: str) -> BinaryIO:
    """The regular file at *path*, open for reading, if it holds at most ``LIMITS[kind]`` bytes; a
    read past the limit (the file grew since it was measured) raises :class:`DataError`. For a file
    read a part at a time, never whole (a table, by :mod:`painimmune.package.reading`).

    Raises:
        DataError: the file is missing, is not a regular file (a FIFO, a device, a directory), is
            larger than the limit, or cannot be opened; the message names *where*.
    """
    limit = LIMITS[kind]
    try:
        info = os.stat(path)
    except FileNotFoundError as exc:
        raise DataError(f"{where}: file {path} is missing") from exc
    except OSError as exc:
        raise DataError(f"{where}: cannot read {path}: {exc.strerror}") from exc
    if not stat.S_ISREG(info.st_mode):
        raise DataError(f"{where}: {path} is not a regular file (a directory, FIFO or device); refused")
    if info.st_size > limit:
        raise DataError(f"{where}: {path} has {info.st_size:,} bytes, more than the limit of {limit:,} for a {kind} file; refused")
    try:
        raw = open(path, "rb", buffering=0)  # noqa: SIM115 (the caller closes it, through the reader)
    except OSError as exc:
        raise DataError(f"{where}: cannot read {path}: {exc.strerror}") from exc
    if not stat.S_ISREG(os.fstat(raw.fileno()).st_mode):  # replaced since it was measured
        raw.close()
        raise DataError(f"{where}: {path} is not a regular file (a directory, FIFO or device); refused")
    return io.BufferedReader(_Limited(raw, limit, f"{where}: {path}", kind))


class _Limited(io.RawIOBase):
    """A file (*label*: where and which, for messages) read at most *limit* bytes far: reading
    further raises :class:`DataError`."""

    def __init__(self, raw: io.FileIO, limit: int, label: str, kind: str) -> None:
        self.raw, self.limit, self.label, self.kind = raw, limit, label, kind

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        return self.raw.seek(offset, whence)

    def tell(self) -> int:
        return self.raw.tell()

    def readinto(self, buffer: Any) -> int:
        try:
            count = self.raw.readinto(buffer) or 0
        except OSError as exc:
            raise DataError(f"{self.label}: cannot read: {exc.strerror}") from exc
        if self.raw.tell() > self.limit:  # grew since it was measured
            raise DataError(f"{self.label} is larger than the limit of {self.limit:,} bytes for a {self.kind} file; refused")
        return count

    def close(self) -> None:
        self.raw.close()
        super().close()


def check_total_size(paths: dict[str, Path], limit: int = TABLES_LIMIT) -> None:
    """Refuse files (by name) whose sizes add up to more than *limit*, before any is read.

    Raises:
        DataError: together they hold more than *limit* bytes; the message names the largest.
    """
    sizes = {}
    for name, path in paths.items():
        try:
            sizes[name] = os.stat(path).st_size
        except OSError:
            sizes[name] = 0  # a missing or unreadable file is reported when it is read
    total = sum(sizes.values())
    if total > limit:
        largest = sorted(sizes, key=sizes.__getitem__, reverse=True)[:3]
        named = ", ".join(f"{name} ({sizes[name]:,} bytes)" for name in largest)
        raise DataError(f"the tables hold {total:,} bytes together, more than the limit of {limit:,}; refused (largest: {named})")


def read_text(path: Path, kind: str, where: str) -> str:
    """The text of the regular file at *path*: strict UTF-8 (see :func:`read_bytes` for the checks)."""
    data = read_bytes(path, kind, where)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise DataError(f"{where}: {path} is not UTF-8 (byte {data[exc.start]:#04x} on line {line})") from exc


# The parts of a package: the descriptor, the folders and the files its rules read. A symbolic link
# anywhere among them is refused (rule symbolic-link; painimmune.package.copying walks them without
# following any link).
PACKAGE_PARTS = ("datapackage.json", "tables", "schemas", "sources", "reference", "curation", "CITATION.cff", "CHANGELOG.md",
                 "croissant.json")
MAX_ENTRIES = 100_000  # files and folders looked at, at most, among the parts of a package
