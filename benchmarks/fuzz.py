"""The long fuzz run: the properties of tests/test_fuzz.py with many more generated inputs.

    python benchmarks/fuzz.py            # the 'long' hypothesis profile (400 examples per property)

A report, not a timed test: it writes benchmarks/fuzz.md (how many examples ran, how long they
took, whether every property held) and exits non-zero if any input broke a property (hypothesis
prints the smallest such input).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from report import Result, write  # noqa: E402


def main() -> int:
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    began = time.monotonic()
    env = {**os.environ, "PAINIMMUNE_FUZZ_PROFILE": "long"}
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-m", "slow", "-n", "0", "--hypothesis-show-statistics",
                             str(ROOT / "tests" / "test_fuzz.py")], env=env, cwd=ROOT, capture_output=True, text=True)
    print(result.stdout[-20000:], result.stderr[-5000:], sep="\n")
    results = []
    for name, body in re.findall(r"tests/test_fuzz\.py::(\w+):\n(.*?)(?=\ntests/test_fuzz\.py::|\n=|\Z)", result.stdout, flags=re.DOTALL):
        phases = [(int(passed), int(failed)) for passed, failed in re.findall(r"(\d+) passing, (\d+) failing", body)]
        runtimes = re.search(r"Typical runtimes: ([^\n,]+)", body)
        if phases:
            passed, failed = sum(p for p, _ in phases), sum(f for _, f in phases)
            results.append(Result(f"`{name}`", f"{passed} passing, {failed} failing examples; typical runtime "
                                  f"{runtimes.group(1) if runtimes else 'not reported'}", "0 failing", failed == 0))
    summary = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else "no output"
    results.append(Result("whole run", f"{summary}; {time.monotonic() - began:.0f} s", "exit 0", result.returncode == 0))
    write(HERE / "fuzz.md", "Fuzz (long profile)", "fuzz.py", results, started)
    return result.returncode


if __name__ == "__main__":
    sys.exit(main())
