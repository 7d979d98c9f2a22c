"""Measure the website against its budgets and write benchmarks/site.md.

    python benchmarks/site.py

Generation is timed as a whole process from outside, median of 5 after one warm-up: `python -m
painimmune site --out DIR --path ROOT` as a user runs it (interpreter start, import, validation,
downloads, every page), as `farm-bench -n 5 -- python -m painimmune site --out DIR` measures it.
Sizes are read from the files written; the search index is reported apart, as it is loaded only
when a reader starts searching. Nothing here is a test: targets are checked and reported, never
asserted.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from report import ENV, Result, write  # noqa: E402

RUNS = 5
KB = 1024


def whole_process(out: Path) -> float:
    """Wall seconds of one `python -m painimmune site` from its start to its exit."""
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "painimmune", "site", "--out", str(out), "--path", str(ROOT)], check=True,
                   capture_output=True, env=ENV)
    return time.perf_counter() - started


def main() -> int:
    started = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    with tempfile.TemporaryDirectory() as scratch:
        whole_process(Path(scratch) / "warm-up")
        runs = [whole_process(Path(scratch) / f"site{number}") for number in range(RUNS)]
        # the children's high-water mark of resident memory (ru_maxrss, KB on Linux)
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        site = Path(scratch) / "site0"
        pages = {path.relative_to(site).as_posix(): path.stat().st_size for path in site.rglob("*.html")}
        files = {path.relative_to(site).as_posix(): path.stat().st_size for path in site.rglob("*") if path.is_file()}
    seconds = statistics.median(runs)
    index = files["search-data.js"] + files["static/vendor/minisearch.js"]
    largest, largest_size = max(pages.items(), key=lambda item: item[1])
    total = sum(files.values())
    heaviest = sorted(files.items(), key=lambda item: -item[1])[:3]
    results = [
        Result("`painimmune site` on the real data, whole process (start, import, validation, downloads, pages)",
               f"median {seconds:.2f} s of {RUNS} ({min(runs):.2f}–{max(runs):.2f} s), peak {peak:.0f} MB on {os.cpu_count()} CPUs",
               "< 4 s", seconds < 4),
        Result("largest page (HTML before compression)", f"{largest_size / KB:.1f} KB ({largest}); {len(pages)} pages, "
               f"median {statistics.median(pages.values()) / KB:.1f} KB", "< 100 KB", largest_size < 100 * KB),
        Result("whole site", f"{total / KB / KB:.2f} MB in {len(files)} files; largest: "
               + ", ".join(f"{name} {size / KB:.0f} KB" for name, size in heaviest), "< 8 MiB (a page per row)", total < 8 * KB * KB),
        Result("what every page loads (style.css minified at build, search.js)",
               f"{(files['static/style.css'] + files['static/search.js']) / KB:.1f} KB", "-", None),
        Result("search index, loaded only when a reader starts searching (search-data.js, minisearch.js)",
               f"{index / KB:.0f} KB ({files['search-data.js'] / KB:.0f} KB + {files['static/vendor/minisearch.js'] / KB:.0f} KB)",
               "-", None),
    ]
    write(HERE / "site.md", "Website benchmarks", "site.py", results, started)
    return 0 if all(result.met is not False for result in results) else 1


if __name__ == "__main__":
    sys.exit(main())
