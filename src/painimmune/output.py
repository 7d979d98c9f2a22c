"""Writing output files safely: atomically, never through a symbolic link, nothing partial on failure.

Exports, release artefacts, the website and the build write through :class:`OutputFolder`. Each
file is written to a temporary file beside its target and renamed into place, so a reader (or a
second export into the same folder) sees the old file or the new one, never half of one; a failure
removes the temporary file and leaves the target as it was. A rename replaces a symbolic link that
stands where the file goes, and never writes to what the link points at; a symbolic link standing
for a folder inside the output folder is refused.

>>> import tempfile, pathlib
>>> folder = OutputFolder(pathlib.Path(tempfile.mkdtemp()))
>>> folder.write_bytes("a/b.txt", b"hello").read_bytes()
b'hello'
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from painimmune.errors import DataError


class OutputFolder:
    """A folder that files are written into, each atomically."""

    def __init__(self, folder: str | Path) -> None:
        """Use (and create) *folder*.

        Raises:
            DataError: *folder* exists and is not a folder, or cannot be created.
        """
        path = Path(folder)
        if path.exists() and not path.is_dir():
            raise DataError(f"{path}: not a folder; give a folder to write into")
        try:
            path.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise DataError(f"{path}: cannot create the folder: {exc.strerror}") from exc
        self.root = path

    def target(self, relative: str) -> Path:
        """Where *relative* is written, its folders created; a folder on the way that is a symbolic
        link, or a path leading outside the output folder, is refused."""
        return self._place(relative, create=True)

    def check(self, relative: str) -> Path:
        """Where *relative* would be written, refused as :meth:`target` refuses it, creating
        nothing: a writer that writes many files checks every place first."""
        return self._place(relative, create=False)

    def _place(self, relative: str, create: bool) -> Path:
        parts = Path(relative).parts
        if not parts or Path(relative).is_absolute() or ".." in parts:
            raise DataError(f"{relative!r}: not a path inside the output folder")
        folder = self.root
        for part in parts[:-1]:
            folder = folder / part
            if folder.is_symlink():
                raise DataError(f"{folder}: a symbolic link stands where an output folder goes; refused")
            if folder.exists() and not folder.is_dir():
                raise DataError(f"{folder}: not a folder; refused")
            if create:
                folder.mkdir(exist_ok=True)
        target = self.root.joinpath(*parts)
        if target.is_dir() and not target.is_symlink():
            raise DataError(f"{target}: a folder stands where an output file goes; refused")
        return target

    @contextmanager
    def writing(self, relative: str) -> Iterator[Path]:
        """A temporary path to write *relative* to; renamed into place when the block ends without
        an exception, removed when it raises."""
        target = self.target(relative)
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
        os.close(handle)
        temp = Path(temporary)
        try:
            yield temp
            temp.chmod(0o644)  # (mkstemp makes files private)
            os.replace(temp, target)
        except BaseException:
            temp.unlink(missing_ok=True)
            raise

    def write_bytes(self, relative: str, data: bytes) -> Path:
        """Write *data* to *relative* atomically; returns the file written."""
        with self.writing(relative) as temp:
            temp.write_bytes(data)
        return self.target(relative)

    def write_text(self, relative: str, text: str) -> Path:
        """Write *text* (UTF-8) to *relative* atomically; returns the file written."""
        return self.write_bytes(relative, text.encode("utf-8"))
