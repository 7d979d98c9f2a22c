"""Reproducible zip archives: the release's data zip (:func:`write_data_zip`) and the website's downloads.

Every entry lies under one top folder, entries are sorted, and every timestamp and mode is fixed,
so the same files give a byte-identical archive on any machine.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from datetime import datetime, timezone
from functools import partial
from pathlib import Path

from painimmune.package.copying import package_files
from painimmune.package.descriptor import DataPackage
from painimmune.package.zipped import DATA_FILES, DATA_FOLDERS  # what a data zip carries: one list, kept with its reader

ZIP_EPOCH_FLOOR = datetime(1980, 1, 1, tzinfo=timezone.utc)  # the earliest time a zip entry can hold


def data_members(package: DataPackage) -> dict[str, bytes]:
    """The files of the data zip of *package*, by path relative to its root, read through the
    trust boundary: :data:`DATA_FILES` that exist, and every file of :data:`DATA_FOLDERS`.

    Raises:
        DataError: one of them is, or lies in, a symbolic link, FIFO or device (a copy of the
            package never follows links: :mod:`painimmune.package.copying`).
    """
    members = {}
    for relative in package_files(package.root, (*DATA_FILES, *DATA_FOLDERS)):
        kind = "text" if relative in DATA_FILES else "json" if relative.endswith(".json") else "table"
        members[relative] = package.file(relative, kind)
    return _links_inside(members)


_LINK = re.compile(r"(!?)\[([^\]]*)\]\(([^()\s]+)\)")  # a Markdown link or image: [text](target)


def _links_inside(members: dict[str, bytes]) -> dict[str, bytes]:
    """*members* with every relative link of their Markdown files that leads to a file the archive
    does not hold written as its plain text (an image: removed), so that a reader of the unzipped
    archive never follows a link to nothing."""
    result = dict(members)
    for name in [n for n in members if n.endswith(".md")]:
        text = members[name].decode("utf-8")
        result[name] = _LINK.sub(partial(_keep_or_unlink, posixpath.dirname(name), members), text).encode("utf-8")
    return result


def _keep_or_unlink(folder: str, members: dict[str, bytes], match: re.Match[str]) -> str:
    """The link *match* of a Markdown file in *folder*: kept when it is a URL, an anchor or a member."""
    image, text, target = match.groups()
    if re.match(r"[a-z][a-z0-9+.-]*:|#", target) or posixpath.normpath(posixpath.join(folder, target.split("#", 1)[0])) in members:
        return match.group(0)
    return "" if image else text


def write_zip(target: Path, top: str, members: dict[str, bytes], moment: datetime) -> Path:
    """Write *members* (path → bytes) into the zip *target*, each under the folder *top*, in
    sorted order, with the time *moment* (no earlier than 1980) and mode 0644."""
    stamp = max(moment.astimezone(timezone.utc), ZIP_EPOCH_FLOOR).timetuple()[:6]
    with zipfile.ZipFile(target, "w") as archive:
        for name in sorted(members):
            info = zipfile.ZipInfo(f"{top}/{name}", date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o100644 << 16
            info.create_system = 3  # Unix, whatever the building machine
            archive.writestr(info, members[name], compresslevel=9)
    return target


def write_data_zip(package: DataPackage, target: Path) -> Path:
    """Write the data zip of *package* into *target*: :func:`data_members` under the folder
    ``painimmune-<version>``, at the release's moment (:func:`release_moment`). The one writer of the
    data zip: the release (``scripts/release.py``) and the website's download are the same bytes,
    from a checkout or from the installed package (whose wheel carries the same files)."""
    return write_zip(target, f"painimmune-{package.version}", data_members(package), release_moment(package))


def release_moment(package: DataPackage) -> datetime:
    """The release date-time of *package* (``created``), or the zip epoch when it has none."""
    created = str(package.descriptor.get("created", ""))
    try:
        moment = datetime.fromisoformat(created.replace("Z", "+00:00"))
    except ValueError:
        return ZIP_EPOCH_FLOOR
    return max(moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc), ZIP_EPOCH_FLOOR)
