"""The built wheel, installed into a fresh virtual environment outside the repository, gives a user the data."""

from __future__ import annotations

import subprocess
import sys
import venv
from pathlib import Path

from conftest import ROOT


def test_wheel_installs_and_serves_every_table(tmp_path: Path):
    dist = tmp_path / "dist"
    subprocess.run([sys.executable, "-m", "build", "--wheel", "--outdir", str(dist), str(ROOT)],
                   check=True, capture_output=True, text=True)
    wheel = next(dist.glob("painimmune-*.whl"))
    env = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env)
    python = env / "bin" / "python"
    install = subprocess.run([str(python), "-m", "pip", "install", "--quiet", str(wheel)], capture_output=True, text=True)
    assert install.returncode == 0, install.stderr[-2000:]
    code = (
        "import painimmune as pim, pathlib, json;"
        "frames = pim.load_all();"
        "assert all(len(f) > 0 for f in frames.values());"
        "import painimmune.locate as l; root = l.default_root();"
        "assert 'site-packages' in str(root), root;"
        "print(pim.__version__, sum(len(f) for f in frames.values()))"
    )
    loaded = subprocess.run([str(python), "-c", code], capture_output=True, text=True, cwd=tmp_path)
    assert loaded.returncode == 0, loaded.stderr
    version = loaded.stdout.split()[0]
    assert version == subprocess.run([sys.executable, "-c", "import painimmune; print(painimmune.__version__)"],
                                     capture_output=True, text=True, check=True).stdout.strip()
    cli = env / "bin" / "painimmune"
    assert subprocess.run([str(cli), "--version"], capture_output=True, text=True, cwd=tmp_path).stdout.strip() == f"painimmune {version}"
    validated = subprocess.run([str(cli), "validate"], capture_output=True, text=True, cwd=tmp_path)
    assert validated.returncode == 0, validated.stderr
    assert "quotes not checked" in validated.stderr  # the wheel does not ship the source texts, and says so
