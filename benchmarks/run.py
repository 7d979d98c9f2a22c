"""Measure painimmune against the raw floor and write benchmarks/results.md.

    python benchmarks/run.py                   # everything, synthetic packages of 10k, 100k and 1M rows
    python benchmarks/run.py --sizes 10000     # smaller synthetic packages only

Every figure is the median of repeated runs, reported as a ratio against the floor measured in
the same run (import pandas; pandas.read_csv with the same dtypes; importing pandera and
frictionless), because these machines are shared and noisy. Whole processes are timed in turn, A
then B, and the ratio taken pair by pair. Memory is a process's own high-water mark (VmHWM).
``src/`` is compiled to bytecode first, as pip compiles an installed package, so that no process
pays for compiling painimmune's sources. Nothing here is a test: targets are checked and
reported, never asserted.
"""

from __future__ import annotations

import argparse
import compileall
import json
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
from synthetic import generate, repeated_row, tiny_rows  # noqa: E402


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


def paired_seconds(command_a: list[str], command_b: list[str], repeat: int) -> tuple[float, float, float]:
    """Medians of the wall times of *command_a* and *command_b*, run in turn (A, B, A, B, ...) after
    one run of each that is not counted, and the median of their ratios pair by pair."""
    def wall(command: list[str]) -> float:
        start = time.perf_counter()
        subprocess.run(command, capture_output=True, check=True, env=ENV)
        return time.perf_counter() - start

    wall(command_a), wall(command_b)
    pairs = [(wall(command_a), wall(command_b)) for _ in range(repeat)]
    return (statistics.median(a for a, _ in pairs), statistics.median(b for _, b in pairs),
            statistics.median(a / b for a, b in pairs))


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


def measure_load_all_fresh(repeat: int) -> list[Result]:
    """``load_all()`` in a fresh interpreter against one that imports pandas and reads every table
    with ``read_csv`` and the schema's dtypes, handed to it ready-made."""
    package = DataPackage()
    dtypes = {}
    for name in package.table_names:
        dtypes[str(package.table_path(name))] = {
            field["name"]: (["category", enum(field)] if enum(field) else {"integer": "Int64", "boolean": "boolean"}.get(field.get("type", "string"), "str"))
            for field in package.schema(name)["fields"]}
    floor = ("import json, sys; import pandas as pd\n"
             "for path, types in json.load(open(sys.argv[1])).items():\n"
             "    pd.read_csv(path, dtype={c: pd.CategoricalDtype(t[1]) if isinstance(t, list) else t for c, t in types.items()},"
             " keep_default_na=False, na_values=[''])")
    with tempfile.TemporaryDirectory() as folder:
        spec = Path(folder) / "dtypes.json"
        spec.write_text(json.dumps(dtypes), encoding="utf-8")
        ours, floor_s, ratio = paired_seconds([sys.executable, "-c", "import painimmune; painimmune.load_all()"],
                                              [sys.executable, "-c", floor, str(spec)], repeat)
    return [Result("`load_all()` in a fresh process / `read_csv` of every table in a fresh process (wall)",
                   f"{ours * 1000:.0f} ms / {floor_s * 1000:.0f} ms = {ratio:.2f}x", "≤ 1.25x", ratio <= 1.25)]


def measure_validate_fresh(repeat: int) -> list[Result]:
    """``validate()`` in a fresh interpreter against one that imports pandera and frictionless: of the
    real data (pandera is not imported: the pre-check finds nothing for it to report), and of a
    copy with a row written twice (pandera is imported and names the fault)."""
    floor_command = [sys.executable, "-c", "import pandera.pandas, frictionless"]
    ours, floor, ratio = paired_seconds([sys.executable, "-c", f"from painimmune.validation import validate; validate({str(ROOT)!r})"],
                                        floor_command, repeat)
    results = [Result("`validate()` of the real data in a fresh process / `import pandera.pandas, frictionless` (wall)",
                      f"{ours * 1000:.0f} ms / {floor * 1000:.0f} ms = {ratio:.2f}x", "≤ 1.5x", ratio <= 1.5)]
    with tempfile.TemporaryDirectory() as folder:
        path = repeated_row(ROOT, Path(folder) / "faulty")
        ours, floor, ratio = paired_seconds([sys.executable, "-c", f"from painimmune.validation import validate; validate({str(path)!r})"],
                                            floor_command, repeat)
    results.append(Result("`validate()` of a copy with one row written twice (pandera imported, runs and names it) in a fresh "
                          "process / the same floor (wall)", f"{ours * 1000:.0f} ms / {floor * 1000:.0f} ms = {ratio:.2f}x", "reported", None))
    return results


LOAD_ALL = ("import json, sys, time; import painimmune; t = time.perf_counter(); painimmune.load_all(sys.argv[1]); "
            f"print(json.dumps({{'seconds': time.perf_counter() - t, 'peak_mb': {PEAK_MB}}}))")


def measure_memory_per_byte(table_mib: int, repeat: int) -> list[Result]:
    """Memory of validate() and load_all() per byte of CSV added as tiny rows (``withdrawn_rows``
    grown by *table_mib* MiB): peak above that of the same call on the real package, per added byte."""
    results = []
    with tempfile.TemporaryDirectory() as folder:
        path = tiny_rows(ROOT, Path(folder) / "tiny", table_mib * 2**20)
        added = sum(p.stat().st_size for p in (path / "tables").glob("*.csv")) - sum(p.stat().st_size for p in (ROOT / "tables").glob("*.csv"))
        for what, code in (("validate()", VALIDATE), ("load_all()", LOAD_ALL)):
            base = max(child_json(code, str(ROOT))["peak_mb"] for _ in range(repeat))
            peak = max(child_json(code, str(path))["peak_mb"] for _ in range(repeat))
            per_byte = (peak - base) * 2**20 / added
            results.append(Result(f"`{what}` memory per byte of CSV: {added / 2**20:.0f} MiB of tiny rows (5 short cells a row)",
                                  f"peak {peak:.0f} MB, real package {base:.0f} MB: {per_byte:.1f} bytes per byte above it",
                                  "≤ 4 bytes per byte", per_byte <= 4))
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
    package = DataPackage(ROOT)
    relationship_rows = sum(package.resource(name).get("rows", 0) for name in package.relationship_tables)
    results = [Result(f"`validate()` on the real data ({relationship_rows} relationship rows)",
                      f"{base:.2f} s, peak {max(r['peak_mb'] for r in real):.0f} MB", "reported", None)]
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
            target = "≤ 30 s, ≤ 1024 MB" if size >= 1_000_000 else "reported"
            met = (seconds <= 30 and peak <= 1024 and ok) if size >= 1_000_000 else None
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
    parser.add_argument("--tiny-mib", type=int, default=20, help="MiB of tiny rows for the memory per byte")
    args = parser.parse_args(argv)
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    compileall.compile_dir(ROOT / "src", quiet=1)
    results = measure_import(args.repeat) + measure_load(args.repeat) + measure_load_all_fresh(args.repeat)
    results += measure_cli(max(args.repeat // 2, 3)) + measure_validate_fresh(max(args.repeat // 2, 5))
    results += measure_memory_per_byte(args.tiny_mib, 3)
    results += measure_validate(args.sizes, 3)
    write(args.out, "Benchmarks", "run.py", results, started)
    return 0


if __name__ == "__main__":
    sys.exit(main())
