"""The website's downloads: the data zip and the data in the formats other tools read, each a
reproducible zip (:mod:`painimmune.export.archive`) written by the exporters themselves."""

from __future__ import annotations

import hashlib
import tempfile
from dataclasses import dataclass
from datetime import datetime

from painimmune.export import write_format
from painimmune.export.archive import data_members, release_moment, write_zip
from painimmune.output import OutputFolder
from painimmune.package.descriptor import DataPackage

FOLDER = "downloads"
# (export format, label, what a reader does with it), in the order the home page lists them.
FORMATS = (
    ("parquet", "Parquet", "one typed Parquet file per table, for pandas, R (arrow), DuckDB or Spark"),
    ("sqlite", "SQLite", "one database with keys declared, and metadata.json for Datasette"),
    ("kgx", "KGX", "Biolink nodes.tsv and edges.tsv for knowledge-graph tools"),
)


@dataclass(frozen=True)
class Download:
    """One file offered for download: where it lies in the site, what it is, its size and sha256."""

    path: str
    label: str
    description: str
    size: int
    sha256: str


def write_downloads(package: DataPackage, out: OutputFolder) -> list[Download]:
    """Write the data zip and one zip per format of :data:`FORMATS` into ``downloads/`` of *out*.

    *package* must have been validated (the exporters do not validate it again).
    """
    moment = release_moment(package)
    stem = f"painimmune-{package.version}"
    written = [_zip(out, f"{stem}-data.zip", stem, data_members(package), moment,
                    "Data package (CSV)", "the tables as CSV, their Table Schemas and datapackage.json: the release itself")]
    for fmt, label, description in FORMATS:
        with tempfile.TemporaryDirectory() as scratch:
            files = write_format(fmt, package, OutputFolder(scratch))
            members = {path.relative_to(scratch).as_posix(): path.read_bytes() for path in files}
        written.append(_zip(out, f"{stem}-{fmt}.zip", f"{stem}-{fmt}", members, moment, label, description))
    return written


def _zip(out: OutputFolder, name: str, top: str, members: dict[str, bytes], moment: datetime, label: str,
         description: str) -> Download:
    relative = f"{FOLDER}/{name}"
    with out.writing(relative) as temp:
        write_zip(temp, top, members, moment)
        data = temp.read_bytes()
    return Download(relative, label, description, len(data), hashlib.sha256(data).hexdigest())
