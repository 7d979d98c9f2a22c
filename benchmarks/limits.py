"""Measure the limits of what painimmune accepts and write benchmarks/limits.md.

    python benchmarks/limits.py                    # tables of 10k, 100k and 1M relationship rows
    python benchmarks/limits.py --sizes 10000      # quicker

Each figure is measured in a fresh interpreter (peak memory is that process's maximum resident
set). It reports:

- validation time and peak memory against the size of the largest table, and the memory a table
  at the size limit would need at the measured bytes-to-memory ratio;
- the header check on headers of 100,000 to 3,000,000 extra columns: time per column, so that its
  linearity can be read off;
- how fast, and in how much memory, inputs over a limit are refused: a 1 GiB table, JSON nested
  100,000 deep, a zip member that expands about 1,000 times.

Nothing here is a test: the figures are written down, and the README's Security section quotes
the limits they support.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import sys
import tempfile
import time
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(HERE))

from painimmune.package.files import LIMITS, MIB, TABLES_LIMIT  # noqa: E402
from painimmune.package.zipped import MAX_MEMBERS, MAX_RATIO, MAX_TOTAL  # noqa: E402
from report import PEAK_MB, Result, child_json, write  # noqa: E402
from synthetic import PARTS, generate  # noqa: E402

MEASURE = """
import json, sys, time
t = time.perf_counter()
{body}
print(json.dumps({{'seconds': time.perf_counter() - t, 'peak_mb': """ + PEAK_MB.replace("{", "{{").replace("}", "}}") + """, **out}}))
"""
VALIDATE = MEASURE.format(body="from painimmune.validation import validate\nr = validate(sys.argv[1])\n"
                               "out = {'valid': r.valid, 'problems': len(r.problems), 'rules': sorted({p.rule for p in r.problems})}")
CLI = MEASURE.format(body="import subprocess\np = subprocess.run([sys.executable, '-m', 'painimmune', *sys.argv[1:]], capture_output=True, text=True)\n"
                          "import resource\n"
                          "out = {'exit': p.returncode, 'stderr': p.stderr.strip().splitlines()[-1][:160] if p.stderr.strip() else '', "
                          "'peak_mb': resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}")
BASELINE = MEASURE.format(body="import painimmune.validation, pandas, pandera\nout = {}")


def copy_package(target: Path) -> Path:
    """A copy of the real package to alter."""
    target.mkdir(parents=True)
    for part in PARTS:
        (shutil.copytree if (ROOT / part).is_dir() else shutil.copy2)(ROOT / part, target / part)
    return target


def measure_tables(sizes: list[int]) -> list[Result]:
    """Validation of synthetic packages: time and memory against the largest table's size."""
    baseline = child_json(BASELINE)["peak_mb"]
    results = [Result("peak memory of a process that has imported the validators", f"{baseline:.0f} MB", "reported", None)]
    ratios = []
    with tempfile.TemporaryDirectory() as folder:
        for size in sizes:
            path = generate(ROOT, Path(folder) / str(size), size)
            tables = sorted((p.stat().st_size, p.name) for p in (path / "tables").glob("*.csv"))
            total = sum(size for size, _ in tables)
            largest, name = tables[-1]
            run = child_json(VALIDATE, str(path))
            ratio = (run["peak_mb"] - baseline) * MIB / total
            ratios.append(ratio)
            results.append(Result(f"`validate()` on {size:,} relationship rows ({total / MIB:.0f} MiB of tables; largest "
                                  f"`{name}`, {largest / MIB:.1f} MiB)",
                                  f"{run['seconds']:.1f} s, peak {run['peak_mb']:.0f} MB ({ratio:.1f} bytes of memory per byte of "
                                  f"table above the baseline), valid: {run['valid']}", "reported", None))
            shutil.rmtree(path)
    ratio = ratios[-1]  # the largest package's: the fixed costs matter least there
    estimate = (baseline * MIB + ratio * TABLES_LIMIT) / 2**30
    results.append(Result(f"memory to validate tables at the package limit ({TABLES_LIMIT // MIB} MiB together), at the "
                          f"largest package's {ratio:.1f} bytes per byte", f"about {estimate:.1f} GiB", "reported", None))
    return results


def measure_headers(widths: list[int]) -> list[Result]:
    """The header check on a table whose header has *width* extra columns: linear in the width."""
    base = child_json(VALIDATE, str(ROOT))["seconds"]
    results = [Result("`validate()` on the real package, for comparison", f"{base:.1f} s", "reported", None)]
    per_column = []
    with tempfile.TemporaryDirectory() as folder:
        for width in widths:
            path = copy_package(Path(folder) / str(width))
            table = path / "tables" / "mediators.csv"
            header, rest = table.read_bytes().split(b"\n", 1)
            extra = ",".join(f"extra_column_{i}" for i in range(width)).encode()
            table.write_bytes(header + b"," + extra + b"\n" + rest)
            run = child_json(VALIDATE, str(path))
            added = max(run["seconds"] - base, 0.0)
            per_column.append(added / width)
            results.append(Result(f"header of {width:,} extra columns ({len(extra) / MIB:.1f} MiB)",
                                  f"{run['seconds']:.1f} s ({added / width * 1e6:.2f} µs per column above the real package), "
                                  f"peak {run['peak_mb']:.0f} MB; refused: {not run['valid']} ({', '.join(run['rules'])})",
                                  "reported", None))
            shutil.rmtree(path)
    if len(per_column) > 1:
        spread = per_column[-1] / max(per_column[-2], 1e-9)
        growth = widths[-1] / widths[-2]
        results.append(Result("header check time per column, widest / next widest (a check quadratic in the width would "
                              f"give {growth:.1f}x; a linear one 1x, a little more as its hash tables outgrow the CPU caches)",
                              f"{spread:.2f}x", f"< {(1 + growth) / 2:.1f}x", spread < (1 + growth) / 2))
    return results


def measure_refusals() -> list[Result]:
    """Inputs over a limit: refused up front, quickly, in little memory."""
    results = []
    with tempfile.TemporaryDirectory() as folder:
        big = copy_package(Path(folder) / "big-table")
        table = big / "tables" / "cell_mediators.csv"
        with table.open("r+b") as handle:  # a sparse 1 GiB file: no disc space, the size is what counts
            handle.truncate(2**30)
        run = child_json(VALIDATE, str(big))
        results.append(Result("a 1 GiB table", f"refused in {run['seconds']:.2f} s, peak {run['peak_mb']:.0f} MB ({', '.join(run['rules'])})",
                              f"refused up front (limit {LIMITS['table'] // MIB} MiB)", not run["valid"] and run["seconds"] < 10))
        deep = copy_package(Path(folder) / "deep-json")
        descriptor = json.loads((deep / "datapackage.json").read_text(encoding="utf-8"))
        text = json.dumps(descriptor)[:-1] + ', "deep": ' + "[" * 100_000 + "]" * 100_000 + "}"
        (deep / "datapackage.json").write_text(text, encoding="utf-8")
        run = child_json(CLI, "validate", str(deep))
        results.append(Result("JSON nested 100,000 deep in datapackage.json", f"exit {run['exit']} in {run['seconds']:.2f} s: {run['stderr']}",
                              "one line, non-zero exit", run["exit"] != 0 and "Traceback" not in run["stderr"]))
        bomb = Path(folder) / "bomb.zip"
        _zip_bomb(bomb, ROOT)
        run = child_json(CLI, "diff", str(bomb), str(ROOT))
        with zipfile.ZipFile(bomb) as archive:
            ratio = max(info.file_size / max(info.compress_size, 1) for info in archive.infolist())
        results.append(Result(f"a release zip whose table expands {ratio:.0f}x ({bomb.stat().st_size / MIB:.1f} MiB zipped)",
                              f"exit {run['exit']} in {run['seconds']:.2f} s, peak {run['peak_mb']:.0f} MB: {run['stderr']}",
                              "one line, non-zero exit", run["exit"] != 0 and "Traceback" not in run["stderr"]))
    results.append(Result("zip limits", f"{MAX_MEMBERS:,} members, {MAX_TOTAL // MIB:,} MiB uncompressed, ratio {MAX_RATIO}x per member",
                          "reported", None))
    results.append(Result("file size limits", ", ".join(f"{kind} {limit // MIB} MiB" for kind, limit in LIMITS.items()), "reported", None))
    return results


def _zip_bomb(target: Path, root: Path) -> None:
    """A release-shaped zip whose cell_mediators.csv is 256 MiB of one repeated byte, its hash refreshed."""
    size = 256 * MIB
    digest = hashlib.sha256()
    chunk = b"a" * MIB
    for _ in range(size // MIB):
        digest.update(chunk)
    descriptor = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
    for resource in descriptor["resources"]:
        if resource["name"] == "cell_mediators":
            resource.update(hash=f"sha256:{digest.hexdigest()}", bytes=size)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("painimmune/datapackage.json", json.dumps(descriptor))
        for path in sorted(p for folder in ("tables", "schemas") for p in (root / folder).rglob("*") if p.is_file()):
            name = f"painimmune/{path.relative_to(root).as_posix()}"
            if path.name == "cell_mediators.csv":
                with archive.open(name, "w", force_zip64=True) as member:
                    for _ in range(size // MIB):
                        member.write(chunk)
            else:
                archive.write(path, name)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000], help="synthetic relationship rows")
    parser.add_argument("--widths", type=int, nargs="+", default=[100_000, 1_000_000, 3_000_000], help="extra header columns")
    parser.add_argument("--out", type=Path, default=HERE / "limits.md")
    args = parser.parse_args(argv)
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    results = measure_tables(args.sizes) + measure_headers(args.widths) + measure_refusals()
    write(args.out, "Limits", "limits.py", results, started)
    return 0


if __name__ == "__main__":
    sys.exit(main())
