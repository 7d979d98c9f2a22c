"""Shared fixtures: the real package, and throw-away copies of it for breaking."""

from __future__ import annotations

import os
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


def run_cli(*args: str | Path, cwd: Path | None = None, env: dict[str, str] | None = None,
            timeout: float | None = 300) -> subprocess.CompletedProcess[str]:
    """Run the ``painimmune`` command as a user would, in a subprocess."""
    return subprocess.run([sys.executable, "-m", "painimmune", *map(str, args)], capture_output=True, text=True, cwd=cwd,
                          env=env, timeout=timeout)


NO_NETWORK = """
import os, socket
_LOG = os.environ["PAINIMMUNE_NETWORK_LOG"]
def _refuse(*args, **kwargs):
    with open(_LOG, "a") as log:
        log.write(repr(args[:2]) + "\\n")
    raise OSError("networking is disabled in this test")
socket.socket.connect = _refuse
socket.socket.connect_ex = _refuse
socket.create_connection = _refuse
socket.getaddrinfo = _refuse
"""


@pytest.fixture
def offline(tmp_path: Path) -> tuple[dict[str, str], Path]:
    """An environment for :func:`run_cli` in which every network connection fails and is logged,
    and the log it is written to (a ``sitecustomize`` module, imported by Python at start-up)."""
    folder = tmp_path / "offline"
    folder.mkdir()
    (folder / "sitecustomize.py").write_text(NO_NETWORK, encoding="utf-8")
    log = tmp_path / "network.log"
    log.touch()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(folder), os.environ.get("PYTHONPATH", "")]),
           "PAINIMMUNE_NETWORK_LOG": str(log)}
    return env, log


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
