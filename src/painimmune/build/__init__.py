"""Build the data package: compose and normalise what a curator edits, regenerate what is derived.

    python scripts/build.py           # rewrite what is stale
    python scripts/build.py --check   # report what is stale, write nothing, exit 1 if anything is
    python scripts/build.py --screenshots   # also photograph the website for the README

The build owns every derived file:

- each Table Schema, with the shared fields of its role written in (``schemas/shared/fields.json``,
  see :mod:`painimmune.package.composition`);
- each table in normal form (UTF-8 without BOM, LF line ends, canonical CSV quoting, rows sorted by
  primary key), and its ``hash``, ``bytes`` and ``rows`` in datapackage.json;
- ``fileHashes`` in datapackage.json: the hash of every other file a rule reads
  (:mod:`painimmune.package.fingerprints`: the Table Schemas, the shared field definitions,
  ``CITATION.cff``, ``CHANGELOG.md``, ``croissant.json`` and the reference tables);
- docs/data-dictionary.md, docs/rules.md, docs/api.md, docs/curation-report.md and docs/network.svg (the figure
  needs matplotlib: ``pip install ".[figure]"``; without it the figure is neither drawn nor checked,
  and the build says so);
- the citation files CITATION.cff and .zenodo.json;
- croissant.json, the package's Croissant 1.1 metadata (:mod:`painimmune.export.croissant`), which
  the data zip carries;
- with ``--screenshots``, docs/site-entity.png and docs/site-source.png: the website
  (:mod:`painimmune.site`) as chromium shows it at 1280x800 (:mod:`painimmune.site.preview`). A
  screenshot's pixels depend on the machine's fonts, so ``--check`` does not compare them.

Running it twice changes nothing the second time. It never records metadata for data that are
wrong: the package, with its schemas composed, is validated first, and any problem other than those
the build repairs (:func:`painimmune.validation.rules.repaired_by_build`) stops it, with each problem
named and nothing written.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from painimmune import citations
from painimmune.build import api_page, curation_report, data_dictionary, figure, rules_page
from painimmune.errors import DataError, PainimmuneError
from painimmune.export import croissant
from painimmune.normalise import normalised_table
from painimmune.output import OutputFolder
from painimmune.package.composition import compose, shared_definitions
from painimmune.package.descriptor import DataPackage
from painimmune.package.fingerprints import CITATION, fingerprinted
from painimmune.package.integrity import sha256
from painimmune.package.locate import DESCRIPTOR
from painimmune.validation import Problem, validate
from painimmune.validation.rules import repaired_by_build


@dataclass(frozen=True)
class Output:
    """A file the build produces, with its new bytes."""

    path: Path
    content: bytes

    def is_stale(self) -> bool:
        return not self.path.is_file() or self.path.read_bytes() != self.content


def json_bytes(document: Any) -> bytes:
    """A JSON file as the build writes it: two-space indent, UTF-8, trailing newline."""
    return (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def composed_package(root: Path) -> tuple[DataPackage, list[Output]]:
    """The package at *root* with its schemas composed in memory, and the schema files (each as
    composed, in the build's JSON form)."""
    package = DataPackage(root)
    if package.archive is not None:
        raise DataError(f"{package.archive}: a release zip cannot be built; build a package folder")
    shared = shared_definitions(package)
    outputs = []
    for name in package.table_names:
        composed = compose(package.schema(name), shared) if shared is not None else package.schema(name)
        outputs.append(Output(package.schema_path(name), json_bytes(composed)))
        package.use_schema(name, composed)
    return package, outputs


def tables(package: DataPackage) -> list[Output]:
    """The tables in normal form, their hash, bytes and rows recorded on their resources."""
    outputs = []
    for name in package.table_names:
        content, rows = normalised_table(package, name)
        outputs.append(Output(package.table_path(name), content))
        resource = package.resource(name)
        resource["hash"] = sha256(content)
        resource["bytes"] = len(content)
        resource["rows"] = rows
    return outputs


def descriptor(package: DataPackage, hashed: list[Output]) -> Output:
    """datapackage.json, its ``fileHashes`` recording the hash of every file in *hashed*."""
    hashes = {output.path.relative_to(package.root).as_posix(): sha256(output.content) for output in hashed}
    package.descriptor["fileHashes"] = dict(sorted(hashes.items()))
    return Output(package.root / DESCRIPTOR, json_bytes(package.descriptor))


def documents(root: Path, notes: list[str]) -> list[Output]:
    """The documents derived from a built package: the data dictionary, the rules, the curation
    report, the figure and the citation files. Lines for the user (what could not be built here)
    are added to *notes*."""
    package = DataPackage(root)
    outputs = [
        Output(root / "docs" / "data-dictionary.md", data_dictionary.render(package).encode("utf-8")),
        Output(root / "docs" / "rules.md", rules_page.render().encode("utf-8")),
        Output(root / "docs" / "api.md", api_page.render().encode("utf-8")),
        Output(root / "docs" / "curation-report.md", curation_report.render(package).encode("utf-8")),
    ]
    try:
        outputs.append(Output(root / figure.FIGURE, figure.render(package)))
    except ImportError:
        notes.append(f"{figure.FIGURE} neither drawn nor checked: matplotlib is not installed (pip install '.[figure]')")
    facts = citations.release(root)
    outputs.append(Output(root / "CITATION.cff", citations.cff(facts).encode("utf-8")))
    outputs.append(Output(root / ".zenodo.json", citations.zenodo_json(facts).encode("utf-8")))
    return outputs


def blocking_problems(package: DataPackage) -> list[Problem]:
    """Validation problems that the build cannot repair and must not paper over with fresh metadata."""
    repaired = repaired_by_build()
    return [problem for problem in validate(package).problems if problem.rule not in repaired]


def main(argv: list[str] | None = None, default_root: Path | None = None) -> int:
    """The ``scripts/build.py`` command; returns its exit status."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--check", action="store_true", help="report stale files without writing; exit 1 if any")
    parser.add_argument("--root", type=Path, default=default_root or Path.cwd(), help="package directory")
    parser.add_argument("--screenshots", action="store_true",
                        help="also photograph the website in chromium for docs/ (needs chromium and playwright)")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    notes: list[str] = []
    try:
        package, outputs = composed_package(root)
        blocking = blocking_problems(package)
        if blocking:
            for problem in blocking:
                print(problem, file=sys.stderr)
            print(f"build: refused: the package has {len(blocking)} problem(s) that a build cannot fix; "
                  "nothing was written", file=sys.stderr)
            return 1
        stale = _stale(outputs + tables(package), root, args.check)
        # Every other file a rule reads is hashed in the descriptor (see fingerprinted()); the
        # Croissant description is generated here, from the tables just hashed.
        metadata = Output(root / croissant.FILE, json_bytes(croissant.croissant(package)))
        stale += _stale([metadata], root, args.check)
        hashed = [*outputs, metadata, Output(root / CITATION, citations.cff(citations.release(root, verify=False)).encode("utf-8"))]
        hashed += [Output(root / relative, package.file(relative, "json" if relative.endswith(".json") else "text"))
                   for relative in fingerprinted(package) if relative not in {o.path.relative_to(root).as_posix() for o in hashed}]
        stale += _stale([descriptor(package, hashed)], root, args.check)
        # The documents are derived from the built tables: in --check mode they are checked only
        # once the tables and their metadata are current.
        if not (args.check and stale):
            stale += _stale(documents(root, notes), root, args.check)
        else:
            notes.append("documents not checked: the tables and their metadata must be built first")
        if args.screenshots and not args.check:
            from painimmune.site.preview import screenshots

            for written in screenshots(root, root / "docs"):
                print(f"wrote: {written.relative_to(root)}")
    except PainimmuneError as exc:
        print(f"build: {exc}", file=sys.stderr)
        return 1
    for note in notes:
        print(f"note: {note}", file=sys.stderr)
    if args.check and stale:
        print("build: generated files are stale; run `python scripts/build.py`", file=sys.stderr)
        return 1
    if not stale:
        print("build: everything is current")
    return 0


def _stale(outputs: list[Output], root: Path, check: bool) -> list[Output]:
    """The *outputs* whose file differs from their content; each is written unless *check*."""
    stale = [output for output in outputs if output.is_stale()]
    folder = None if check else OutputFolder(root)
    for output in stale:
        relative = output.path.relative_to(root)
        if folder is None:
            print(f"stale: {relative}")
        else:
            folder.write_bytes(relative.as_posix(), output.content)
            print(f"wrote: {relative}")
    return stale
