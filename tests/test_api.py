"""The public API: what ``__all__`` names, what type checkers see, and the examples of docs/api.md."""

from __future__ import annotations

import doctest
import inspect
import subprocess
import sys
from pathlib import Path

import pytest

import painimmune
from conftest import ROOT
from painimmune.build import api_page

FUNCTIONS = [name for name in painimmune.__all__ if inspect.isfunction(getattr(painimmune, name))]


def test_all_names_every_lazy_function_and_each_resolves():
    assert set(painimmune._LAZY) <= set(painimmune.__all__)
    assert all(hasattr(painimmune, name) for name in painimmune.__all__)
    assert set(FUNCTIONS) == set(painimmune._LAZY)


@pytest.mark.parametrize("name", FUNCTIONS)
def test_every_public_function_has_a_docstring_and_a_running_example(name):
    assert inspect.getdoc(getattr(painimmune, name)), name
    test = doctest.DocTestParser().get_doctest(api_page.EXAMPLES[name], {"pim": painimmune}, name, "docs/api.md", 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    runner.run(test)
    assert runner.summarize(verbose=False).failed == 0, name


def test_the_api_page_shows_every_function_with_its_example():
    page = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    for name in FUNCTIONS:
        assert f"### {name}\n" in page and api_page.EXAMPLES[name] in page, name
    assert set(api_page.EXAMPLES) == set(FUNCTIONS)


def test_the_package_ships_py_typed():
    assert (Path(painimmune.__file__).parent / "py.typed").is_file()


USER_SCRIPT = """\
import painimmune as pim

mediators = pim.load("mediators")
reveal_type(mediators)
reveal_type(pim.load_all())
reveal_type(pim.citation("apa"))
"""


@pytest.mark.slow  # several seconds: CI runs it (.ci/run), the fast run does not
def test_mypy_strict_sees_the_types_of_the_lazy_namespace(tmp_path):
    """A user's script under ``mypy --strict`` (with pandas-stubs, as a typed project has): no
    error, and ``pim.load`` is a DataFrame, not Any."""
    pytest.importorskip("mypy", reason="mypy is in the lint extra: pip install '.[lint]'")
    script = tmp_path / "analysis.py"
    script.write_text(USER_SCRIPT, encoding="utf-8")
    (tmp_path / "mypy.ini").write_text("[mypy]\n", encoding="utf-8")  # the user's settings, not painimmune's
    result = subprocess.run([sys.executable, "-m", "mypy", "--strict", "--config-file", "mypy.ini", "--cache-dir",
                             str(tmp_path / "cache"), script.name], capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    revealed = [line.split("Revealed type is ", 1)[1].replace("builtins.", "")  # (older mypy names builtins in full)
                for line in result.stdout.splitlines() if "Revealed type is" in line]
    assert revealed == ['"pandas.core.frame.DataFrame"', '"dict[str, pandas.core.frame.DataFrame]"', '"str"']

