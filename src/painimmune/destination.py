"""Where a command may write its output, and putting a whole output in place at once.

``painimmune site``, ``painimmune export``, ``painimmune curate worksheet`` and
``scripts/release.py`` check where they write here before they read or write anything else, and
the commands that write a folder write it through :class:`StagedOutput` (each file through
:class:`~painimmune.output.OutputFolder`).

An output folder is refused, in one line naming it and the reason, when it is (paths compared after
resolving symbolic links and ``..``):

- the file-system root or a system folder (:data:`SYSTEM_FOLDERS`: ``/bin``, ``/etc``, ``/tmp``,
  ``/usr`` and the folders directly inside it, ``/var`` and the folders directly inside it, the
  home folders ``/root`` and ``/home/*``, and the others listed there), or the user's home folder
  itself; a folder inside any of them (say ``~/site`` or ``/var/www/html``) is fine;
- the package being read, any folder inside it, or a folder holding it (an output never mixes
  with the package, nor the package with an output);
- a folder that is not empty and is not an earlier output of the same command. A command writes
  :data:`MARKER` into its output, naming the command and every file it wrote with its sha256; a
  folder is an earlier output of the command when its marker names that command and it holds
  nothing but the files the marker lists (and their folders), each as written (a file changed since,
  or one a forged marker names without its fingerprint, is refused). A symbolic link standing where
  a listed file was is removed, never followed. So painimmune never overwrites or removes a file it
  did not write.

A run's own temporary folders inside the output folder (see below) are no part of the output. Such a
folder is one painimmune made: a real folder named exactly :data:`STAGING_PREFIX` or
:data:`PREVIOUS_PREFIX` and 16 lowercase hexadecimal digits, holding :data:`RUN_MARKER` with the
text painimmune wrote into it when it made the folder (or empty: a run killed before it wrote the
marker). Any other entry, ``.painimmune-previous-mine/`` say, is the user's: it makes the folder
"not empty and not an earlier output", and is never removed.

:class:`StagedOutput` writes the output into a hidden staging folder inside the output folder and,
when every file is written, moves the earlier output aside, moves the new one into place and
removes the earlier one (with the files the new output no longer has). A failure part-way removes
the staging folder and leaves the earlier output as it was. A run's temporary folders left by a run
that was killed are removed by the next run into the folder. The output folder itself is kept, not
replaced, so its permissions, ownership and anyone's working directory in it survive, and it may be
a mount point or lie in a folder the user cannot write to. Two commands writing into one folder at
once take turns: each holds an advisory lock (``flock``) on the folder from its check to its last
move (on systems without ``flock`` they are not serialised).

A single output file (the worksheet) is checked by :func:`check_output_file`: not in a system
folder, not in the package, and an existing file there is replaced only when it is an earlier
output of the same kind.

The standard library has no all-or-nothing replacement of a folder's contents (``os.replace`` swaps
one file or an empty folder), hence the moves below; the temporary folders are made by
:func:`run_folder`.
"""

from __future__ import annotations

import contextlib
import glob
import hashlib
import json
import os
import re
import secrets
import shutil
import stat
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path, PurePosixPath
from types import TracebackType

from painimmune.errors import DataError, OutputRefused
from painimmune.output import OutputFolder

if sys.platform != "win32":
    import fcntl

MARKER = ".painimmune-output.json"
# The hidden folders a run makes inside the output folder while it writes (a prefix and 16 hexadecimal
# digits), each marked by RUN_MARKER holding RUN_MARKER_TEXT; one left by a run that was killed is
# removed by the next run into the folder. A folder not named and marked so is never removed.
STAGING_PREFIX = ".painimmune-staging-"
PREVIOUS_PREFIX = ".painimmune-previous-"
RUN_FOLDER_NAME = re.compile(rf"(?:{re.escape(STAGING_PREFIX)}|{re.escape(PREVIOUS_PREFIX)})[0-9a-f]{{16}}")
RUN_MARKER = ".painimmune-run"
RUN_MARKER_TEXT = b"painimmune: a temporary folder of a run writing this output folder; removed when the run ends\n"
# Folders no output is written into, as absolute path patterns (``*`` stands for one name): each
# is compared, and so is what each existing one resolves to (``/lib`` is ``/usr/lib`` on many
# systems, ``/tmp`` is ``/private/tmp`` on macOS). ``/root`` and ``/home/*`` are home folders,
# refused like the user's own (also under sudo, whose HOME may be another's); a folder inside
# any of them is fine. An output replaces the folder's contents, so ``/tmp`` itself is refused too.
SYSTEM_FOLDERS: tuple[str, ...] = (
    "/", "/bin", "/boot", "/dev", "/etc", "/home", "/home/*", "/lib", "/lib*", "/media", "/mnt", "/opt", "/proc", "/root",
    "/run", "/sbin", "/snap", "/srv", "/sys", "/tmp", "/usr", "/usr/*", "/var", "/var/*",
    "/Applications", "/Library", "/System", "/Users", "/Users/*", "/Volumes", "/private", "/private/*",  # macOS
)
MARKER_LIMIT = 16 * 1024 * 1024  # bytes: a marker listing every file of the largest output is far smaller


def check_output_folder(out: str | Path, command: str, package_root: Path | None, *, exempt: Iterable[Path] = ()) -> Path:
    """The resolved folder *out*, when *command* may write its output there (see the module docstring).

    *exempt* are folders inside the package that *command* may write into nonetheless (the release's
    ``dist``).

    Raises:
        OutputRefused: *out* is a system folder, the home folder, the package (or inside it or
            holding it), not a folder, or not empty and not an earlier output of *command*.
    """
    given = Path(out)
    check_output_place(given)
    folder = _resolved(given)
    if package_root is not None:
        root = package_root.resolve()
        if folder == root:
            raise OutputRefused(f"{given}: refused as an output folder: it is the package being read; outputs are never "
                                "written into the package")
        if folder.is_relative_to(root) and not any(folder.is_relative_to(place.resolve()) for place in exempt):
            raise OutputRefused(f"{given}: refused as an output folder: it lies inside the package being read ({root}); "
                                "outputs are never written into the package")
        if root.is_relative_to(folder):
            raise OutputRefused(f"{given}: refused as an output folder: it holds the package being read ({root}); "
                                "give a folder of its own")
    check_contents(given, folder, command)
    return folder


def check_contents(given: Path, folder: Path, command: str) -> None:
    """Refuse *folder* (named *given* in messages) unless it is missing, empty or an earlier output
    of *command*: its :data:`MARKER` names *command*, and it holds nothing but files the marker
    lists (a symbolic link in a listed file's place is allowed: it is removed, never followed).

    Raises:
        OutputRefused: the folder is not a folder, or holds what *command* did not write.
    """
    if not folder.exists():
        return
    if not folder.is_dir():
        raise OutputRefused(f"{given}: refused as an output folder: it is not a folder")
    entries = [name for name in _listing(given, folder) if not is_run_folder(folder / name)]
    if not entries:
        return
    listed = {PurePosixPath(name).as_posix(): digest for name, digest in _marker_files(given, folder, command).items()}
    ancestors = {parent.as_posix() for name in listed for parent in PurePosixPath(name).parents if parent.as_posix() != "."}
    for relative, kind in _entries(given, folder):
        if kind == "folder" and relative in ancestors:
            continue
        if kind == "symbolic link" and relative in listed:
            continue  # removed, never followed
        if kind == "file" and relative in listed and listed[relative] == _sha256(folder / relative):
            continue
        if kind == "file" and relative in listed:
            raise OutputRefused(f"{given}: refused as an output folder: {relative} is not the file `{command}` wrote there (it "
                                "changed since, or the marker records no fingerprint of it); move it away or give a new or empty "
                                "folder")
        raise OutputRefused(f"{given}: refused as an output folder: it holds {relative} ({kind}), which `{command}` did "
                            "not write; move it away or give a new or empty folder")


def check_output_place(out: str | Path, *, is_file: bool = False) -> None:
    """Refuse *out* at once when it is, or (*is_file*: an output file) lies in, the file-system root, a
    system folder or (for a folder) the home folder: judged before the package is read, so that a
    command refused where it writes reads nothing (not even a zip). The rest of
    :func:`check_output_folder` and :func:`check_output_file` needs the package.

    Raises:
        OutputRefused: one line naming *out* and the reason.
    """
    given = Path(out)
    place = given.parent if is_file else given
    folder = _resolved(place)
    _refuse_system_folder(given, place, folder, "output file" if is_file else "output folder")
    if not is_file and folder == _home():
        raise OutputRefused(f"{given}: refused as an output folder: it is your home folder; give a new folder inside it")


def check_output_file(out: str | Path, package_root: Path | None, what: str, is_earlier: Callable[[bytes], bool]) -> Path:
    """The path to write the single output file *out* (a *what*, such as "worksheet") to, its
    folder resolved and its own name not followed.

    Refused: a file in the file-system root or a system folder, in the package being read or a
    folder inside it, or in the place of an existing file that is not an earlier *what* (judged by
    *is_earlier* from the file's first 64 KiB). A symbolic link at *out* is allowed: it is replaced,
    never followed. The file's folder may be the home folder, or hold the package.

    Raises:
        OutputRefused: one line naming *out* and the reason.
    """
    given = Path(out)
    if given.name in ("", ".", ".."):
        raise OutputRefused(f"{given}: refused as an output file: not a file name")
    folder = _resolved(given.parent)
    _refuse_system_folder(given, given.parent, folder, "output file")
    if package_root is not None:
        root = package_root.resolve()
        if folder.is_relative_to(root):
            raise OutputRefused(f"{given}: refused as an output file: it lies inside the package being read ({root}); "
                                f"a {what} is never written into the package")
    target = folder / given.name
    try:
        info = target.lstat()
    except FileNotFoundError:
        return target
    except OSError as exc:
        raise OutputRefused(f"{given}: refused as an output file: cannot read it ({exc.strerror})") from exc
    if stat.S_ISLNK(info.st_mode):
        return target
    if stat.S_ISDIR(info.st_mode):
        raise OutputRefused(f"{given}: refused as an output file: a folder stands there")
    if not stat.S_ISREG(info.st_mode):
        raise OutputRefused(f"{given}: refused as an output file: it exists and is not a regular file")
    try:
        with open(target, "rb") as handle:
            head = handle.read(64 * 1024)
    except OSError as exc:
        raise OutputRefused(f"{given}: refused as an output file: cannot read it ({exc.strerror})") from exc
    if not is_earlier(head):
        raise OutputRefused(f"{given}: refused as an output file: it exists and is not an earlier {what}; painimmune "
                            f"replaces only a {what} it wrote")
    return target


class StagedOutput:
    """An output folder, checked, written whole into a staging folder and moved into place at the end.

    >>> import tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "out"
    >>> staged = StagedOutput(out, "painimmune example", None)
    >>> with staged as folder:
    ...     written = [folder.write_text("a/b.txt", "hello")]
    >>> [path.relative_to(out).as_posix() for path in staged.placed(written)]
    ['a/b.txt']
    >>> sorted(path.name for path in out.iterdir())
    ['.painimmune-output.json', 'a']
    """

    def __init__(self, out: str | Path, command: str, package_root: Path | None, *, exempt: Sequence[Path] = ()) -> None:
        """Check *out* for *command* (:func:`check_output_folder`); nothing is written yet.

        Raises:
            OutputRefused: *out* is refused.
        """
        self.given = Path(out)
        self.command = command
        self.folder = check_output_folder(out, command, package_root, exempt=exempt)
        self._staging: Path | None = None
        self._created: list[Path] = []
        self._lock: int | None = None

    def __enter__(self) -> OutputFolder:
        """Create the folder (and the folders above it) when missing, lock it, check it again and
        make the staging folder: the :class:`OutputFolder` the output is written into."""
        try:
            self._create()
            self._lock = _lock(self.folder)
            if self._lock is not None:  # no other run is writing: a staging folder left here is a killed run's
                _remove_leftovers(self.folder)
            check_contents(self.given, self.folder, self.command)
            self._staging = run_folder(self.folder, STAGING_PREFIX)
        except BaseException as exc:
            self._abandon()
            if isinstance(exc, OSError):
                raise DataError(f"{self.given}: cannot write into the folder: {exc.strerror or exc}") from exc
            raise
        return OutputFolder(self._staging)

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None, trace: TracebackType | None) -> None:
        """Move the output into place when the block succeeded; otherwise remove what it wrote."""
        if kind is not None:
            self._abandon()
            return
        try:
            self._commit()
        except BaseException:
            self._abandon()
            raise
        self._unlock()

    def placed(self, paths: Iterable[Path]) -> list[Path]:
        """Where the files *paths*, written into the staging folder, lie in the output folder (as given)."""
        if self._staging is None:
            raise RuntimeError("placed() is asked of an output that was not written")
        return [self.given / path.relative_to(self._staging) for path in paths]

    def _create(self) -> None:
        missing = []
        for folder in [self.folder, *self.folder.parents]:
            if folder.exists():
                break
            missing.append(folder)
        for folder in reversed(missing):
            folder.mkdir()
            self._created.append(folder)

    def _commit(self) -> None:
        assert self._staging is not None
        staging, folder = self._staging, self.folder
        files = sorted(path.relative_to(staging).as_posix() for path in _files(staging) if path != staging / RUN_MARKER)
        marker = {"command": self.command, "files": files, "sha256": {name: _sha256(staging / name) for name in files},
                  "note": "written by painimmune: the files of this output (with the sha256 of each as written), which a new "
                          "run of the command replaces"}
        (staging / MARKER).write_text(json.dumps(marker, indent=1) + "\n", encoding="utf-8")
        check_contents(self.given, folder, self.command)  # nothing new appeared while the output was written
        previous = run_folder(folder, PREVIOUS_PREFIX)
        moved_out: list[str] = []
        moved_in: list[str] = []
        try:
            for name in sorted(_listing(self.given, folder)):
                if not is_run_folder(folder / name):
                    os.rename(folder / name, previous / name)
                    moved_out.append(name)
            for name in [MARKER, *sorted(set(os.listdir(staging)) - {MARKER, RUN_MARKER})]:  # the marker first: a run killed
                os.rename(staging / name, folder / name)  # part-way leaves a folder the next run recognises
                moved_in.append(name)
        except OSError as exc:
            for name in reversed(moved_in):
                with contextlib.suppress(OSError):
                    os.rename(folder / name, staging / name)
            for name in reversed(moved_out):
                with contextlib.suppress(OSError):
                    os.rename(previous / name, folder / name)
            shutil.rmtree(previous, ignore_errors=True)
            raise DataError(f"{self.given}: could not move the new output into place ({exc.strerror or exc}); "
                            "the earlier output is as it was") from exc
        try:
            _remove_run_folder(previous)
            _remove_run_folder(staging)
        except OSError as exc:
            raise DataError(f"{self.given}: the new output is in place, but the earlier one could not be removed from "
                            f"{previous.name} ({exc.strerror or exc}); the next run into the folder removes it") from exc

    def _abandon(self) -> None:
        """Remove the staging folder and every folder this run created; release the lock."""
        if self._staging is not None:
            shutil.rmtree(self._staging, ignore_errors=True)
        for folder in reversed(self._created):
            with contextlib.suppress(OSError):
                folder.rmdir()  # only when empty: never what another process put there
        self._unlock()

    def _unlock(self) -> None:
        if self._lock is not None:
            os.close(self._lock)  # (closing the descriptor releases the flock)
            self._lock = None


def _resolved(given: Path) -> Path:
    try:
        return Path(os.path.realpath(given))
    except (OSError, ValueError) as exc:
        raise OutputRefused(f"{given}: refused: cannot resolve the path ({exc})") from exc


def _home() -> Path | None:
    try:
        return Path.home().resolve()
    except (RuntimeError, KeyError, OSError):  # no home folder known
        return None


def _refuse_system_folder(given: Path, place: Path, folder: Path, what: str) -> None:
    """Refuse the folder *place* (named *given*'s, resolved to *folder*) when it is the root or one
    of :data:`SYSTEM_FOLDERS`, as given or resolved."""
    whose = "" if place == given else "its folder "
    if folder.parent == folder:
        raise OutputRefused(f"{given}: refused as an {what}: {whose}{folder} is the file-system root")
    plain = Path(os.path.abspath(place))
    for pattern in SYSTEM_FOLDERS:
        resolved = {Path(os.path.realpath(path)) for path in glob.glob(pattern)}
        if folder in resolved or folder.match(pattern) or plain.match(pattern):
            advice = "give a folder of its own" if place == given else "write it elsewhere"
            raise OutputRefused(f"{given}: refused as an {what}: {whose}{folder} is a system folder; {advice}")


def _listing(given: Path, folder: Path) -> list[str]:
    try:
        return os.listdir(folder)
    except OSError as exc:
        raise OutputRefused(f"{given}: refused as an output folder: cannot read it ({exc.strerror})") from exc


def _entries(given: Path, folder: Path) -> Iterator[tuple[str, str]]:
    """Every entry inside *folder* as (relative path, kind: "folder", "file", "symbolic link" or
    "special file"), symbolic links not followed, staging leftovers and the marker left out."""

    def fail(error: OSError) -> None:
        raise OutputRefused(f"{given}: refused as an output folder: cannot read {error.filename} ({error.strerror})")

    for current, folders, names in os.walk(folder, onerror=fail):
        base = Path(current).relative_to(folder)
        if base == Path("."):
            folders[:] = [name for name in folders if not is_run_folder(folder / name)]
            names = [name for name in names if name != MARKER]
        for name in [*folders, *names]:
            mode = os.lstat(Path(current) / name).st_mode
            kind = ("symbolic link" if stat.S_ISLNK(mode) else "folder" if stat.S_ISDIR(mode) else
                    "file" if stat.S_ISREG(mode) else "special file")
            yield (base / name).as_posix(), kind


def _marker_files(given: Path, folder: Path, command: str) -> dict[str, str | None]:
    """The files :data:`MARKER` of *folder* lists, each with the sha256 it records of it as written
    (None when it records none), when it names *command*."""
    path = folder / MARKER
    none = f"{given}: refused as an output folder: it is not empty and is not an earlier output of `{command}`"
    try:
        info = path.lstat()
    except FileNotFoundError:
        raise OutputRefused(f"{none} (it has no {MARKER}); give a new or empty folder") from None
    except OSError as exc:
        raise OutputRefused(f"{none} (cannot read its {MARKER}: {exc.strerror})") from exc
    if not stat.S_ISREG(info.st_mode) or info.st_size > MARKER_LIMIT:
        raise OutputRefused(f"{none} (its {MARKER} is not a regular file within {MARKER_LIMIT:,} bytes)")
    try:
        marker = json.loads(path.read_bytes().decode("utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError):
        marker = None
    files = marker.get("files") if isinstance(marker, dict) else None
    if not isinstance(marker, dict) or not isinstance(marker.get("command"), str) or not isinstance(files, list) \
            or not all(isinstance(name, str) for name in files):
        raise OutputRefused(f"{none} (its {MARKER} is not a painimmune output marker)")
    if marker["command"] != command:
        raise OutputRefused(f"{given}: refused as an output folder: it is an earlier output of `{marker['command']}`, "
                            f"not of `{command}`; give another folder")
    recorded = marker.get("sha256")
    digests: dict[str, object] = recorded if isinstance(recorded, dict) else {}
    return {name: digest if isinstance(digest := digests.get(name), str) else None for name in files}


def _sha256(path: Path) -> str:
    """The sha256 of the regular file at *path* (read a block at a time)."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _files(folder: Path) -> list[Path]:
    """Every file under *folder* (which this run wrote: no links)."""
    return [Path(current) / name for current, _, names in os.walk(folder) for name in names]


def _lock(folder: Path) -> int | None:
    """An exclusive advisory lock on *folder*, waited for: its open descriptor (None without flock)."""
    if sys.platform == "win32":
        return None
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
    except OSError:
        os.close(descriptor)
        return None  # a file system without locks: the runs are not serialised
    return descriptor


def run_folder(folder: Path, prefix: str) -> Path:
    """A new temporary folder of this run inside *folder*: named *prefix* (:data:`STAGING_PREFIX` or
    :data:`PREVIOUS_PREFIX`) and 16 random hexadecimal digits, readable by its owner only, and
    marked as painimmune's by :data:`RUN_MARKER`.

    Raises:
        OSError: the folder or its marker cannot be made.
    """
    path = folder / f"{prefix}{secrets.token_hex(8)}"
    path.mkdir(mode=0o700)
    (path / RUN_MARKER).write_bytes(RUN_MARKER_TEXT)
    return path


def is_run_folder(path: Path) -> bool:
    """Whether *path* is a temporary folder a run of painimmune made (:func:`run_folder`): a real
    folder (not a link) named as one, holding its marker as written, or empty (a run killed before
    it wrote the marker). Anything else is not painimmune's to skip or remove.
    """
    if RUN_FOLDER_NAME.fullmatch(path.name) is None:
        return False
    marker = path / RUN_MARKER
    try:
        if not stat.S_ISDIR(path.lstat().st_mode):
            return False
        names = os.listdir(path)
        if not names:
            return True
        info = marker.lstat() if RUN_MARKER in names else None
        return (info is not None and stat.S_ISREG(info.st_mode) and info.st_size == len(RUN_MARKER_TEXT)
                and marker.read_bytes() == RUN_MARKER_TEXT)
    except OSError:
        return False


def _remove_run_folder(path: Path) -> None:
    """Remove the run folder *path*, its marker last: a removal that fails part-way leaves a folder
    the next run still recognises as a leftover (and removes).

    Raises:
        OSError: something in it cannot be removed.
    """
    for entry in os.scandir(path):
        if entry.name != RUN_MARKER:
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path)
            else:
                os.unlink(entry.path)
    shutil.rmtree(path)


def _remove_leftovers(folder: Path) -> None:
    """Remove the temporary folders a killed run left in *folder* (:func:`is_run_folder`), and
    nothing else."""
    for name in os.listdir(folder):
        path = folder / name
        if is_run_folder(path):
            with contextlib.suppress(OSError):
                _remove_run_folder(path)
