"""The examples in docstrings and in the README run, and the generated figure is current, so none of them can rot."""

from __future__ import annotations

import doctest
import importlib
import inspect
import pkgutil
import re
import shlex
import subprocess
import sys

import pytest

import painimmune
from conftest import ROOT, run_cli

MODULES = sorted(info.name for info in pkgutil.walk_packages(painimmune.__path__, "painimmune.") if info.name != "painimmune.__main__")


@pytest.mark.parametrize("name", ["painimmune", *MODULES])
def test_docstring_examples_run(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0


README = ROOT / "README.md"
PLACEHOLDER = re.compile(r"\b(PATH|OLD|NEW|FORMAT|DIR|ENTITY)\b|\[")


def readme_blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.DOTALL)


def test_readme_python_examples_run(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    namespace: dict = {}
    blocks = readme_blocks("python")
    assert blocks
    for block in blocks:
        exec(compile(block, str(README), "exec"), namespace)  # noqa: S102 (running the documented examples is the point)
    assert "painimmune curators" in capsys.readouterr().out


@pytest.mark.slow  # several seconds: CI runs it (.ci/run), the fast run does not
def test_readme_command_examples_run(package_copy):
    commands = [line.split("  #")[0].strip() for block in readme_blocks("bash") for line in block.splitlines()
                if line.startswith("painimmune ") and not PLACEHOLDER.search(line.split("  #")[0])]
    assert len(commands) >= 8
    for command in commands:
        result = run_cli(*shlex.split(command)[1:], cwd=package_copy)
        assert result.returncode == 0, (command, result.stderr)


def test_the_generated_figure_and_dictionary_are_shown(tmp_path):
    """The build draws docs/network.svg (test_build checks it is current); the README shows it."""
    drawn = tmp_path / "network.png"
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "figure.py"), "--out", str(drawn)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert drawn.read_bytes().startswith(b"\x89PNG")
    readme = README.read_text(encoding="utf-8")
    assert "](docs/network.svg)" in readme and "(docs/data-dictionary.md)" in readme


def test_public_names_stay_functions_once_every_module_is_imported():
    """A submodule named like a public function would replace it on the package once imported."""
    for name in MODULES:
        importlib.import_module(name)
    for name in painimmune.__all__:
        assert not inspect.ismodule(getattr(painimmune, name)), name


def test_the_readme_states_the_limits_in_force():
    """The Security section's table of limits is the code's: a changed limit must change the README."""
    from painimmune.package import files, jsonfile, structure, zipped

    rows = dict(re.findall(r"^\| (.+?) \| (.+?) \|$", README.read_text(encoding="utf-8"), flags=re.MULTILINE))
    mib = files.MIB
    assert rows["one table"] == f"{files.LIMITS['table'] // mib} MiB"
    assert rows["all tables of a package together"] == f"{files.TABLES_LIMIT // mib} MiB"
    assert rows["`datapackage.json`, a Table Schema"] == f"{files.LIMITS['json'] // mib} MiB"
    assert rows["a source text, `CITATION.cff`, `CHANGELOG.md`, a reference table"] == f"{files.LIMITS['text'] // mib} MiB"
    assert rows["JSON nesting"] == f"{jsonfile.MAX_DEPTH} levels"
    assert rows["resources; fields of a Table Schema; values of an `enum`; length of a `pattern`"] == (
        f"{structure.MAX_RESOURCES:,}; {structure.MAX_FIELDS:,}; {structure.MAX_ENUM:,}; {structure.MAX_PATTERN:,} characters")
    assert rows["zip: members; uncompressed size declared; extracted (tables; all)"] == (
        f"{zipped.MAX_MEMBERS:,}; {zipped.MAX_TOTAL // 2**30} GiB; {files.TABLES_LIMIT // mib} MiB; {zipped.MAX_EXTRACTED // mib} MiB")
    assert rows[f"zip: compression ratio of a member over {zipped.RATIO_FLOOR // 1024} KiB; length of a member name"] == (
        f"{zipped.MAX_RATIO}; {zipped.MAX_NAME} characters")
