"""Text made safe for the format it is printed in: one module for every format painimmune prints.

Data may come from a package someone handed over, so whatever prints a value escapes it for its
format here:

- :func:`terminal`: a character that does not show (a control, an ANSI escape, a bidirectional
  override, a zero-width space; :mod:`painimmune.package.characters`) is printed as its ``\\uXXXX``
  escape, so that no value can recolour, rewrite or reorder a terminal;
- :func:`markdown`: CommonMark's active characters are backslash-escaped and line breaks become
  spaces, so that a name such as ``[x](javascript:alert(1))`` or ``<img src=x>`` prints as text,
  never as a link, an image or HTML;
- :func:`html`: the HTML special characters, quotes included (the website's templates escape with
  Jinja2's autoescape, which is the same);
- :func:`spreadsheet_cell` and :func:`spreadsheet_unescape`: an apostrophe before a CSV cell a
  spreadsheet would run as a formula (:data:`painimmune.package.csvio.FORMULA_START`: ``=``, ``+``,
  ``-``, ``@``, ``|``, tab, carriage return and the full-width and small forms), also when
  invisible characters come first; and its inverse;
- :func:`json_text`: JSON, non-ASCII kept, every character that does not show (a lone surrogate
  too) written as its JSON escape, so that the output is valid UTF-8 and safe to print.

>>> markdown("[x](javascript:alert(1)) <b>")
'\\\\[x\\\\](javascript:alert(1)) \\\\<b\\\\>'
>>> terminal("red\\x1b[31m")
'red\\\\u001b[31m'
>>> spreadsheet_cell("=HYPERLINK(1)"), spreadsheet_cell("\\u200b=1"), spreadsheet_cell("IL-6")
("'=HYPERLINK(1)", "'\\u200b=1", 'IL-6')
"""

from __future__ import annotations

import html as _html
import json
import re
from typing import Any

from painimmune.package import characters
from painimmune.package.csvio import FORMULA_START

SPREADSHEET_ESCAPE = "'"
# CommonMark's characters that can start a link, image, emphasis, code span, HTML tag, entity,
# table cell or strikethrough anywhere in a line (a backslash escapes any of them).
_MARKDOWN_ACTIVE = re.compile(r"([\\`*_\[\]<>|!&~#])")
_LINE_BREAKS = re.compile(r"\s*[\r\n]+\s*")


def terminal(text: str) -> str:
    """*text* for a terminal: every character that does not show (except a line feed) as ``\\uXXXX``."""
    if characters.is_clean(text):
        return text
    return "".join((f"\\u{ord(char):04x}" if ord(char) <= 0xFFFF else f"\\U{ord(char):08x}") if characters.is_refused(char) else char
                   for char in text)


def markdown(text: str) -> str:
    """*text* as literal Markdown text on one line (see the module docstring)."""
    return _MARKDOWN_ACTIVE.sub(r"\\\1", terminal(_LINE_BREAKS.sub(" ", text)))


def html(text: str) -> str:
    """*text* as HTML text or attribute value."""
    return _html.escape(text, quote=True)


def spreadsheet_cell(cell: str) -> str:
    """*cell* with an apostrophe before it when a spreadsheet would run it as a formula, also when
    characters that do not show come before the formula character."""
    start = 0
    while not cell.startswith(FORMULA_START, start) and start < len(cell) and characters.is_refused(cell[start], allowed=frozenset()):
        start += 1
    return SPREADSHEET_ESCAPE + cell if cell.startswith(FORMULA_START, start) else cell


def spreadsheet_unescape(cell: str) -> str:
    """The inverse of :func:`spreadsheet_cell`: an apostrophe that escapes a formula is dropped (any
    other apostrophe is text)."""
    return cell[1:] if cell.startswith(SPREADSHEET_ESCAPE) and spreadsheet_cell(cell[1:]) != cell[1:] else cell


def json_text(value: Any) -> str:
    """*value* as indented JSON: non-ASCII kept, but every character that does not show (a lone
    surrogate too) written as its JSON escape, so that the output is valid UTF-8 and safe to print."""
    text = json.dumps(value, indent=2, ensure_ascii=False)
    if characters.is_clean(text):
        return text
    return "".join(json.dumps(char)[1:-1] if characters.is_refused(char) else char for char in text)
