"""A release data zip, judged from its central directory before a byte of it is written, then extracted within limits.

A zip handed to painimmune (``painimmune diff``, ``--path`` of every command, ``DataPackage(path)``)
may come from anywhere. :class:`ReleaseZip` opens it and judges it in three steps, and refuses it
with one line naming the zip, the member and what is wrong, for instance
``x.zip: member ../etc/passwd: a name outside the package; refused``.

1. **From the central directory alone** (:meth:`zipfile.ZipFile.infolist`; no member is read):

   - one zip, nothing else: the file begins with a member's header and ends with the end of its
     central directory, which follows the directory at once, with no comment and no ZIP64 record
     (:func:`check_layout`). A zip behind other bytes, two zips joined, or a comment would read as
     different members to different unzip tools;
   - at most :data:`MAX_MEMBERS` members, declaring at most :data:`MAX_TOTAL` bytes uncompressed together;
   - every name a plain relative path of at most :data:`MAX_NAME` characters: not empty, no ``..``
     part, not absolute, no backslash, no colon (a Windows drive letter or stream), no NUL or other
     control character (C0, DEL, C1), no invisible or format character (a right-to-left override);
   - no two names the same once normalised (empty and ``.`` parts dropped, so ``a//b`` is ``a/b``
     and ``./a`` is ``a``; Unicode NFC; case ignored, as a case-insensitive file system sees
     them), and no name both a file and the folder of another member;
   - every member a regular file or a folder entry (a name ending in ``/``, holding no data): no
     symbolic link, device, FIFO or socket;
   - not encrypted; stored or deflated (what a release zip uses);
   - compressed at most :data:`MAX_RATIO` times, at every size: a member declaring more than
     :data:`RATIO_FLOOR` bytes uncompressed may declare at most ``MAX_RATIO`` times its compressed
     size. Below the floor a ratio means little (deflate turns a few KiB of one repeated byte into
     a few dozen bytes, and a sparse legitimate file can do the same) and a member that small can
     cost little however it is compressed.

2. **The descriptor**: exactly one ``datapackage.json``, at the top or one folder down, read into
   memory (never more than its declared size, within the JSON limit) and its structure checked.

3. **The members to extract**, judged from the central directory again: the descriptor, the path
   (a table) and the Table Schema of every resource, every file under :data:`DATA_FOLDERS` and the
   :data:`DATA_FILES` present (what ``painimmune release`` writes). Each declares at most the limit
   for its kind (:data:`painimmune.package.files.LIMITS`); the tables together at most
   :data:`~painimmune.package.files.TABLES_LIMIT` (the limit a package folder has), and all of
   them together at most :data:`MAX_EXTRACTED`. Other members are judged in step 1 and never read.

Only then does :meth:`ReleaseZip.extract` write, into a folder it creates, and it never writes past
those limits even if the central directory lies: each member is streamed in chunks, at most its
declared size and one byte more are read (``zipfile`` itself stops at the declared size and checks
the CRC), the bytes read are compared with the declared size, every file is created exclusively
(never through a link), and whatever was written is removed when any check fails.

The zip format itself is read by :mod:`zipfile` only. The one piece written here is the
normalisation of member names (:func:`member_path`), because ``zipfile`` keeps names as the zip
gives them (``ZipFile.extract`` sanitises them silently, which would hide an attack rather than
refuse it).
"""

from __future__ import annotations

import io
import shutil
import stat
import struct
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from types import TracebackType
from typing import IO, Any, BinaryIO

from painimmune.errors import DataError
from painimmune.package import characters
from painimmune.package.files import LIMITS, MIB, TABLES_LIMIT
from painimmune.package.jsonfile import loads
from painimmune.package.locate import DESCRIPTOR
from painimmune.package.structure import StructureError, check_descriptor

MAX_MEMBERS = 10_000
MAX_TOTAL = 1024 * MIB  # uncompressed bytes all members declare together
MAX_RATIO = 200  # uncompressed / compressed size of one member ...
RATIO_FLOOR = 16 * 1024  # ... declaring more than this many bytes uncompressed
MAX_EXTRACTED = TABLES_LIMIT + 128 * MIB  # bytes of all the members extracted: the tables, and 128 MiB of other files
CHUNK = 64 * 1024  # bytes decompressed and written at a time
MAX_NAME = 255  # characters of a member name (a release zip's longest is under 50); keeps judging names linear
MAX_PART_BYTES = 255  # bytes of one part of a name, as UTF-8: the most one name of a folder may take on common file systems

# The files of a data package that its release data zip carries, when the package has them, beside
# every file of DATA_FOLDERS: what `painimmune release` writes (painimmune.export.archive) and what
# is extracted from a zip.
DATA_FILES = ("datapackage.json", "CITATION.cff", "croissant.json", "README.md", "CHANGELOG.md", "LICENSE", "LICENSE-DATA",
              "docs/data-dictionary.md", "docs/rules.md", "docs/curation.md", "docs/curation-report.md", "docs/network.svg")
DATA_FOLDERS = ("tables", "schemas")
_METHODS = {zipfile.ZIP_STORED: "stored", zipfile.ZIP_DEFLATED: "deflated"}


def member_path(name: str) -> str:
    """The relative path a zip member name (or a path the descriptor names) stands for: its parts
    joined by ``/``, with empty and ``.`` parts dropped (``./a//b`` is ``a/b``).

    Raises:
        ValueError: *name* is not a plain relative path; the message says why, in words.
    """
    if len(name) > MAX_NAME:
        raise ValueError(f"a name of {len(name):,} characters, more than the limit of {MAX_NAME}")
    if any(unicodedata.category(character) == "Cc" for character in name):  # C0, DEL and C1
        raise ValueError("a name holding a NUL or other control character" if "\x00" in name else "a name holding a control character")
    refused = characters.first_refused(name)
    if refused is not None:  # (a right-to-left override makes a name read as another)
        raise ValueError(f"a name holding {characters.describe(refused[1])}, an invisible or format character")
    if "\\" in name:
        raise ValueError("a name holding a backslash (a Windows path)")
    if ":" in name:
        raise ValueError("a name holding a colon (a Windows drive letter or stream, or a URL)")
    if name.startswith("/"):
        raise ValueError("an absolute name, outside the package")
    parts = [part for part in name.split("/") if part not in ("", ".")]
    if ".." in parts:
        raise ValueError("a name outside the package")
    if not parts:
        raise ValueError("an empty name")
    longest = max(len(part.encode("utf-8", "surrogatepass")) for part in parts)
    if longest > MAX_PART_BYTES:
        raise ValueError(f"a name with a part of {longest:,} bytes, more than a file system takes ({MAX_PART_BYTES})")
    return "/".join(parts)


def shown(name: str, limit: int = 2 * MAX_NAME) -> str:
    """*name* as a message shows it: as it is when printable, else escaped (so that a crafted name
    cannot break the one line of a refusal), and cut after *limit* characters."""
    text = name if name.isprintable() else ascii(name)[1:-1]
    return text if len(text) <= limit else f"{text[:limit]}... ({len(name):,} characters)"


@dataclass(frozen=True)
class Member:
    """A member of the zip as the central directory declares it, its name normalised."""

    info: zipfile.ZipInfo
    path: str  # member_path() of its name
    folder: bool  # a folder entry (its name ends in "/")

    @property
    def name(self) -> str:
        """Its name as the zip gives it."""
        return self.info.orig_filename


END_RECORD = struct.Struct("<4s4H2LH")  # the end of central directory record, without its comment
END_SIGNATURE, HEADER_SIGNATURE = b"PK\x05\x06", b"PK\x03\x04"


def check_layout(handle: IO[bytes]) -> str | None:
    """Why the zip file open as *handle* is more than one plain zip, in words, or None: it must begin
    with a member's local header and end with an end-of-central-directory record that has no
    comment, follows its central directory at once and is no ZIP64 placeholder.

    >>> buffer = io.BytesIO()
    >>> with zipfile.ZipFile(buffer, "w") as archive:
    ...     archive.writestr("a.txt", "a")
    >>> check_layout(buffer) is None, check_layout(io.BytesIO(b"junk" + buffer.getvalue()))
    (True, 'bytes before the zip or between its parts (a zip behind other data, or two zips joined)')
    """
    size = handle.seek(0, io.SEEK_END)
    if size < END_RECORD.size:
        return "too short to be a zip"
    handle.seek(0)
    head = handle.read(len(HEADER_SIGNATURE))
    handle.seek(size - END_RECORD.size)
    signature, disk, directory_disk, _, entries, directory_size, directory_offset, comment = END_RECORD.unpack(
        handle.read(END_RECORD.size))
    if signature != END_SIGNATURE:
        return "a zip with a comment, or with bytes after it"
    if disk or directory_disk or entries == 0xFFFF or 0xFFFFFFFF in (directory_size, directory_offset):
        return "a ZIP64 or multi-part zip (a release zip is neither)"
    if comment:
        return "a zip whose end record declares a comment it does not hold"
    if head != HEADER_SIGNATURE or directory_offset + directory_size != size - END_RECORD.size:
        return "bytes before the zip or between its parts (a zip behind other data, or two zips joined)"
    return None


class ReleaseZip:
    """A release data zip, opened and judged (steps 1 to 3 of the module docstring) when it is
    constructed; nothing is written until :meth:`extract`. It holds the zip open: use it as a
    context manager, or call :meth:`close`.
    """

    def __init__(self, archive: str | Path) -> None:
        """Open and judge the zip *archive*.

        Raises:
            DataError: the zip is unsafe, corrupt or holds no single package; the message names the
                zip, the member and what is wrong.
        """
        self.archive = Path(archive)
        try:
            self._zip = zipfile.ZipFile(self.archive)
        except (zipfile.BadZipFile, zlib.error, EOFError, ValueError) as exc:  # ValueError: a negative offset in a crafted header
            raise DataError(f"{self.archive}: a corrupt zip ({exc}); refused") from exc
        try:
            fault = check_layout(self._zip.fp) if self._zip.fp is not None else "not open"
            if fault:
                raise DataError(f"{self.archive}: {fault}; refused")
            members = self._judge_members(self._zip.infolist())
            self._descriptor_member = self._find_descriptor(members)
            self.prefix = self._descriptor_member.path.removesuffix(DESCRIPTOR)
            self.descriptor_bytes = self._read(self._descriptor_member, "json")
            self.descriptor = self._parse_descriptor()
            self.plan = self._plan(members)
        except BaseException:
            self._zip.close()
            raise

    def __enter__(self) -> ReleaseZip:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None, traceback: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        """Close the zip file."""
        self._zip.close()

    @property
    def declared_bytes(self) -> int:
        """The uncompressed bytes the members to extract declare together: at most what :meth:`extract` writes."""
        return sum(member.info.file_size for member, _ in self.plan.values())

    def extract(self, into: Path) -> Path:
        """Write the package into a new folder ``package`` inside the folder *into*; returns it.

        Each member is streamed within its declared size (see the module docstring); when any
        check fails, the folder and everything written into it are removed before the error is raised.

        Raises:
            DataError: a member's data is corrupt or differs from what the central directory declares.
            OSError: the folder cannot be written (``package`` already exists inside *into*, the disc is full).
        """
        root = into / "package"
        root.mkdir(mode=0o700)
        try:
            for relative, (member, _) in sorted(self.plan.items()):
                target = root.joinpath(*relative.split("/"))
                target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
                with open(target, "xb") as sink:  # exclusive: never through a link, never over another member
                    if member is self._descriptor_member:
                        sink.write(self.descriptor_bytes)
                    else:
                        self._stream(member, sink)
        except BaseException:
            shutil.rmtree(root, ignore_errors=True)
            raise
        return root

    # ---- step 1: the central directory ------------------------------------------------------------

    def _refuse(self, member: Member | zipfile.ZipInfo | str, what: str) -> DataError:
        name = member if isinstance(member, str) else member.name if isinstance(member, Member) else member.orig_filename
        return DataError(f"{self.archive}: member {shown(name)}: {what}; refused")

    def _judge_members(self, infos: list[zipfile.ZipInfo]) -> list[Member]:
        """Every member, judged from what the central directory declares (nothing is read)."""
        if len(infos) > MAX_MEMBERS:
            raise DataError(f"{self.archive}: holds {len(infos):,} members, more than the limit of {MAX_MEMBERS:,}; refused")
        total = sum(info.file_size for info in infos)
        if total > MAX_TOTAL:
            largest = max(infos, key=lambda info: info.file_size)
            raise DataError(f"{self.archive}: its members declare {total:,} bytes uncompressed (largest: member "
                            f"{shown(largest.orig_filename)}, {largest.file_size:,} bytes), more than the limit of {MAX_TOTAL:,}; refused")
        members = [self._judge(info) for info in infos]
        self._judge_names(members)
        return members

    def _judge(self, info: zipfile.ZipInfo) -> Member:
        """One member: its name, its kind of entry, its encryption, method and compression ratio."""
        name = info.orig_filename  # (ZipInfo.filename is cut at a NUL; the name in the zip is not)
        try:
            path = member_path(name)
        except ValueError as exc:
            raise self._refuse(name, str(exc)) from None
        mode = info.external_attr >> 16
        folder = name.endswith("/")
        if stat.S_ISLNK(mode):
            raise self._refuse(name, "a symbolic link, not a regular file")
        if stat.S_IFMT(mode) not in (0, stat.S_IFREG, stat.S_IFDIR) or (stat.S_ISDIR(mode) and not folder):
            raise self._refuse(name, f"not a regular file (a device, FIFO, socket or folder: mode {mode:o})")
        if folder and info.file_size:
            raise self._refuse(name, f"a folder entry declaring {info.file_size:,} bytes of data")
        if info.flag_bits & 0x1:
            raise self._refuse(name, "an encrypted member")
        if info.compress_type not in _METHODS:
            raise self._refuse(name, f"compressed with method {info.compress_type}; a release zip's members are stored or deflated")
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * info.compress_size:
            raise self._refuse(name, f"compressed more than {MAX_RATIO} times ({info.file_size:,} bytes declared in "
                                     f"{info.compress_size:,}; a zip bomb?)")
        return Member(info, path, folder)

    def _judge_names(self, members: list[Member]) -> None:
        """No two members the same once normalised, and no file that is also another member's folder."""
        seen: dict[str, Member] = {}
        for member in members:
            key = _folded(member.path)
            if key in seen:
                raise self._refuse(member, f"a duplicate of member {shown(seen[key].name)} (names are compared with '.' and "
                                           "empty parts dropped, ignoring case)")
            seen[key] = member
        for key, member in seen.items():
            cut = key.rfind("/")
            while cut > 0:  # every folder above the member
                other = seen.get(key[:cut])
                if other is not None and not other.folder:
                    raise self._refuse(other, f"a file, and also the folder of member {shown(member.name)}")
                cut = key.rfind("/", 0, cut)

    # ---- step 2: the descriptor -------------------------------------------------------------------

    def _find_descriptor(self, members: list[Member]) -> Member:
        found = [m for m in members if not m.folder and PurePosixPath(m.path).name == DESCRIPTOR and m.path.count("/") <= 1]
        if len(found) != 1:
            what = "no package" if not found else f"{len(found)} packages ({', '.join(sorted(shown(m.name) for m in found))})"
            raise DataError(f"{self.archive}: holds {what}; a release zip holds exactly one {DESCRIPTOR}, at its top or one folder down")
        return found[0]

    def _parse_descriptor(self) -> dict[str, Any]:
        where = f"{self.archive}: {shown(self._descriptor_member.name)}"
        try:
            descriptor: dict[str, Any] = loads(self.descriptor_bytes.decode("utf-8"), where)
        except UnicodeDecodeError as exc:
            raise DataError(f"{where}: not UTF-8 (byte {exc.start})") from exc
        faults = check_descriptor(descriptor)
        if faults:
            raise StructureError(where, faults)
        return descriptor

    # ---- step 3: what is extracted ----------------------------------------------------------------

    def _plan(self, members: list[Member]) -> dict[str, tuple[Member, str]]:
        """The members to extract, by path inside the package, each with its kind (``table``,
        ``json`` or ``text``), judged against the limits from what they declare."""
        by_path = {member.path: member for member in members if not member.folder}
        named = f"{self.archive}: {shown(self._descriptor_member.name)}"
        kinds: dict[str, str] = {DESCRIPTOR: "json"}
        for resource in self.descriptor["resources"]:
            for key, kind in (("path", "table"), ("schema", "json")):
                try:
                    relative = member_path(resource[key])
                except ValueError as exc:
                    raise DataError(f"{named}: resource {resource['name']!r} names {key} {shown(resource[key])!r}, "
                                    f"which is not a path inside the package ({exc}); refused") from None
                if self.prefix + relative not in by_path:
                    raise DataError(f"{self.archive}: has no member {shown(self.prefix + relative)}, which {shown(self._descriptor_member.name)} "
                                    f"names as the {key} of resource {resource['name']!r}; refused")
                kinds[relative] = _stricter(kinds.get(relative), kind)
        for path in by_path:
            if not path.startswith(self.prefix):
                continue
            relative = path[len(self.prefix):]
            if relative.split("/", 1)[0] in DATA_FOLDERS and "/" in relative:
                kinds[relative] = _stricter(kinds.get(relative), "json" if relative.endswith(".json") else "table")
            elif relative in DATA_FILES:
                kinds[relative] = _stricter(kinds.get(relative), "json" if relative.endswith(".json") else "text")
        plan = {relative: (by_path[self.prefix + relative], kind) for relative, kind in kinds.items()}
        for member, kind in plan.values():
            if member.info.file_size > LIMITS[kind]:
                raise self._refuse(member, f"declares {member.info.file_size:,} bytes, more than the limit of {LIMITS[kind]:,} "
                                           f"for a {kind} file")
        self._check_total([m for m, kind in plan.values() if kind == "table"], TABLES_LIMIT, "the tables to extract")
        self._check_total([m for m, _ in plan.values()], MAX_EXTRACTED, "the files to extract")
        return plan

    def _check_total(self, members: list[Member], limit: int, what: str) -> None:
        total = sum(member.info.file_size for member in members)
        if total > limit:
            largest = max(members, key=lambda member: member.info.file_size)
            raise DataError(f"{self.archive}: {what} declare {total:,} bytes together (largest: member {shown(largest.name)}, "
                            f"{largest.info.file_size:,} bytes), more than the limit of {limit:,}; refused")

    # ---- reading ----------------------------------------------------------------------------------

    def _read(self, member: Member, kind: str) -> bytes:
        """The bytes of *member*, in memory (the descriptor), within the limit for its *kind*."""
        if member.info.file_size > LIMITS[kind]:
            raise self._refuse(member, f"declares {member.info.file_size:,} bytes, more than the limit of {LIMITS[kind]:,} for a {kind} file")
        buffer = io.BytesIO()
        self._stream(member, buffer)
        return buffer.getvalue()

    def _stream(self, member: Member, sink: BinaryIO) -> None:
        """Copy the data of *member* into *sink*, reading at most its declared size and one byte
        more, and refuse it when the data is corrupt or its size is not the declared one."""
        declared = member.info.file_size  # (within the limit for its kind: judged before)
        copied = 0
        try:
            with self._zip.open(member.info) as source:
                while copied <= declared:
                    chunk = source.read(min(CHUNK, declared + 1 - copied))
                    if not chunk:
                        break
                    copied += len(chunk)
                    if copied > declared:
                        break  # never written: the data is longer than declared
                    sink.write(chunk)
        except (zipfile.BadZipFile, zlib.error, EOFError, ValueError) as exc:
            raise self._refuse(member, f"its data is corrupt ({exc})") from exc
        except (NotImplementedError, RuntimeError) as exc:  # (judged before: an unsupported method, encryption)
            raise self._refuse(member, str(exc)) from exc
        if copied != declared:
            more = "more than" if copied > declared else f"{copied:,} bytes, not"
            raise self._refuse(member, f"its data holds {more} the {declared:,} bytes the central directory declares")


def _folded(path: str) -> str:
    """*path* as a case-insensitive file system compares names: Unicode NFC, case folded."""
    return unicodedata.normalize("NFC", path).casefold()


def _stricter(kind: str | None, other: str) -> str:
    """Of two kinds given to one file, the one with the smaller size limit."""
    return other if kind is None or LIMITS[other] < LIMITS[kind] else kind
