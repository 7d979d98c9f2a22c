"""Shared fixtures: the real package, and throw-away copies of it for breaking."""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import sys
import venv
from collections.abc import Iterator
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE_PARTS = ("datapackage.json", "tables", "schemas", "sources", "curation", "reference", "CITATION.cff", "CHANGELOG.md",
                 "croissant.json")


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
    """Run the ``painimmune`` command as a user would: its exit status, standard output and error.

    With *env* (a test that changes the process, such as :func:`offline`), in a subprocess;
    otherwise in this process through click's test runner, which runs the same ``main`` with the
    same error handling and saves starting an interpreter that imports pandas for every command.
    """
    if env is not None:
        return subprocess.run([sys.executable, "-m", "painimmune", *map(str, args)], capture_output=True, text=True, cwd=cwd,
                              env=env, timeout=timeout)
    from click.testing import CliRunner

    from painimmune.cli import main

    arguments = [str(arg) for arg in args]
    with _working_directory(cwd):
        result = CliRunner().invoke(main, arguments, prog_name="painimmune", catch_exceptions=False)
    return subprocess.CompletedProcess(["painimmune", *arguments], result.exit_code, result.stdout, result.stderr)


def run_build(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run ``python scripts/build.py --root ROOT ARGS`` in this process (the script calls
    :func:`painimmune.build.main` and nothing else): its exit status, standard output and error."""
    from painimmune.build import main

    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        status = main(["--root", str(root), *args])
    return subprocess.CompletedProcess(["build.py", "--root", str(root), *args], status, out.getvalue(), err.getvalue())


@contextmanager
def _working_directory(folder: Path | None) -> Iterator[None]:
    previous = Path.cwd()
    if folder is not None:
        os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(previous)


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


@cache
def _registry_problem() -> str | None:
    """Why pip's configured package index cannot be reached (None when it can), asked once per run."""
    try:
        asked = subprocess.run([sys.executable, "-m", "pip", "index", "versions", "pip", "--disable-pip-version-check",
                                "--timeout", "10", "--retries", "0"], capture_output=True, text=True, timeout=60)
    except subprocess.TimeoutExpired:
        return "no answer within 60 s"
    if asked.returncode != 0:
        return (asked.stderr.strip().splitlines() or ["pip index versions failed"])[-1]
    return None


def require_registry() -> None:
    """Skip the calling test (marked ``tools``) when the package registry cannot be reached, saying why."""
    problem = _registry_problem()
    if problem is not None:
        pytest.skip(f"needs the package registry to build a tool environment, which cannot be reached: {problem}")


def tool_venv(tmp_path_factory: pytest.TempPathFactory, *requirements: str) -> Path:
    """The bin directory of a fresh virtual environment with *requirements* installed, for tests
    marked ``tools``; skips the test when the package registry cannot be reached.

    For reference validators whose pins cannot live beside ours (cffconvert needs jsonschema<4)
    or that would pull a server stack into the test environment (datasette, sssom-py).
    """
    require_registry()
    env = tmp_path_factory.mktemp("tool") / "venv"
    venv.EnvBuilder(with_pip=True).create(env)
    install = subprocess.run([str(env / "bin" / "python"), "-m", "pip", "install", "--quiet", *requirements],
                             capture_output=True, text=True)
    assert install.returncode == 0, install.stderr[-2000:]
    return env / "bin"



def read_tsv(path: Path) -> list[dict[str, str]]:
    """The rows of a tab-separated file (KGX, SSSOM) as dicts, its ``#`` metadata lines skipped."""
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader((line for line in handle if not line.startswith("#")), delimiter="\t"))


def one_line_refusal(result: subprocess.CompletedProcess[str], *needles: str) -> str:
    """The one line of a refusal on stderr, after checking it is one, with exit 1 and no traceback,
    holding every needle."""
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("painimmune: "), result.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]
    return lines[0]
