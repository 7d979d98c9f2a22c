"""Listing and copying the files of a package without following symbolic links.

Every copy of a package goes through here: ``curate apply``'s working copy
(:mod:`painimmune.curate.apply`), the data zip of the release and of the website
(:func:`painimmune.export.archive.data_members`), and the release's check of what it ships. A
symbolic link anywhere in what is copied is refused by its path before anything is read (a link to
a large folder would copy that folder, a link loop would never end), and so is a FIFO, socket or
device (opening one may block for ever).

``shutil.copytree`` either follows links or copies them as links, and reports its failures as one
``shutil.Error`` listing many; neither suits a copy that must refuse a link in one line. Hence the
walk below (``os.walk``, links not followed) and a copy file by file (``shutil.copy2``).

>>> import tempfile, pathlib
>>> root = pathlib.Path(tempfile.mkdtemp())
>>> (root / "tables").mkdir()
>>> (root / "tables" / "a.csv").write_text("id\\n")
3
>>> package_files(root, ["datapackage.json", "tables"])
['tables/a.csv']
>>> (root / "tables" / "loop").symlink_to("loop")
>>> package_files(root, ["tables"])
Traceback (most recent call last):
...
painimmune.errors.DataError: .../tables/loop: a symbolic link inside the package (to loop); refused: a copy of the package never follows links
"""

from __future__ import annotations

import os
import shutil
import stat
from collections.abc import Collection, Iterable, Iterator
from pathlib import Path, PurePosixPath

from painimmune.errors import DataError
from painimmune.package.files import MAX_ENTRIES


def package_files(root: Path, parts: Iterable[str], *, skip: Collection[str] = ()) -> list[str]:
    """The regular files of *parts* of the package at *root*, as relative POSIX paths, sorted.

    A part is a path relative to *root*: a file, or a folder whose files are all listed; a part
    that does not exist is left out, and so is any folder named in *skip* (such as
    ``__pycache__``).

    Raises:
        DataError: a symbolic link, FIFO, socket or device on the way to or inside a part, or a
            folder that cannot be read; the message names its path.
    """
    return sorted(relative for relative, is_folder in _walk(root, parts, skip) if not is_folder)


def copy_package(root: Path, target: Path, parts: Iterable[str], *, skip: Collection[str] = ()) -> list[str]:
    """Copy *parts* of the package at *root* into the folder *target* (which must not exist), every
    folder and regular file, never a link; returns the files copied (see :func:`package_files`).

    Nothing is read before every path has been checked.

    Raises:
        DataError: a link or special file in *parts* (nothing is copied), or a file that cannot be
            copied.
    """
    entries = sorted(_walk(root, parts, skip))
    target.mkdir(parents=True)
    for relative, is_folder in entries:
        destination = target / relative
        try:
            if is_folder:
                destination.mkdir(parents=True, exist_ok=True)
            else:
                destination.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(root / relative, destination, follow_symlinks=False)
        except OSError as exc:
            raise DataError(f"{root / relative}: cannot copy it: {exc.strerror or exc}") from exc
    return [relative for relative, is_folder in entries if not is_folder]


def _walk(root: Path, parts: Iterable[str], skip: Collection[str]) -> Iterator[tuple[str, bool]]:
    """(relative path, is a folder) of every folder and regular file of *parts*, links refused, at
    most :data:`~painimmune.package.files.MAX_ENTRIES` of them."""
    for count, entry in enumerate(_entries(root, parts, skip), start=1):
        if count > MAX_ENTRIES:
            raise DataError(f"{root}: the package holds more than {MAX_ENTRIES:,} files and folders; refused")
        yield entry


def _entries(root: Path, parts: Iterable[str], skip: Collection[str]) -> Iterator[tuple[str, bool]]:
    for part in parts:
        relative = PurePosixPath(part)
        if relative.is_absolute() or ".." in relative.parts:
            raise DataError(f"{part!r}: not a path inside the package")
        mode = None
        for depth in range(1, len(relative.parts) + 1):  # every folder on the way, then the part itself
            mode = _mode(root, PurePosixPath(*relative.parts[:depth]))
            if mode is None:
                break
        if mode is None:
            continue
        if stat.S_ISREG(mode):
            yield part, False
            continue
        yield part, True
        for current, folders, names in os.walk(root / part, onerror=_unreadable):
            base = PurePosixPath(Path(current).relative_to(root).as_posix())
            folders[:] = [name for name in folders if name not in skip]
            for name in [*folders, *names]:
                kind = _mode(root, base / name)
                if kind is not None:
                    yield (base / name).as_posix(), stat.S_ISDIR(kind)


def _mode(root: Path, relative: PurePosixPath) -> int | None:
    """The mode of *relative* inside *root* (None when missing): a folder or a regular file, else refused."""
    path = root / relative
    try:
        mode = path.lstat().st_mode
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise DataError(f"{path}: cannot read it: {exc.strerror}") from exc
    if stat.S_ISLNK(mode):
        raise DataError(f"{path}: a symbolic link inside the package (to {os.readlink(path)}); refused: a copy of the "
                        "package never follows links")
    if not (stat.S_ISDIR(mode) or stat.S_ISREG(mode)):
        raise DataError(f"{path}: neither a file nor a folder (a FIFO, socket or device) inside the package; refused")
    return mode


def _unreadable(error: OSError) -> None:
    raise DataError(f"{error.filename}: cannot read the folder: {error.strerror}")
