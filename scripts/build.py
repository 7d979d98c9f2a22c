"""Build the data package: normalise the tables and refresh what is derived from them.

    python scripts/build.py           # rewrite what is stale
    python scripts/build.py --check   # report what is stale, write nothing, exit 1 if anything is

Normalising a table means: UTF-8 without BOM, LF line ends, canonical CSV quoting, rows sorted by
primary key. Derived files: each resource's ``hash``, ``bytes`` and ``rows`` in datapackage.json,
docs/curation-report.md, docs/data-dictionary.md, and the citation files CITATION.cff and .zenodo.json.
Running it twice changes nothing the second time. It never records metadata for data that are
wrong: the package is validated first, and any problem other than the stale metadata and row
order the build itself fixes stops it, with each problem named.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Run against this checkout's code, never a stale installed copy.
sys.path.insert(0, str(ROOT / "src"))

from painimmune import citations  # noqa: E402
from painimmune.descriptor import DataPackage  # noqa: E402
from painimmune.errors import PainimmuneError  # noqa: E402
from painimmune.locate import DESCRIPTOR  # noqa: E402
from painimmune.normalise import normalised_table  # noqa: E402
from painimmune.validation import Problem, validate  # noqa: E402

import curation_report  # noqa: E402  (beside this script)
import data_dictionary  # noqa: E402


@dataclass(frozen=True)
class Output:
    """A file the build produces, with its new bytes."""

    path: Path
    content: bytes

    def is_stale(self) -> bool:
        return not self.path.is_file() or self.path.read_bytes() != self.content


def descriptor_bytes(descriptor: dict) -> bytes:
    """datapackage.json as written by the build: two-space indent, UTF-8, trailing newline."""
    return (json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def plan(root: Path) -> list[Output]:
    """Every file the build would write, with its content."""
    root = root.resolve()
    package = DataPackage(root)
    outputs = []
    descriptor = package.descriptor
    for name in package.table_names:
        content, rows = normalised_table(package, name)
        outputs.append(Output(package.table_path(name), content))
        resource = package.resource(name)
        resource["hash"] = "sha256:" + hashlib.sha256(content).hexdigest()
        resource["bytes"] = len(content)
        resource["rows"] = rows
    outputs.append(Output(root / DESCRIPTOR, descriptor_bytes(descriptor)))
    outputs.append(Output(root / "docs" / "data-dictionary.md", data_dictionary.render(package).encode("utf-8")))
    outputs.append(Output(root / "docs" / "curation-report.md", curation_report.render(root).encode("utf-8")))
    facts = citations.release(root, verify=False)
    outputs.append(Output(root / "CITATION.cff", citations.cff(facts).encode("utf-8")))
    outputs.append(Output(root / ".zenodo.json", citations.zenodo_json(facts).encode("utf-8")))
    return outputs


# Problems the build exists to fix: stale hash, bytes and rows, and rows out of order.
FIXED_BY_BUILD = frozenset({"hash-count", "byte-count", "row-count", "not-normalised"})


def blocking_problems(root: Path) -> list[Problem]:
    """Validation problems that the build cannot fix and must not paper over with fresh metadata."""
    return [problem for problem in validate(root).problems if problem.rule not in FIXED_BY_BUILD]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="report stale files without writing; exit 1 if any")
    parser.add_argument("--root", type=Path, default=ROOT, help="package directory (default: this checkout)")
    args = parser.parse_args(argv)
    try:
        outputs = plan(args.root)
    except PainimmuneError as exc:
        print(f"build: {exc}", file=sys.stderr)
        return 1
    blocking = blocking_problems(args.root)
    if blocking:
        for problem in blocking:
            print(problem, file=sys.stderr)
        print(f"build: refused: the package has {len(blocking)} problem(s) that a build cannot fix; "
              "nothing was written", file=sys.stderr)
        return 1
    stale = [output for output in outputs if output.is_stale()]
    for output in stale:
        relative = output.path.relative_to(args.root.resolve())
        if args.check:
            print(f"stale: {relative}")
        else:
            output.path.parent.mkdir(parents=True, exist_ok=True)
            output.path.write_bytes(output.content)
            print(f"wrote: {relative}")
    if args.check and stale:
        print("build: generated files are stale; run `python scripts/build.py`", file=sys.stderr)
        return 1
    if not stale:
        print("build: everything is current")
    return 0


if __name__ == "__main__":
    sys.exit(main())
