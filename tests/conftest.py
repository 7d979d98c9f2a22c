"""Shared fixtures: the real package, and throw-away copies of it for breaking."""

from __future__ import annotations

import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE_PARTS = ("datapackage.json", "tables", "schemas", "sources", "curation", "reference", "CITATION.cff", "CHANGELOG.md")


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


def tool_venv(tmp_path_factory: pytest.TempPathFactory, *requirements: str) -> Path:
    """The bin directory of a fresh virtual environment with *requirements* installed.

    For reference validators whose pins cannot live beside ours (cffconvert needs jsonschema<4)
    or that would pull a server stack into the test environment (datasette, sssom-py).
    """
    env = tmp_path_factory.mktemp("tool") / "venv"
    venv.EnvBuilder(with_pip=True).create(env)
    install = subprocess.run([str(env / "bin" / "python"), "-m", "pip", "install", "--quiet", *requirements],
                             capture_output=True, text=True)
    assert install.returncode == 0, install.stderr[-2000:]
    return env / "bin"
