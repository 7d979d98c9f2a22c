"""JSON read from a package: no duplicate keys, no excessive depth, no odd numbers or text, clear errors.

Python's parser keeps the last of two equal keys without a word, fails with ``RecursionError`` on
deeply nested input and with a bare ``ValueError`` on an integer of thousands of digits, reads
``NaN``, ``Infinity`` and ``1e999`` as numbers that are not, and lets lone surrogates through; a
descriptor or schema crafted any of these ways is refused here instead, as is a string holding a
character that :mod:`painimmune.package.characters` refuses or that is not in Unicode NFC.

>>> loads('{"a": 1, "a": 2}', "x.json")
Traceback (most recent call last):
...
painimmune.errors.DataError: x.json: duplicate key 'a' in a JSON object
>>> loads("[" * 100 + "]" * 100, "x.json")
Traceback (most recent call last):
...
painimmune.errors.DataError: x.json: JSON nested more than 64 levels deep; refused
>>> loads('{"minimum": 1e999}', "x.json")
Traceback (most recent call last):
...
painimmune.errors.DataError: x.json: 1e999 is not a finite number; refused
>>> loads('{"title": "a\\ud800"}', "x.json")
Traceback (most recent call last):
...
painimmune.errors.DataError: x.json: $.title: text holds U+D800 a lone surrogate at character 2, an invisible or format character that changes what the text reads as without being seen; remove it
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from pathlib import Path
from typing import Any

from painimmune.errors import DataError
from painimmune.package import characters
from painimmune.package.files import read_text

MAX_DEPTH = 64
MAX_DIGITS = 18  # of an integer: more than any count, size or bound of a package needs


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
    """Parse JSON *text*, refusing duplicate keys, nesting deeper than :data:`MAX_DEPTH`, integers
    of more than :data:`MAX_DIGITS` digits, numbers that are not finite, and strings (keys and
    values) holding a refused character (a lone surrogate, an invisible or format character) or not
    in Unicode normal form NFC."""
    if depth(text) > MAX_DEPTH:
        raise DataError(f"{where}: JSON nested more than {MAX_DEPTH} levels deep; refused")
    try:
        document = json.loads(text, object_pairs_hook=_object(where), parse_constant=_no_constant(where),
                              parse_int=_integer(where), parse_float=_finite(where))
    except json.JSONDecodeError as exc:
        raise DataError(f"{where}: invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}") from exc
    except RecursionError as exc:  # (depth() counts first, so this is a second line of defence)
        raise DataError(f"{where}: JSON nested too deeply; refused") from exc
    if not all(map(_acceptable, _strings(document))):
        path, string = next((path, string) for path, string in _paths(document, "$") if not _acceptable(string))
        refusal = characters.refusal(string)
        if refusal:
            raise DataError(f"{where}: {path}: text {refusal}")
        raise DataError(f"{where}: {path}: text {string[:60]!r} is not in Unicode normal form NFC; save it as NFC")
    return document


def _acceptable(string: str) -> bool:
    """Whether *string* holds no refused character and is in Unicode NFC (two spellings of one word
    would be two keys or names). Printable ASCII, most of a package's JSON, is both."""
    return (string.isascii() and string.isprintable()) or (characters.is_clean(string) and unicodedata.is_normalized("NFC", string))


def _no_constant(where: str) -> Callable[[str], float]:
    def refuse(name: str) -> float:
        raise DataError(f"{where}: {name} is not valid JSON")
    return refuse


def _integer(where: str) -> Callable[[str], int]:
    def parse(literal: str) -> int:
        digits = len(literal.lstrip("-"))
        if digits > MAX_DIGITS:
            raise DataError(f"{where}: an integer of {digits:,} digits, more than the {MAX_DIGITS} a package's JSON may use; refused")
        return int(literal)
    return parse


def _finite(where: str) -> Callable[[str], float]:
    def parse(literal: str) -> float:
        value = float(literal)
        if not math.isfinite(value):
            raise DataError(f"{where}: {literal[:24]} is not a finite number; refused")
        return value
    return parse


def _strings(document: Any) -> Iterator[str]:
    """Every string of a parsed JSON document (keys too), in no particular order."""
    pending = [document]
    while pending:
        value = pending.pop()
        if isinstance(value, str):
            yield value
        elif isinstance(value, dict):
            yield from value
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)


def _paths(value: Any, path: str) -> Iterator[tuple[str, str]]:
    """Every string of a parsed JSON document (keys too), with its JSONPath, in document order."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield f"{path}.{key}" if characters.is_clean(key) else path, key
            yield from _paths(item, f"{path}.{key}")
    elif isinstance(value, list):
        for position, item in enumerate(value):
            yield from _paths(item, f"{path}[{position}]")


_ACCEPTED: OrderedDict[tuple[bytes, Hashable], None] = OrderedDict()  # bytes accepted before, most recent last
MAX_ACCEPTED = 256


def loads_accepted(data: bytes, where: str, check: Callable[[Any], None], context: Hashable = None) -> Any:
    """Parse the UTF-8 JSON *data* as :func:`loads` does and run *check* on it (which raises when it
    refuses the document), or, when these very bytes were accepted before under the same
    *context*, parse them again without the checks (the verdict cannot differ: a process that
    loads many tables reads one descriptor and its schemas many times).

    Raises:
        DataError: *data* is not UTF-8, :func:`loads` refuses it, or *check* does.
    """
    key = (data, context)
    if key in _ACCEPTED:
        _ACCEPTED.move_to_end(key)
        return json.loads(data)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DataError(f"{where}: not UTF-8 (byte {exc.start})") from exc
    document = loads(text, where)
    check(document)
    _ACCEPTED[key] = None
    if len(_ACCEPTED) > MAX_ACCEPTED:
        _ACCEPTED.popitem(last=False)
    return document


def read_json(path: Path, where: str | None = None) -> Any:
    """Parse the JSON file at *path* (a regular UTF-8 file within the JSON size limit)."""
    label = where or str(path)
    return loads(read_text(path, "json", label), label)
