"""Build the data package: compose and normalise the tables and schemas, regenerate what is derived.

    python scripts/build.py           # rewrite what is stale
    python scripts/build.py --check   # report what is stale, write nothing, exit 1 if anything is

The build itself is :mod:`painimmune.build` (its docstring lists every file it owns); this script
runs it on this checkout with this checkout's code, never an installed copy.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from painimmune.errors import MissingDependencyError  # noqa: E402

try:
    from painimmune.build import main
except MissingDependencyError as exc:  # a light install: one line saying what to install
    sys.exit(f"build: {exc}")

if __name__ == "__main__":
    sys.exit(main(default_root=ROOT))
