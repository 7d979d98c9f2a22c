"""Find the data package: a source checkout, a directory or release data zip given by the user, or the installed copy."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path
from typing import Any

from painimmune.errors import PackageNotFoundError

DESCRIPTOR = "datapackage.json"
_MODULE_DIR = Path(__file__).resolve().parent.parent  # src/painimmune
_INSTALLED_DATA = _MODULE_DIR / "_data"


def _checkout_root() -> Path | None:
    """The repository root when this module runs from a source checkout (``src/painimmune``)."""
    root = _MODULE_DIR.parent.parent
    if _MODULE_DIR.parent.name == "src" and (root / DESCRIPTOR).is_file():
        return root
    return None


def default_root() -> Path:
    """Directory holding the package's ``datapackage.json``.

    A source checkout wins over the copy inside an installed wheel, so that an editable install
    never serves stale data.
    """
    root = _checkout_root()
    if root is not None:
        return root
    if (_INSTALLED_DATA / DESCRIPTOR).is_file():
        return _INSTALLED_DATA
    raise PackageNotFoundError(f"painimmune's data is missing: no {DESCRIPTOR} in {_INSTALLED_DATA}")


def as_path(path: Any) -> Path:
    """*path* (a string or path) as a :class:`~pathlib.Path` that the file system can look up.

    Raises:
        PackageNotFoundError: *path* is not a string or path, holds a NUL or a character the file
            system cannot name (such as a lone surrogate), or cannot be looked up (a name too long, a
            loop of symbolic links, no permission).
    """
    if not isinstance(path, (str, os.PathLike)):
        raise PackageNotFoundError(f"{path!r}: not a path (give a package folder, its {DESCRIPTOR} or a release data zip)")
    given = Path(path)
    try:
        os.fsencode(given)
    except UnicodeError:
        raise PackageNotFoundError(f"{str(given)!r}: not a path the file system can name") from None
    if "\x00" in str(given):
        raise PackageNotFoundError(f"{str(given)!r}: a path cannot hold a NUL character")
    try:
        given.stat()
    except (FileNotFoundError, NotADirectoryError):
        pass  # nothing there: the caller says so
    except OSError as exc:  # a name too long, a loop of links, no permission
        raise PackageNotFoundError(f"{shown(given)}: cannot be looked up ({exc.strerror or exc})") from None
    return given


def shown(path: Path, limit: int = 300) -> str:
    """*path* as a message shows it: cut after *limit* characters."""
    text = str(path)
    return text if len(text) <= limit else f"{text[:limit]}... ({len(text):,} characters)"


def release_zip(path: str | Path | None) -> Path | None:
    """*path* when it names a release data zip: a file other than ``datapackage.json`` that is a zip,
    or is named ``*.zip`` (so that a broken one is refused as a corrupt zip); None otherwise."""
    if path is None:
        return None
    given = as_path(path)
    if given.name == DESCRIPTOR or not given.is_file():
        return None
    return given if given.suffix.lower() == ".zip" or zipfile.is_zipfile(given) else None


def resolve_root(path: str | Path | None = None) -> Path:
    """Directory of the data package at *path* (a directory, a ``datapackage.json`` or a release
    data zip), or the default one.

    A zip is judged and extracted by :mod:`painimmune.package.zipped`, once per process, into a
    temporary folder removed when the process ends (:func:`painimmune.package.extracted.package_root`).

    Raises:
        PackageNotFoundError: there is no package at *path*, or *path* is not a path.
        DataError: *path* is a zip that is refused (the message names the zip, the member and why).
    """
    if path is None:
        return default_root()
    given = as_path(path)
    archive = release_zip(given)
    if archive is not None:
        from painimmune.package.extracted import package_root  # (the zip reader imports this module)

        return package_root(archive)
    if given.name == DESCRIPTOR and (given.is_file() or given.is_symlink()):
        given = given.parent  # the descriptor names its folder: judged as the folder is
    if given.is_dir():
        descriptor = given / DESCRIPTOR
        if descriptor.is_symlink():
            raise PackageNotFoundError(f"{descriptor}: a symbolic link; a package holds its {DESCRIPTOR}, never a link to one")
        if not descriptor.is_file():
            raise PackageNotFoundError(f"{given}: directory has no {DESCRIPTOR}")
        return given.resolve()
    if given.is_file():
        raise PackageNotFoundError(f"{given}: expected a directory, a {DESCRIPTOR} file or a release data zip")
    if given.exists():
        raise PackageNotFoundError(f"{given}: not a directory, a {DESCRIPTOR} file or a release data zip (a FIFO or device?)")
    raise PackageNotFoundError(f"{given}: no such file or directory")
