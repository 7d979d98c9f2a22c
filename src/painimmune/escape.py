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
  too) written as its JSON escape, so that the output is valid UTF-8 and safe to print;
- :func:`bibtex`: the value of a BibTeX field in braces as inert text: a backslash, brace or LaTeX
  special (``# $ % & ~ _ ^``) written as the LaTeX that prints it, so that no value can close its
  field, add a field or run a LaTeX command; :func:`bibtex_url` the same for a URL or DOI, kept a
  working link.

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
# What LaTeX prints each BibTeX/LaTeX active character as. No replacement holds a brace of its own
# that is not paired with another, so BibTeX, which counts braces whatever a backslash says, always
# finds the field's closing brace where painimmune put it.
_BIBTEX_TEXT = {"\\": r"\textbackslash{}", "{": r"\textbraceleft{}", "}": r"\textbraceright{}", "#": r"\#", "$": r"\$",
                "%": r"\%", "&": r"\&", "_": r"\_", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}
_BIBTEX_ACTIVE = re.compile(r"[\\{}#$%&_~^]")
# In a URL or DOI: what is percent-encoded (the URL's own escape, so the link is the same), then
# what is backslash-escaped (the percent signs of those escapes too).
_URL_ENCODED = re.compile(r"[\\{}\s]")
_URL_ESCAPED = re.compile(r"([%#])")


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


def bibtex(text: str) -> str:
    """*text* as the inert value of a BibTeX field in braces, on one line: every backslash, brace
    and LaTeX special character written as the LaTeX that prints it, a character that does not show
    as its ``\\uXXXX`` text (:func:`terminal`); other Unicode text kept as it is.

    >>> print(bibtex("50% of T_h cells & {IL-6} ~ $1^2# Barré"))
    50\\% of T\\_h cells \\& \\textbraceleft{}IL-6\\textbraceright{} \\textasciitilde{} \\$1\\textasciicircum{}2\\# Barré
    >>> print(bibtex("}}, note = {\\\\input{/etc/passwd}}"))
    \\textbraceright{}\\textbraceright{}, note = \\textbraceleft{}\\textbackslash{}input\\textbraceleft{}/etc/passwd\\textbraceright{}\\textbraceright{}
    >>> print(bibtex("two\\nlines\\x1b"))
    two lines\\textbackslash{}u001b
    """
    return _BIBTEX_ACTIVE.sub(lambda found: _BIBTEX_TEXT[found.group()], terminal(_LINE_BREAKS.sub(" ", text)))


def bibtex_url(text: str) -> str:
    """*text*, a URL or DOI, as the value of a BibTeX field in braces that still links where it did:
    a backslash, brace, space or character that does not show percent-encoded (UTF-8), then ``%``
    and ``#`` escaped as ``\\%`` and ``\\#``.

    >>> print(bibtex_url("https://example.org/a b?q=50%#x{y}\\\\z"))
    https://example.org/a\\%20b?q=50\\%\\#x\\%7By\\%7D\\%5Cz
    >>> print(bibtex_url("10.1000/x_y~1"))
    10.1000/x_y~1
    """
    encoded = "".join(_percent_encoded(char) if _URL_ENCODED.match(char) or characters.is_refused(char, allowed=frozenset())
                      else char for char in text)
    return _URL_ESCAPED.sub(r"\\\1", encoded)


def _percent_encoded(char: str) -> str:
    """*char* as the percent-escapes of its UTF-8 bytes (a lone surrogate too)."""
    return "".join(f"%{byte:02X}" for byte in char.encode("utf-8", "surrogatepass"))
