"""What the benchmark scripts share: a measured figure against its target, the machine, the report."""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ENV = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
# Peak memory of the measuring process itself, in MB, as code for a child interpreter to print. The
# high-water mark of the process's own memory (VmHWM), not ru_maxrss, which a child started from a
# large parent inherits.
PEAK_MB = "int(next(line for line in open('/proc/self/status') if line.startswith('VmHWM')).split()[1]) / 1024"


@dataclass
class Result:
    """One measured figure against its target."""

    what: str
    measured: str
    target: str
    met: bool | None  # None: reported, no target


def child_json(code: str, *args: str) -> dict:
    """What a fresh interpreter running *code* prints as JSON (its last line)."""
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, check=True, env=ENV).stdout
    return json.loads(out.strip().splitlines()[-1])


def machine() -> str:
    """The machine and the library versions the figures were measured with."""
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor()) if Path("/proc/cpuinfo").exists() else platform.processor()
    memory = ""
    if Path("/proc/meminfo").exists():
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kb / 1024 / 1024:.0f} GB RAM"
    import pandas as pd
    try:
        import pyarrow
        arrow = f", pyarrow {pyarrow.__version__}"
    except ImportError:
        arrow = ", no pyarrow"
    return (f"{platform.system()} {platform.release()}, {cpu}, {os.cpu_count()} CPUs{memory}; Python {platform.python_version()}, "
            f"pandas {pd.__version__}{arrow}")


def render(title: str, script: str, results: list[Result], started: str, notes: list[str] | None = None) -> str:
    """The Markdown report: a table of figures against targets, then *notes*."""
    lines = [f"# {title}", "", f"Written by `python benchmarks/{script}` on {started}.", "", f"Machine: {machine()}", "",
             "| measurement | result | target | met |", "|---|---|---|---|"]
    mark = {True: "yes", False: "**no**", None: "-"}
    lines += [f"| {r.what} | {r.measured} | {r.target} | {mark[r.met]} |" for r in results]
    failed = [r for r in results if r.met is False]
    lines += ["", "All targets met." if not failed else f"{len(failed)} target(s) not met: " + "; ".join(r.what for r in failed) + "."]
    if notes:
        lines += ["", *notes]
    return "\n".join(lines) + "\n"


def write(path: Path, title: str, script: str, results: list[Result], started: str) -> None:
    """Render the report, write it to *path* and print it."""
    text = render(title, script, results, started)
    path.write_text(text, encoding="utf-8")
    print(text)
