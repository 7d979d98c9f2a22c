"""Shared fixtures: the real package, and throw-away copies of it for breaking."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE_PARTS = ("datapackage.json", "tables", "schemas", "sources", "curation", "CITATION.cff", "CHANGELOG.md")


@pytest.fixture
def package_copy(tmp_path: Path) -> Path:
    """A copy of the real data package (with its source texts) in a temporary directory."""
    target = tmp_path / "pkg"
    target.mkdir()
    for part in PACKAGE_PARTS:
        source = ROOT / part
        if source.is_dir():
            shutil.copytree(source, target / part)
        else:
            shutil.copy2(source, target / part)
    return target


def run_cli(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run the ``painimmune`` command as a user would, in a subprocess."""
    return subprocess.run([sys.executable, "-m", "painimmune", *map(str, args)], capture_output=True, text=True, cwd=cwd)
