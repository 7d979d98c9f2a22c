"""Every format painimmune prints escapes what it prints (painimmune.escape): a package handed over
by someone else cannot turn a name into a Markdown link or HTML, recolour a terminal, run a formula
in a spreadsheet, or make the JSON output invalid."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from conftest import ROOT, run_cli
from painimmune import escape
from rows import edit_rows

HOSTILE_NAME = "[click](javascript:alert(1)) <img src=x onerror=alert(1)> **bold** `code`"


def _rename_histamine(package: Path, name: str) -> None:
    """A package whose mediators name histamine *name*, its fingerprint refreshed (as a package
    made elsewhere would be): it loads, though it would not validate."""
    with edit_rows(package, "mediators") as mediators:
        mediators.set("histamine", name=name)
    data = (package / "tables" / "mediators.csv").read_bytes()
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    resource = next(r for r in descriptor["resources"] if r["name"] == "mediators")
    resource.update(hash="sha256:" + hashlib.sha256(data).hexdigest(), bytes=len(data))
    (package / "datapackage.json").write_text(json.dumps(descriptor, indent=2), encoding="utf-8")


def test_about_in_markdown_prints_a_hostile_name_as_text_never_as_a_link_or_html(package_copy: Path) -> None:
    _rename_histamine(package_copy, HOSTILE_NAME)
    result = run_cli("about", "histamine", "--format", "markdown", "--path", package_copy)
    assert result.returncode == 0, result.stderr
    assert "](javascript:" not in result.stdout.replace("\\]", "")  # the bracket that would close a link text is escaped
    assert "\\[click\\](javascript:alert(1)) \\<img src=x onerror=alert(1)\\> \\*\\*bold\\*\\* \\`code\\`" in result.stdout
    assert "<img" not in result.stdout.replace("\\<img", "")


def test_a_terminal_escape_in_the_data_is_refused_and_never_printed(package_copy: Path) -> None:
    _rename_histamine(package_copy, "histamine\x1b[2J\x1b[31m")  # clear the screen, then red
    for command in (["about", "histamine", "--path", package_copy], ["show", "mediators", "--path", package_copy]):
        result = run_cli(*command)
        assert result.returncode == 1 and "\x1b" not in result.stdout + result.stderr, command
        assert "mediators: row histamine: column name: value 'histamine\\x1b[2J\\x1b[31m': text holds U+001B" in result.stderr, command


def test_diff_json_shows_what_does_not_show_escaped_and_stays_valid(package_copy: Path) -> None:
    """diff reads the rows as text, whatever they hold (a reviewer must see the change): JSON escapes it."""
    _rename_histamine(package_copy, "hista\u200bmine\u202e")
    result = run_cli("diff", ROOT, package_copy, "--format", "json")
    assert "\u200b" not in result.stdout and "\u202e" not in result.stdout
    changed = json.loads(result.stdout)["tables"]["mediators"]["changed"]
    assert changed == [{"key": "histamine", "columns": {"name": ["histamine", "hista\u200bmine\u202e"]}}]


@pytest.mark.parametrize("cell", ["=1+1", "+1", "-1", "@SUM(A1)", "|calc", "\tx", "\rx", "\uff1d1", "\uff0b1", "\uff0d1", "\uff201",
                                  "\ufe661", "\u200b=1", "\u2060\u200d+1", "\ufeff@x"])
def test_a_spreadsheet_cell_that_would_run_as_a_formula_is_escaped_and_read_back(cell: str) -> None:
    escaped = escape.spreadsheet_cell(cell)
    assert escaped == "'" + cell
    assert escape.spreadsheet_unescape(escaped) == cell


@pytest.mark.parametrize("cell", ["IL-6", "'might' hedges", "a = b", "TNF-α", ""])
def test_an_ordinary_cell_is_written_as_it_is(cell: str) -> None:
    assert escape.spreadsheet_cell(cell) == cell
    assert escape.spreadsheet_unescape(cell) == cell


def test_html_escapes_quotes_too() -> None:
    assert escape.html("\"><script>x</script>'") == "&quot;&gt;&lt;script&gt;x&lt;/script&gt;&#x27;"
