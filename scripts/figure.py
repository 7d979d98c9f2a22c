"""Draw the network figure of this checkout into any file matplotlib writes (needs pip install ".[figure]").

    python scripts/figure.py --out network.png   # to look at it; docs/network.svg is written by scripts/build.py

The drawing is :mod:`painimmune.build.figure`.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from painimmune.build.figure import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main(default_root=ROOT))
