"""Measure the website against its budgets and write benchmarks/site.md.

    python benchmarks/site.py

Generation is timed in a fresh interpreter per run (`painimmune site` as a user runs it: import,
validation, downloads, every page), median of 5. Sizes are read from the files written. Nothing
here is a test: targets are checked and reported, never asserted.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from report import PEAK_MB, Result, child_json, write  # noqa: E402

RUNS = 5
KB = 1024
BUILD = ("import json, sys, time; t = time.perf_counter(); from painimmune.site import build_site; "
         "build_site(sys.argv[1], sys.argv[2]); print(json.dumps({'seconds': time.perf_counter() - t, 'peak_mb': " + PEAK_MB + "}))")


def main() -> int:
    started = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    with tempfile.TemporaryDirectory() as scratch:
        runs = [child_json(BUILD, str(Path(scratch) / f"site{number}"), str(ROOT)) for number in range(RUNS)]
        site = Path(scratch) / "site0"
        pages = {path.relative_to(site).as_posix(): path.stat().st_size for path in site.rglob("*.html")}
        files = {path.relative_to(site).as_posix(): path.stat().st_size for path in site.rglob("*") if path.is_file()}
    seconds = statistics.median(run["seconds"] for run in runs)
    largest, largest_size = max(pages.items(), key=lambda item: item[1])
    total = sum(files.values())
    heaviest = sorted(files.items(), key=lambda item: -item[1])[:3]
    results = [
        Result("site generation for the real data (import, validation, downloads, pages)",
               f"median {seconds:.2f} s of {RUNS} ({min(r['seconds'] for r in runs):.2f}–{max(r['seconds'] for r in runs):.2f} s), "
               f"peak {max(r['peak_mb'] for r in runs):.0f} MB", "< 5 s", seconds < 5),
        Result("largest page (HTML before compression)", f"{largest_size / KB:.1f} KB ({largest}); {len(pages)} pages, "
               f"median {statistics.median(pages.values()) / KB:.1f} KB", "< 100 KB", largest_size < 100 * KB),
        Result("whole site", f"{total / KB / KB:.2f} MB in {len(files)} files; largest: "
               + ", ".join(f"{name} {size / KB:.0f} KB" for name, size in heaviest), "< 5 MB", total < 5 * KB * KB),
    ]
    write(HERE / "site.md", "Website benchmarks", "site.py", results, started)
    return 0 if all(result.met is not False for result in results) else 1


if __name__ == "__main__":
    sys.exit(main())
