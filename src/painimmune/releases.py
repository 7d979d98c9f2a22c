"""The release record (``releases.csv`` at the root of a checkout) and releases named by version.

``scripts/release.py`` writes one row per release into the record: its version, the git commit it
was built from, its date (``created`` in datapackage.json) and the sha256 of each artefact, copied
from ``SHA256SUMS``. The releases made before the record existed were entered from git history
(``git log -S'"version": "X"' -- datapackage.json``); their artefacts were never built, so their
sha256 cells are empty and the note says so.

:func:`release_package` turns a version such as ``1.0.0`` into a package folder: the version's
commit is looked up in the record and its package files (datapackage.json, and the tables and
schemas it names) are taken from git with ``git archive``, offline, into a temporary folder.
"""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from painimmune.errors import PainimmuneError

RECORD = "releases.csv"
# The artefacts' kinds, as the record's sha256 columns name them, and how each file name begins/ends.
ARTEFACT_KINDS = ("wheel", "sdist", "data_zip")
COLUMNS = ("version", "commit", "date", *(f"{kind}_sha256" for kind in ARTEFACT_KINDS), "note")
VERSION = re.compile(r"\d+\.\d+\.\d+")


class ReleaseNotFoundError(PainimmuneError, LookupError):
    """A version is not in the release record, or there is no checkout (git, the record) to look in."""


@dataclass(frozen=True)
class Release:
    """One row of the release record."""

    version: str
    commit: str
    date: str
    sha256: dict[str, str]
    note: str = ""

    def row(self) -> dict[str, str]:
        """The row as the record writes it."""
        return {"version": self.version, "commit": self.commit, "date": self.date,
                **{f"{kind}_sha256": self.sha256.get(kind, "") for kind in ARTEFACT_KINDS}, "note": self.note}


def artefact_kind(name: str) -> str | None:
    """The kind of the release artefact file *name* (``wheel``, ``sdist``, ``data_zip``), or None."""
    if name.endswith(".whl"):
        return "wheel"
    if name.endswith("-data.zip"):
        return "data_zip"
    if name.endswith(".tar.gz"):
        return "sdist"
    return None


def read_record(path: Path) -> list[Release]:
    """The releases in the record at *path*, in its order (none when the file is missing)."""
    if not path.is_file():
        return []
    with path.open(encoding="utf-8", newline="") as handle:
        return [Release(row["version"], row["commit"], row["date"],
                        {kind: row.get(f"{kind}_sha256", "") for kind in ARTEFACT_KINDS}, row.get("note", ""))
                for row in csv.DictReader(handle)]


def write_record(path: Path, release: Release) -> None:
    """Add *release* to the record at *path*, replacing the row of the same version; rows sorted by version."""
    releases = {row.version: row for row in read_record(path)}
    releases[release.version] = release
    text = io.StringIO()
    writer = csv.DictWriter(text, COLUMNS, lineterminator="\n")
    writer.writeheader()
    for version in sorted(releases, key=lambda v: tuple(int(part) for part in v.split("."))):
        writer.writerow(releases[version].row())
    path.write_text(text.getvalue(), encoding="utf-8")


def checksums(text: str) -> dict[str, str]:
    """{kind: sha256} from the text of a ``SHA256SUMS`` file."""
    found = {}
    for line in text.splitlines():
        digest, _, name = line.partition("  ")
        kind = artefact_kind(name.strip())
        if kind:
            found[kind] = digest.strip()
    return found


def is_version(text: str) -> bool:
    """Whether *text* reads as a release version (``MAJOR.MINOR.PATCH``) rather than a path."""
    return VERSION.fullmatch(text) is not None


def _git(args: list[str], cwd: Path) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False)
    except FileNotFoundError as exc:
        raise ReleaseNotFoundError("git is not installed, so a release cannot be named by its version") from exc


def checkout_root(start: Path) -> Path:
    """The root of the git checkout holding *start*."""
    result = _git(["rev-parse", "--show-toplevel"], start)
    if result.returncode != 0:
        raise ReleaseNotFoundError(f"{start.resolve()} is not in a git checkout, so a release cannot be named by its version")
    return Path(result.stdout.decode().strip())


def find_release(version: str, start: Path) -> tuple[Path, Release]:
    """The checkout root and the record's row of *version*."""
    root = checkout_root(start)
    for release in read_record(root / RECORD):
        if release.version == version:
            if not release.commit:
                raise ReleaseNotFoundError(f"release {version}: {RECORD} records no git commit for it")
            return root, release
    raise ReleaseNotFoundError(f"release {version} is not in {root / RECORD}; name a package folder or data zip instead")


@contextmanager
def release_package(version: str, start: Path | None = None) -> Iterator[Path]:
    """A temporary folder holding the package files of release *version*, from the checkout at *start*.

    Raises:
        ReleaseNotFoundError: no git, no checkout, the version is not in the record, or its commit
            is not in this clone.
    """
    root, release = find_release(version, start or Path.cwd())
    shown = _git(["show", f"{release.commit}:datapackage.json"], root)
    if shown.returncode != 0:
        raise ReleaseNotFoundError(f"release {version}: commit {release.commit[:12]} or its datapackage.json is not in this clone")
    descriptor = json.loads(shown.stdout)
    paths = ["datapackage.json"]
    for resource in descriptor.get("resources", []):
        paths += [value for value in (resource.get("path"), resource.get("schema")) if isinstance(value, str)]
    archived = _git(["archive", "--format=tar", release.commit, "--", *dict.fromkeys(paths)], root)
    if archived.returncode != 0:
        raise ReleaseNotFoundError(f"release {version}: git archive {release.commit[:12]} failed: "
                                   f"{archived.stderr.decode(errors='replace').strip().splitlines()[-1:]}")
    with tempfile.TemporaryDirectory(prefix=f"painimmune-{version}-") as folder:
        with tarfile.open(fileobj=io.BytesIO(archived.stdout)) as tar:
            tar.extractall(folder, filter="data")
        yield Path(folder)
