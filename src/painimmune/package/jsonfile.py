"""JSON read from a package: no duplicate keys, no excessive depth, clear errors.

Python's parser keeps the last of two equal keys without a word, and fails with ``RecursionError``
on deeply nested input; a descriptor crafted either way is refused here instead.

>>> loads('{"a": 1, "a": 2}', "x.json")
Traceback (most recent call last):
...
painimmune.errors.DataError: x.json: duplicate key 'a' in a JSON object
>>> loads("[" * 100 + "]" * 100, "x.json")
Traceback (most recent call last):
...
painimmune.errors.DataError: x.json: JSON nested more than 64 levels deep; refused
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from painimmune.errors import DataError
from painimmune.package.files import read_text

MAX_DEPTH = 64


# A JSON string (an unterminated one runs to the end, so a match never fails and never backtracks),
# and a run of characters that are not brackets: both are removed before brackets are counted.
_STRING = re.compile(r'"(?:[^"\\]++|\\.)*+(?:"|\Z)', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]++")


def depth(text: str) -> int:
    """The deepest nesting of arrays and objects in JSON *text* (strings skipped), in linear time.

    >>> depth('{"a": [1, "]]]", {"b": []}]}')
    4
    """
    brackets = _NOT_BRACKET.sub("", _STRING.sub("", text))
    deepest = level = 0
    for char in brackets:
        if char in "[{":
            level += 1
            deepest = max(deepest, level)
        else:
            level -= 1
    return deepest


def _object(where: str) -> Callable[[list[tuple[str, Any]]], dict[str, Any]]:  # a json object_pairs_hook
    def hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key, value in pairs:
            if key in result:
                raise DataError(f"{where}: duplicate key {key!r} in a JSON object")
            result[key] = value
        return result
    return hook


def loads(text: str, where: str) -> Any:
    """Parse JSON *text*, refusing duplicate keys and nesting deeper than :data:`MAX_DEPTH`."""
    if depth(text) > MAX_DEPTH:
        raise DataError(f"{where}: JSON nested more than {MAX_DEPTH} levels deep; refused")
    try:
        return json.loads(text, object_pairs_hook=_object(where), parse_constant=_no_constant(where))
    except json.JSONDecodeError as exc:
        raise DataError(f"{where}: invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}") from exc
    except RecursionError as exc:  # (depth() counts first, so this is a second line of defence)
        raise DataError(f"{where}: JSON nested too deeply; refused") from exc


def _no_constant(where: str) -> Callable[[str], float]:
    def refuse(name: str) -> float:
        raise DataError(f"{where}: {name} is not valid JSON")
    return refuse


def read_json(path: Path, where: str | None = None) -> Any:
    """Parse the JSON file at *path* (a regular UTF-8 file within the JSON size limit)."""
    label = where or str(path)
    return loads(read_text(path, "json", label), label)
