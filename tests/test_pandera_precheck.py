"""The pandera layer's pre-check: a table it passes is one pandera has nothing to report on.

Validation runs pandera only on a table that the pre-check (``pandera_layer._passes``: columns,
required cells, unique keys, exactly-one-of groups, synonyms) finds a fault in, and imports pandera
only then. These tests hold the pre-check to pandera's verdict on the real tables and on
tables broken at random, and check that a valid package is validated without importing pandera
while a broken one still has its faults named by it.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import ROOT
from painimmune.package.descriptor import DataPackage
from painimmune.package.schemas import primary_key
from painimmune.validation import pandera_layer
from painimmune.validation.raw import read
from rows import edit_rows

PACKAGE = DataPackage(ROOT)


def text_frames() -> dict[str, pd.DataFrame]:
    """Every table of the real package as the pandera layer reads it (raw strings)."""
    frames = {}
    for name in PACKAGE.table_names:
        problems: list = []
        frame = pandera_layer.text_frame(PACKAGE, name, read(PACKAGE, name), problems)
        assert frame is not None and not problems
        frames[name] = frame
    return frames


FRAMES = text_frames()


def pandera_problems(name: str, frame: pd.DataFrame) -> list:
    """What pandera itself reports on *frame* under the generated schema of table *name*."""
    schema = PACKAGE.schema(name)
    return pandera_layer._run(pandera_layer.dataframe_schema(schema), frame, name, primary_key(schema))


@pytest.mark.parametrize("name", PACKAGE.table_names)
def test_every_real_table_passes_the_precheck_and_pandera(name):
    frame = FRAMES[name]
    assert pandera_layer._passes(PACKAGE.schema(name), frame)
    assert pandera_problems(name, frame) == []


def broken(frame: pd.DataFrame, data: st.DataObject) -> pd.DataFrame:
    """*frame* with one to three random faults of the kinds the pre-check looks for."""
    frame = frame.copy()
    for _ in range(data.draw(st.integers(1, 3))):
        kind = data.draw(st.sampled_from(["empty", "copy", "repeat", "fill", "order"]))
        row = data.draw(st.integers(0, len(frame) - 1))
        column = data.draw(st.sampled_from(list(frame.columns)))
        if kind == "empty":  # a required, key or exactly-one-of cell left empty
            frame.loc[frame.index[row], column] = pd.NA
        elif kind == "copy":  # another row's value: a repeated key, or a second target
            other = data.draw(st.integers(0, len(frame) - 1))
            frame.loc[frame.index[row], column] = frame[column].iloc[other]
        elif kind == "repeat":  # a whole row twice
            frame = pd.concat([frame, frame.iloc[[row]]], ignore_index=True)
        elif kind == "fill":  # a value in an empty cell (both columns of an exactly-one-of group)
            frame.loc[frame.index[row], column] = data.draw(st.sampled_from(frame[column].dropna().tolist() or ["x"]))
        else:  # two columns swapped
            other = data.draw(st.sampled_from(list(frame.columns)))
            columns = list(frame.columns)
            i, j = columns.index(column), columns.index(other)
            columns[i], columns[j] = columns[j], columns[i]
            frame = frame[columns]
    return frame


@pytest.mark.slow
@settings(max_examples=150, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.sampled_from([name for name in PACKAGE.table_names if len(FRAMES[name]) > 1]), data=st.data())
def test_a_table_the_precheck_passes_gives_pandera_nothing_to_report(name, data):
    frame = broken(FRAMES[name], data)
    if pandera_layer._passes(PACKAGE.schema(name), frame):
        assert pandera_problems(name, frame) == []


@pytest.mark.parametrize(("name", "fault"), [
    ("cell_mediators", lambda frame: pd.concat([frame, frame.iloc[[0]]], ignore_index=True)),
    ("mediators", lambda frame: frame.assign(name=frame["name"].where(frame.index != 0))),
    ("cell_mediators", lambda frame: frame[[*frame.columns[1:], frame.columns[0]]]),
])
def test_a_fault_fails_the_precheck_and_pandera_names_it(name, fault):
    frame = fault(FRAMES[name])
    assert not pandera_layer._passes(PACKAGE.schema(name), frame)
    assert pandera_problems(name, frame)


VALIDATE = ("import sys; from painimmune.validation import validate; report = validate(sys.argv[1]); "
            "print(report.valid, 'pandera' in sys.modules, sorted({p.rule for p in report.problems}))")


def test_a_valid_package_is_validated_without_importing_pandera():
    found = subprocess.run([sys.executable, "-c", VALIDATE, str(ROOT)], capture_output=True, text=True, check=True)
    assert found.stdout.split(" ", 2)[:2] == ["True", "False"]


def test_a_repeated_key_is_named_by_pandera(package_copy: Path):
    with edit_rows(package_copy, "cell_mediators") as rows:
        rows.copy(rows.keys()[0], id="cm9999")  # the same assertion twice
    found = subprocess.run([sys.executable, "-c", VALIDATE, str(package_copy)], capture_output=True, text=True, check=True)
    valid, imported, rules = found.stdout.split(" ", 2)
    assert (valid, imported) == ("False", "True")
    assert "'unique-key'" in rules
