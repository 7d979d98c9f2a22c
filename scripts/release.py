"""Build the release artefacts of this checkout, reproducibly.

    python scripts/release.py --out dist

Writes to DIR: the wheel, the sdist, the data zip ``painimmune-<version>-data.zip``
(datapackage.json, tables, schemas, CITATION.cff, README, CHANGELOG, licences) and ``SHA256SUMS``
(:func:`artefact_names`). In a git checkout it then adds the release to the release record
``releases.csv`` (:mod:`painimmune.releases`): version, commit, date and each artefact's sha256 from
``SHA256SUMS``; the record is generated here, never edited by hand, and is the one file a release
writes into the checkout (commit it after the release).
None of them holds the source texts (``sources/``): they are third-party works (LICENSE-DATA).
Every timestamp is the release date in datapackage.json (``created``) and every archive lists its
entries in sorted order, so two runs on the same commit give byte-identical files.

DIR must be a new or empty folder, or an earlier release's (:mod:`painimmune.destination`): never a
system folder, the home folder, the checkout or a folder inside it other than ``dist`` (where Python
tools put what they build, and which .gitignore ignores). The release is written whole into a
staging folder and moved into place at the end, replacing the earlier release's files.

It refuses a checkout with uncommitted changes, stale generated files, validation problems, or a
symbolic link, FIFO or device among the files it ships (:data:`SHIPPED`; a copy never follows links).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))  # release this checkout's code, never an installed copy

from painimmune.destination import StagedOutput  # noqa: E402
from painimmune.errors import MissingDependencyError, PainimmuneError  # noqa: E402
from painimmune.export.archive import ZIP_EPOCH_FLOOR, write_data_zip  # noqa: E402
from painimmune.output import OutputFolder  # noqa: E402
from painimmune.package.copying import package_files  # noqa: E402
from painimmune.package.descriptor import DataPackage  # noqa: E402
from painimmune.releases import RECORD, Release, checksums, write_record  # noqa: E402

try:
    from painimmune.validation import validate
except MissingDependencyError as exc:  # a light install: one line saying what to install
    sys.exit(f"release: {exc}")


COMMAND = "scripts/release.py"  # the command its output marker names
ARTEFACTS_FOLDER = "dist"  # the one folder inside the checkout that a release may be written into
# What the sdist and the data zip ship from the checkout (pyproject.toml's sdist include): never the
# source texts in sources/, which the checkout keeps for curators (LICENSE-DATA).
SHIPPED = ("src", "tables", "schemas", "scripts", "tests", "docs", "curation", "reference", "datapackage.json", "croissant.json",
           "README.md", "CHANGELOG.md", "CITATION.cff", ".zenodo.json", "LICENSE", "LICENSE-DATA")


CHECKSUMS = "SHA256SUMS"


def artefact_names(version: str) -> list[str]:
    """The names of the files a release of *version* writes, sorted (the release workflow attaches exactly these)."""
    return sorted([f"painimmune-{version}-py3-none-any.whl", f"painimmune-{version}.tar.gz",
                   f"painimmune-{version}-data.zip", CHECKSUMS])


class ReleaseError(Exception):
    """The checkout cannot be released as it is."""


def release_time(package: DataPackage) -> datetime:
    """The release date from datapackage.json ``created``, used for every timestamp in the artefacts."""
    created = str(package.descriptor.get("created", ""))
    try:
        moment = datetime.fromisoformat(created.replace("Z", "+00:00"))
    except ValueError as exc:
        raise ReleaseError(f"datapackage.json: 'created' {created!r} is not an ISO 8601 date-time") from exc
    return max(moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc), ZIP_EPOCH_FLOOR)


def check_ready(root: Path) -> None:
    """Refuse a link among the files shipped, uncommitted changes, stale generated files and an invalid package."""
    package_files(root, SHIPPED, skip=("__pycache__",))
    if (root / ".git").exists():
        status = subprocess.run(["git", "status", "--porcelain"], cwd=root, capture_output=True, text=True, check=True).stdout
        status = "".join(line for line in status.splitlines(keepends=True) if line[3:].strip() != RECORD)  # the release writes it
        if status.strip():
            raise ReleaseError(f"the checkout has uncommitted changes; commit or stash them first:\n{status.rstrip()}")
    stale = subprocess.run([sys.executable, str(root / "scripts" / "build.py"), "--root", str(root), "--check"],
                           capture_output=True, text=True)
    if stale.returncode != 0:
        raise ReleaseError(f"generated files are stale or the package is invalid; run `python scripts/build.py`:\n"
                           f"{(stale.stdout + stale.stderr).rstrip()}")
    report = validate(root)
    if not report.valid:
        raise ReleaseError(f"the package does not validate:\n{report}")


def build_python_artefacts(root: Path, out: Path, moment: datetime) -> list[Path]:
    """The sdist, and the wheel built from it, with SOURCE_DATE_EPOCH fixing their timestamps."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": str(int(moment.timestamp()))}
    result = subprocess.run([sys.executable, "-m", "build", "--outdir", str(out), str(root)], env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise ReleaseError(f"python -m build failed:\n{(result.stdout + result.stderr)[-3000:]}")
    return sorted(out.glob("*.whl")) + sorted(out.glob("*.tar.gz"))


def build_data_zip(root: Path, target: Path) -> Path:
    """The data zip: one top folder ``painimmune-<version>/``, entries sorted, fixed times and modes;
    the same bytes as the website's download of this release (one writer: ``write_data_zip``)."""
    return write_data_zip(DataPackage(root), target)


def write_checksums(files: list[Path], out: OutputFolder) -> Path:
    """``SHA256SUMS`` in the format ``sha256sum -c`` reads, sorted by file name."""
    lines = [f"{hashlib.sha256(path.read_bytes()).hexdigest()}  {path.name}\n" for path in sorted(files, key=lambda p: p.name)]
    return out.write_text(CHECKSUMS, "".join(lines))


def release(root: Path, out: Path) -> list[Path]:
    """Build every artefact of the release of *root* into *out*; returns the files written.

    *out* is checked first (see the module docstring); each artefact is built in a scratch folder,
    copied into the staged output, and the whole release moved into *out* at the end.
    """
    staged = StagedOutput(out, COMMAND, root, exempt=[root / ARTEFACTS_FOLDER])
    check_ready(root)
    package = DataPackage(root)
    moment = release_time(package)
    with staged as folder, tempfile.TemporaryDirectory() as scratch:
        built = build_python_artefacts(root, Path(scratch), moment)
        built.append(build_data_zip(root, Path(scratch) / f"painimmune-{package.version}-data.zip"))
        artefacts = [_copy_into(folder, path) for path in built]
        written = [*artefacts, write_checksums(artefacts, folder)]
        if sorted(path.name for path in written) != artefact_names(package.version):
            raise ReleaseError(f"the release wrote {sorted(p.name for p in written)}, not {artefact_names(package.version)}")
    placed = staged.placed(written)
    record_release(root, package, (out / CHECKSUMS).read_text(encoding="utf-8"))
    return placed


def record_release(root: Path, package: DataPackage, sums: str) -> None:
    """Add this release to ``releases.csv`` at *root* (a git checkout only: the record names a commit)."""
    if not (root / ".git").exists():
        return
    commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, check=True).stdout.strip()
    write_record(root / RECORD, Release(package.version, commit, release_time(package).date().isoformat(), checksums(sums),
                                        f"written by {COMMAND}"))


def _copy_into(folder: OutputFolder, path: Path) -> Path:
    with folder.writing(path.name) as temporary:
        shutil.copyfile(path, temporary)
    return folder.target(path.name)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="directory for the artefacts")
    parser.add_argument("--root", type=Path, default=ROOT, help="checkout to release (default: this one)")
    args = parser.parse_args(argv)
    try:
        written = release(args.root.resolve(), args.out)
    except (ReleaseError, PainimmuneError) as exc:
        print(f"release: refused: {exc}", file=sys.stderr)
        return 1
    for path in written:
        print(f"wrote: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
