"""Where the extracted copy of a release zip lives, and for how long.

Every zip is read by the one reader, :class:`~painimmune.package.zipped.ReleaseZip`, which judges it
before a folder is even created. Its copy then lives in a new private temporary folder
(``painimmune-zip-*`` in the system's temporary folder, mode 0700) for one of two lifetimes:

- :func:`temporary_package`, a context: the copy is removed when the context ends. ``diff``
  compares two releases and keeps nothing.
- :func:`package_root`, for a zip given as a package path (``--path x.zip``,
  ``DataPackage("x.zip")``, ``load(name, path="x.zip")``): the zip is extracted once per process,
  the copy reused while the zip is unchanged (same file, size and modification time), and removed
  when the process ends (an :mod:`atexit` handler).

Why not a context the caller closes, for a package path: a :class:`DataPackage` is handed on by its
root folder (``load(name, package.root)``, the validators, the exporters, the website), and
``load(name, path)`` returns a frame, not a package; no caller can tell when the last reader of the
folder is done, and the end of the process is the one moment that is safe. A process killed
outright (SIGKILL, or SIGTERM without a handler) leaves its copy in the temporary folder, as any
temporary file.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from painimmune.package.locate import DESCRIPTOR
from painimmune.package.zipped import ReleaseZip

_LOCK = threading.Lock()
_COPIES: dict[tuple[object, ...], Path] = {}  # the zip (path and file stamp) -> the root of its copy
_FOLDERS: list[Path] = []  # every folder package_root() made, removed at exit


@contextmanager
def temporary_package(archive: Path) -> Iterator[Path]:
    """The root of the package of the zip *archive*, extracted into a new temporary folder that is
    removed, with everything in it, when the context ends.

    Raises:
        DataError: the zip is refused (nothing is written).
    """
    folder = _extract(archive)
    try:
        yield folder / "package"
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def package_root(archive: Path) -> Path:
    """The root of the package of the zip *archive*, extracted once per process (see the module
    docstring); the copy is removed when the process ends.

    Raises:
        DataError: the zip is refused (nothing is written).
    """
    before = _stamp(archive)
    with _LOCK:
        root = _COPIES.get(before)
        if root is not None and (root / DESCRIPTOR).is_file():
            return root
        folder = _extract(archive)
        _FOLDERS.append(folder)
        root = folder / "package"
        if _stamp(archive) == before:  # (a zip replaced while it was read is read again next time)
            _COPIES[before] = root
        return root


def _extract(archive: Path) -> Path:
    """A new temporary folder holding the package of *archive* in ``package``, made only once the
    zip has been judged; removed again if the extraction fails."""
    with ReleaseZip(archive) as release:
        folder = Path(tempfile.mkdtemp(prefix="painimmune-zip-"))
        try:
            release.extract(folder)
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
    return folder


def _stamp(archive: Path) -> tuple[object, ...]:
    info = os.stat(archive)
    return (str(archive.resolve()), info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns)


@atexit.register
def _remove_copies() -> None:
    """Remove every copy :func:`package_root` made (at the end of the process)."""
    with _LOCK:
        for folder in _FOLDERS:
            shutil.rmtree(folder, ignore_errors=True)
        _FOLDERS.clear()
        _COPIES.clear()
