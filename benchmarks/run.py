"""Measure painimmune against the raw floor and write benchmarks/results.md.

    python benchmarks/run.py                   # everything, synthetic packages of 10k, 100k and 1M rows
    python benchmarks/run.py --sizes 10000     # smaller synthetic packages only

Every figure is the median of repeated runs, reported as a ratio against the floor measured in
the same run (import pandas; pandas.read_csv with the same dtypes), because these machines are
shared and noisy. Nothing here is a test: targets are checked and reported, never asserted.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(HERE))

import pandas as pd  # noqa: E402

import painimmune as pim  # noqa: E402
from painimmune import loader  # noqa: E402
from painimmune.package.descriptor import DataPackage  # noqa: E402
from painimmune.package.schemas import enum  # noqa: E402
from report import ENV, PEAK_MB, Result, child_json, write  # noqa: E402
from synthetic import generate  # noqa: E402


def median_seconds(run, repeat: int) -> float:
    """Median wall time of *run()* over *repeat* calls."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def child_seconds(code: str, repeat: int) -> float:
    """Median of the seconds a fresh interpreter prints after running *code* (which prints them)."""
    values = [float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=ENV).stdout)
              for _ in range(repeat)]
    return statistics.median(values)


def wall_seconds(command: list[str], repeat: int) -> float:
    """Median wall time of running *command* to completion."""
    def run() -> None:
        subprocess.run(command, capture_output=True, check=True, env=ENV)
    return median_seconds(run, repeat)


def measure_import(repeat: int) -> list[Result]:
    timed = "import time; t = time.perf_counter(); import {}; print(time.perf_counter() - t)"
    ours, floor = child_seconds(timed.format("painimmune"), repeat), child_seconds(timed.format("pandas"), repeat)
    ratio = ours / floor
    return [Result("`import painimmune` / `import pandas`", f"{ours * 1000:.0f} ms / {floor * 1000:.0f} ms = {ratio:.2f}x",
                   "≤ 1.05x", ratio <= 1.05)]


def floor_read(package: DataPackage, name: str) -> pd.DataFrame:
    """What a user would write by hand: read_csv with the schema's dtypes."""
    dtypes = {}
    for field in package.schema(name)["fields"]:
        allowed = enum(field)
        kind = field.get("type", "string")
        dtypes[field["name"]] = pd.CategoricalDtype(allowed) if allowed else {"integer": "Int64", "boolean": "boolean"}.get(kind, "str")
    return pd.read_csv(package.table_path(name), dtype=dtypes, keep_default_na=False, na_values=[""])


def measure_load(repeat: int) -> list[Result]:
    package = DataPackage()
    results = []
    worst = 0.0
    cold_lines = []
    for name in package.table_names:
        pim.load(name)  # the second and later loads of a session are served from the cache
        ours = median_seconds(lambda: pim.load(name), repeat)
        floor = median_seconds(lambda: floor_read(package, name), repeat)
        worst = max(worst, ours / floor)
        def uncached(name: str = name) -> None:
            loader._CACHE.clear()
            pim.load(name)

        cold = median_seconds(uncached, repeat)
        cold_lines.append(f"{name} {cold / floor:.2f}x")
        results.append(Result(f"`load('{name}')` / `read_csv`", f"{ours * 1000:.2f} ms / {floor * 1000:.2f} ms = {ours / floor:.2f}x",
                              "≤ 1.25x", ours / floor <= 1.25))
    ours = median_seconds(pim.load_all, repeat)
    floor = median_seconds(lambda: {name: floor_read(package, name) for name in package.table_names}, repeat)
    results.append(Result("`load_all()` / `read_csv` of every table", f"{ours * 1000:.1f} ms / {floor * 1000:.1f} ms = {ours / floor:.2f}x",
                          "≤ 1.25x", ours / floor <= 1.25))
    results.append(Result("first load of each table (uncached: hash check, strict parse, checked casts) / `read_csv`",
                          ", ".join(cold_lines), "reported", None))
    return results


def measure_cli(repeat: int) -> list[Result]:
    floor = wall_seconds([sys.executable, "-c", "import pandas"], repeat)
    results = []
    for option in ("--version", "--help"):
        ours = wall_seconds([sys.executable, "-m", "painimmune", option], repeat)
        traced = subprocess.run([sys.executable, "-X", "importtime", "-m", "painimmune", option], capture_output=True, text=True, env=ENV)
        pandas_imported = any(line.rstrip().endswith("| pandas") for line in traced.stderr.splitlines())
        results.append(Result(f"`painimmune {option}` / `python -c 'import pandas'` (wall)",
                              f"{ours * 1000:.0f} ms / {floor * 1000:.0f} ms = {ours / floor:.2f}x; pandas imported: {pandas_imported}",
                              "< 0.5x, no pandas", ours / floor < 0.5 and not pandas_imported))
    return results


VALIDATE = ("import json, sys, time; from painimmune.validation import validate; t = time.perf_counter(); "
            "r = validate(sys.argv[1]); print(json.dumps({'seconds': time.perf_counter() - t, 'valid': r.valid, "
            f"'peak_mb': {PEAK_MB}}}))")


def validate_child(path: Path) -> dict:
    return child_json(VALIDATE, str(path))


def measure_validate(sizes: list[int], repeat: int) -> list[Result]:
    real = [validate_child(ROOT) for _ in range(repeat)]
    base = statistics.median(r["seconds"] for r in real)
    results = [Result("`validate()` on the real data (192 relationship rows)", f"{base:.2f} s, peak {max(r['peak_mb'] for r in real):.0f} MB",
                      "reported", None)]
    per_row = {}
    with tempfile.TemporaryDirectory() as folder:
        for size in sizes:
            path = generate(ROOT, Path(folder) / str(size), size)
            runs = [validate_child(path) for _ in range(repeat)]
            seconds = statistics.median(r["seconds"] for r in runs)
            spread_s = f"{min(r['seconds'] for r in runs):.1f}–{max(r['seconds'] for r in runs):.1f} s"
            peak = max(r["peak_mb"] for r in runs)
            per_row[size] = (seconds - base) / size  # the cost the rows add to validating the real package
            ok = all(r["valid"] for r in runs)
            target = "< 60 s, < 2048 MB" if size >= 1_000_000 else "reported"
            met = (seconds < 60 and peak < 2048 and ok) if size >= 1_000_000 else None
            results.append(Result(f"`validate()` on {size:,} synthetic relationship rows",
                                  f"median {seconds:.1f} s of {len(runs)} ({spread_s}; {per_row[size] * 1e6:.1f} µs per added row), "
                                  f"peak {peak:.0f} MB, valid: {ok}",
                                  target, met))
            shutil.rmtree(path)
    if len(per_row) > 1:
        spread = max(per_row.values()) / min(per_row.values())
        results.append(Result("time per added row (above the real package's time), largest / smallest across sizes",
                              f"{spread:.2f}x", "≤ 1.5x", spread <= 1.5))
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000], help="synthetic relationship rows")
    parser.add_argument("--repeat", type=int, default=15, help="runs per figure (medians)")
    parser.add_argument("--out", type=Path, default=HERE / "results.md")
    args = parser.parse_args(argv)
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    results = measure_import(args.repeat) + measure_load(args.repeat) + measure_cli(max(args.repeat // 2, 3))
    results += measure_validate(args.sizes, 3)
    write(args.out, "Benchmarks", "run.py", results, started)
    return 0


if __name__ == "__main__":
    sys.exit(main())
