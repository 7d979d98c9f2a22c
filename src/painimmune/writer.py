"""Write a typed frame back as the package's canonical CSV: the inverse of :func:`painimmune.load`.

>>> import painimmune as pim
>>> pim.to_csv("evidence_levels", pim.load("evidence_levels")) == pim.DataPackage().table_path("evidence_levels").read_bytes()
True
"""

from __future__ import annotations

import reprlib
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from painimmune.errors import DataError
from painimmune.loader import refuse_header, row_key
from painimmune.output import OutputFolder
from painimmune.package import characters, csvio, schemas
from painimmune.package.descriptor import DataPackage
from painimmune.package.schemas import Field, list_delimiter, primary_key


def to_csv(name: str, frame: pd.DataFrame, out: str | Path | None = None, *, path: str | Path | None = None) -> bytes:
    """The canonical CSV bytes of *frame* as table *name*, also written to *out* when given.

    Values are written in their one text form (integers without sign or leading zeros, booleans
    as ``true``/``false``, lists joined by the field's delimiter, missing values as empty cells),
    so a frame from :func:`painimmune.load` is written back byte for byte. Rows keep the frame's
    order. A text value or list item is refused as validation refuses it when it begins with a
    character a spreadsheet runs as a formula (``spreadsheet-formula``) or holds a character that
    does not show (``invisible-character``).

    Args:
        name: the table whose Table Schema gives the columns and their types.
        frame: columns exactly as in the schema, typed as :func:`painimmune.load` returns them.
        out: a file to write the bytes to, atomically: they are written to a temporary file beside
            it, which is then renamed to *out* (its folder is created when missing). A symbolic link
            at *out* is replaced by the file, never written through.
        path: the data package whose schema is used; the installed data by default.

    Raises:
        DataError: *frame* is not a pandas DataFrame; a column is missing, extra or out of order;
            a value cannot be written in its column's text form, or is refused as above (the
            message names row and column); or a folder stands at *out*.
        OSError: *out* cannot be written; no temporary file is left, and a file at *out* is as it was.
    """
    if not isinstance(frame, pd.DataFrame):
        raise DataError(f"{name}: to_csv writes a pandas DataFrame, not {type(frame).__name__} {reprlib.repr(frame)}")
    table_schema = DataPackage(path).schema(name)
    refuse_header(name, [str(c) for c in frame.columns], table_schema)
    keys = primary_key(table_schema)
    columns = [_texts(name, frame, field, keys) for field in table_schema["fields"]]
    content = csvio.format_rows(schemas.field_names(table_schema), [list(row) for row in zip(*columns, strict=True)])
    if out is not None:
        target = Path(out)
        OutputFolder(target.parent).write_bytes(target.name, content)
    return content


def _texts(table: str, frame: pd.DataFrame, field: Field, keys: list[str]) -> list[str]:
    column = field["name"]
    kind = field.get("type", "string")
    texts = []
    for index, value in frame[column].items():
        try:
            texts.append(_text(value, kind, field))
        except (TypeError, ValueError) as exc:
            raise DataError(f"{table}: row {row_key(frame, index, keys)}: column {column}: {exc}") from exc
    return texts


def _text(value: Any, kind: str, field: Field) -> str:
    if kind == "list":
        if isinstance(value, (list, tuple)):
            delimiter = list_delimiter(field)
            if any(not isinstance(item, str) or item == "" or delimiter in item for item in value):
                raise ValueError(f"list {value!r} needs non-empty text items without {delimiter!r}")
            return delimiter.join(_safe_text(item) for item in value)
        if value is None or pd.isna(value):
            return ""
        raise TypeError(f"value {value!r} is not a list")
    if value is None or pd.isna(value):
        return ""
    if kind == "integer":
        if isinstance(value, bool) or int(value) != value:
            raise ValueError(f"value {value!r} is not an integer")
        if csvio.integer(str(int(value))) is None:
            raise ValueError(f"value {value!r} has more than 15 digits, more than every reader reads exactly")
        return str(int(value))
    if kind == "boolean":
        if not isinstance(value, (bool, np.bool_)):
            raise TypeError(f"value {value!r} is not true or false")
        return "true" if value else "false"
    if not isinstance(value, str):
        raise TypeError(f"value {value!r} is not text")
    return _safe_text(value)


def _safe_text(text: str) -> str:
    """*text*, a text value or list item, unless validation would refuse it: beginning with a
    formula character (:data:`painimmune.package.csvio.FORMULA_START`), or holding a character
    that does not show (:mod:`painimmune.package.characters`; a lone surrogate, which UTF-8 cannot
    write, is one).

    Raises:
        ValueError: the words of the refusal, naming the rule.
    """
    if text.startswith(csvio.FORMULA_START):
        raise ValueError(f"value {text!r} begins with {text[0]!r}, which a spreadsheet runs as a formula; reword it "
                         "(spreadsheet-formula)")
    invisible = characters.refusal(text)
    if invisible:
        raise ValueError(f"value {text!r} {invisible} (invisible-character)")
    return text
