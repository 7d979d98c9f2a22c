"""A release data zip, read within limits: only the members a package needs, never a zip bomb.

A zip handed to ``painimmune diff`` may come from anywhere. It is refused, with one line naming what
is wrong, when it holds more members than :data:`MAX_MEMBERS`, more than :data:`MAX_TOTAL` bytes
once uncompressed, a member compressed more than :data:`MAX_RATIO` times, an encrypted, corrupt or
linked member, or not exactly one package (``datapackage.json`` at its top or one folder down).
Only the descriptor and the files its resources name (tables, schemas, the shared field
definitions) are read, each checked against its recorded CRC as it is read.
"""

from __future__ import annotations

import stat
import zipfile
import zlib
from pathlib import Path, PurePosixPath

from painimmune.errors import DataError
from painimmune.package.composition import SHARED_FIELDS
from painimmune.package.files import LIMITS
from painimmune.package.jsonfile import loads
from painimmune.package.locate import DESCRIPTOR
from painimmune.package.structure import StructureError, check_descriptor

MAX_MEMBERS = 10_000
MAX_TOTAL = 1024 * 1024 * 1024  # uncompressed bytes of all members
MAX_RATIO = 200  # uncompressed / compressed size of one member


def extract_package(archive: Path, into: Path) -> Path:
    """Extract the one package of *archive* (only the files it needs) into the folder *into*;
    returns the package's root there.

    Raises:
        DataError: the zip is unsafe or holds no single package (see the module docstring).
    """
    try:
        with zipfile.ZipFile(archive) as zipped:
            return _extract(zipped, archive, into)
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise DataError(f"{archive}: a corrupt zip ({exc}); refused") from exc
    except NotImplementedError as exc:
        raise DataError(f"{archive}: a zip member uses an unsupported compression ({exc}); refused") from exc
    except RuntimeError as exc:  # zipfile raises it for encrypted members
        raise DataError(f"{archive}: {exc}; refused") from exc


def _extract(zipped: zipfile.ZipFile, archive: Path, into: Path) -> Path:
    members = zipped.infolist()
    if len(members) > MAX_MEMBERS:
        raise DataError(f"{archive}: holds {len(members):,} members, more than the limit of {MAX_MEMBERS:,}; refused")
    total = sum(member.file_size for member in members)
    if total > MAX_TOTAL:
        raise DataError(f"{archive}: holds {total:,} bytes uncompressed, more than the limit of {MAX_TOTAL:,}; refused")
    by_name = {member.filename: member for member in members}
    descriptors = [name for name in by_name if PurePosixPath(name).name == DESCRIPTOR and len(PurePosixPath(name).parts) <= 2]
    if len(descriptors) != 1:
        found = "no package" if not descriptors else f"{len(descriptors)} packages ({', '.join(sorted(descriptors))})"
        raise DataError(f"{archive}: holds {found}; a release zip holds exactly one {DESCRIPTOR}, at its top or one folder down")
    prefix = str(PurePosixPath(descriptors[0]).parent)
    prefix = "" if prefix == "." else prefix + "/"
    descriptor_data = _read(zipped, by_name[descriptors[0]], "json", archive)
    try:
        descriptor = loads(descriptor_data.decode("utf-8"), f"{archive}: {descriptors[0]}")
    except UnicodeDecodeError as exc:
        raise DataError(f"{archive}: {descriptors[0]} is not UTF-8") from exc
    faults = check_descriptor(descriptor)
    if faults:
        raise StructureError(f"{archive}: {descriptors[0]}", faults)
    root = into / "package"
    _write(root, DESCRIPTOR, descriptor_data, archive)
    needed = {(resource["path"], "table") for resource in descriptor["resources"]}
    needed |= {(resource["schema"], "json") for resource in descriptor["resources"]}
    needed.add((SHARED_FIELDS, "json"))
    for relative, kind in sorted(needed):
        member = by_name.get(prefix + _relative(relative, archive))
        if member is None:
            if relative == SHARED_FIELDS:
                continue
            raise DataError(f"{archive}: has no member {prefix + relative} (named by {descriptors[0]}); refused")
        _write(root, relative, _read(zipped, member, kind, archive), archive)
    return root


def _relative(relative: str, archive: Path) -> str:
    path = PurePosixPath(relative)
    if path.is_absolute() or ".." in path.parts or "://" in relative or "\\" in relative:
        raise DataError(f"{archive}: the descriptor names {relative!r}, which is not a path inside the package; refused")
    return str(path)


def _read(zipped: zipfile.ZipFile, member: zipfile.ZipInfo, kind: str, archive: Path) -> bytes:
    """The bytes of *member*, within the size limit for its kind and the compression ratio, CRC checked."""
    where = f"{archive}: {member.filename}"
    if member.flag_bits & 0x1:
        raise DataError(f"{where}: an encrypted member; refused")
    if stat.S_ISLNK(member.external_attr >> 16) or member.is_dir():
        raise DataError(f"{where}: not a regular file (a link or a folder); refused")
    limit = LIMITS[kind]
    if member.file_size > limit:
        raise DataError(f"{where}: {member.file_size:,} bytes, more than the limit of {limit:,} for a {kind} file; refused")
    if member.file_size > MAX_RATIO * max(member.compress_size, 1) and member.file_size > 1024 * 1024:
        raise DataError(f"{where}: compressed more than {MAX_RATIO} times (a zip bomb?); refused")
    with zipped.open(member) as handle:
        data = handle.read(limit + 1)
    if len(data) > limit or len(data) != member.file_size:
        raise DataError(f"{where}: its size differs from what the zip records; refused")
    return data


def _write(root: Path, relative: str, data: bytes, archive: Path) -> None:
    target = root / _relative(relative, archive)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
