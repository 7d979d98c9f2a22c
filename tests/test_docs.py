"""The examples in docstrings run, so they cannot rot."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import painimmune

MODULES = sorted(info.name for info in pkgutil.walk_packages(painimmune.__path__, "painimmune.") if info.name != "painimmune.__main__")


@pytest.mark.parametrize("name", ["painimmune", *MODULES])
def test_docstring_examples_run(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
