"""The website's downloads: the data zip (the release's own, byte for byte:
:func:`painimmune.export.archive.write_data_zip`) and the data in the formats other tools read,
each a reproducible zip (:mod:`painimmune.export.archive`) written by the exporters themselves."""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from painimmune.export import write_format
from painimmune.export.archive import release_moment, write_data_zip, write_zip
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
    written = [_zip(out, f"{stem}-data.zip", partial(write_data_zip, package),
                    "Data package (CSV)", "the tables as CSV, their Table Schemas and datapackage.json: the release itself")]
    for fmt, label, description in FORMATS:
        with tempfile.TemporaryDirectory() as scratch:
            files = write_format(fmt, package, OutputFolder(scratch))
            members = {path.relative_to(scratch).as_posix(): path.read_bytes() for path in files}
        written.append(_zip(out, f"{stem}-{fmt}.zip", partial(write_zip, top=f"{stem}-{fmt}", members=members, moment=moment),
                            label, description))
    return written


def _zip(out: OutputFolder, name: str, write: Callable[[Path], Path], label: str, description: str) -> Download:
    """The download *name* of ``downloads/``, written by *write* (given the file to write)."""
    relative = f"{FOLDER}/{name}"
    with out.writing(relative) as temp:
        write(temp)
        data = temp.read_bytes()
    return Download(relative, label, description, len(data), hashlib.sha256(data).hexdigest())
