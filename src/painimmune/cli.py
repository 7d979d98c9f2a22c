"""The ``painimmune`` command line: list, show and validate the data.

``painimmune --version`` and ``--help`` import neither pandas nor the validators.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

import click

from painimmune import __version__

PATH_HELP = "data package directory, datapackage.json or release data zip (default: the installed data)"


class _Group(click.Group):
    """A group that reports every user mistake as one line on stderr with a non-zero exit, never a traceback.

    Click's own usage errors (unknown command, bad option value) exit 2, painimmune's errors and
    unreadable files exit 1.
    """

    def main(self, args: Sequence[str] | None = None, prog_name: str | None = None, **extra: Any) -> NoReturn:  # type: ignore[override]
        from painimmune.errors import PainimmuneError

        try:
            status = super().main(args, prog_name, standalone_mode=False, **extra)
        except click.exceptions.NoArgsIsHelpError as exc:  # `painimmune` alone: the help, as asked for
            click.echo(exc.ctx.get_help() if exc.ctx else str(exc))
            sys.exit(0)
        except click.ClickException as exc:  # (click lists choices on lines of their own: one line here)
            _fail(" ".join(exc.format_message().split()), exc.exit_code)
        except click.Abort:
            _fail("aborted", 1)
        except PainimmuneError as exc:
            _fail(str(exc), 1)
        except BrokenPipeError:  # output piped into `head` and closed early: not an error
            sys.stderr.close()
            sys.exit(0)
        except OSError as exc:
            _fail(f"{exc.filename or ''}: {exc.strerror or exc}".lstrip(": "), 1)
        except KeyboardInterrupt:
            _fail("interrupted", 130)
        except RecursionError:
            _fail("input nested too deeply; refused", 1)
        except Exception as exc:  # a fault of painimmune's own: one line, and the traceback only when asked for
            if os.environ.get("PAINIMMUNE_TRACEBACK"):
                raise
            _fail(f"internal error ({type(exc).__name__}: {exc}); please report it, with the traceback that "
                  "PAINIMMUNE_TRACEBACK=1 shows", 1)
        sys.exit(status if isinstance(status, int) else 0)


class _PathArgument(click.Path):
    """A path on the command line; one holding a NUL character is refused (click would crash on it)."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, str) and "\x00" in value:
            self.fail("a path cannot hold a NUL character", param, ctx)
        return super().convert(value, param, ctx)


def _fail(message: str, status: int) -> NoReturn:
    _echo(f"painimmune: {message}", err=True)
    sys.exit(status)


def _echo(text: str, err: bool = False, nl: bool = True) -> None:
    """Print *text* with every character that does not show escaped (painimmune.escape.terminal):
    a value from a package cannot move the cursor, recolour or reorder the terminal."""
    from painimmune.escape import terminal

    click.echo(terminal(text), err=err, nl=nl)


def json_text(document: Any) -> str:
    """*document* as indented JSON that is always valid UTF-8 (painimmune.escape.json_text)."""
    from painimmune.escape import json_text as as_json

    return as_json(document)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(version=__version__, prog_name="painimmune", message="%(prog)s %(version)s")
def main() -> None:
    """painimmune: the immune system's role in chronic pain, as a curated data package."""


@main.command("list")
@click.option("--path", type=_PathArgument(path_type=Path), help=PATH_HELP)
def list_tables(path: Path | None) -> None:
    """List the tables with their row counts and titles."""
    from painimmune.package.descriptor import DataPackage

    package = DataPackage(path)
    for name in package.table_names:
        resource = package.resource(name)
        _echo(f"{name:<24} {resource.get('rows', '?'):>5}  {resource.get('title', '')}")


@main.command()
@click.argument("table")
@click.option("--path", type=_PathArgument(path_type=Path), help=PATH_HELP)
@click.option("--rows", "max_rows", type=click.IntRange(min=1), default=20, show_default=True, help="rows to show")
@click.option("--no-verify", is_flag=True, help="skip the hash check (for a curator's unbuilt edits)")
def show(table: str, path: Path | None, max_rows: int, no_verify: bool) -> None:
    """Show the first rows of TABLE; a relationship table shows each entity's name beside its id."""
    from painimmune.loader import load
    from painimmune.package.descriptor import DataPackage
    from painimmune.package.schemas import foreign_keys

    package = DataPackage(path)
    frame = load(table, package.root, verify=not no_verify)
    shown = frame.head(max_rows).copy()
    if table in package.relationship_tables:
        for column, resource, referenced in foreign_keys(package.schema(table)):
            if resource in package.entity_tables and referenced == "id":
                names = load(resource, package.root, verify=not no_verify).set_index("id")["name"]
                shown.insert(shown.columns.get_loc(column) + 1, f"{column.removesuffix('_id')}_name", shown[column].map(names))
    # A missing value is a blank cell whatever its column's type (pandas would print NaN or <NA>);
    # on a terminal the columns are wrapped to its width (piped, each row stays one line).
    blank = shown.astype(object).where(shown.notna(), "")
    width = shutil.get_terminal_size().columns if sys.stdout.isatty() else None
    _echo(blank.to_string(index=False, max_colwidth=30, line_width=width))
    _echo(f"({len(frame)} rows, {len(frame.columns)} columns)")


@main.command()
@click.argument("path", required=False, type=_PathArgument(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--rule", "only", multiple=True, metavar="ID", help="check only this rule (repeatable)")
@click.option("--skip-rule", "skip", multiple=True, metavar="ID", help="do not check this rule (repeatable)")
@click.option("--list-rules", is_flag=True, help="list the rules (id, layer, title) and exit")
def validate(path: Path | None, fmt: str, only: tuple[str, ...], skip: tuple[str, ...], list_rules: bool) -> None:
    """Validate a data package: Frictionless, pandera and package rules.

    PATH is a package directory, its datapackage.json or a release data zip (default: the installed data).
    Exits 1 when any problem is found. The rules are listed in docs/rules.md and by --list-rules.
    """
    from painimmune.validation import selected_rules
    from painimmune.validation import validate as run
    from painimmune.validation.rules import RULES

    if list_rules:
        for entry in RULES.values():
            _echo(f"{entry.id:<32} {entry.layer:<13} {entry.title}")
        return
    try:
        selected_rules(only or None, skip)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--rule/--skip-rule") from None
    report = run(path, rules=only or None, skip=skip)
    if fmt == "json":
        _echo(json_text({"valid": report.valid, "problems": [p.to_dict() for p in report.problems], "notes": report.notes}))
    else:
        for problem in report.problems:
            _echo(str(problem), err=True)
        for note in report.notes:
            _echo(f"note: {note}", err=True)
        _echo("valid" if report.valid else f"invalid: {len(report.problems)} problem(s)")
    if not report.valid:
        sys.exit(1)


@main.command()
@click.option("--format", "fmt", type=click.Choice(["apa", "bibtex", "cff"]), default="apa", show_default=True)
@click.option("--path", type=_PathArgument(path_type=Path), help=PATH_HELP)
def cite(fmt: str, path: Path | None) -> None:
    """Print the citation of this release and of the source documents its rows come from."""
    from painimmune.citations import citation

    _echo(citation(fmt, path), nl=False)


@main.command("diff")
@click.argument("old", type=_PathArgument())
@click.argument("new", type=_PathArgument())
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--exit-code", is_flag=True, help="exit 1 when the tables differ, 0 when they are the same (like git diff)")
def diff_releases(old: str, new: str, fmt: str, exit_code: bool) -> None:
    """Rows added, removed and changed per table between two releases (unchanged tables are not listed).

    OLD and NEW are package directories, datapackage.json files, release data zips, or (in a git
    checkout) versions in its releases.csv, such as 1.0.0.
    """
    from painimmune.diff import diff

    result = diff(old, new)
    for note in result.unverified:
        _echo(f"painimmune: note: {note}", err=True)
    if fmt == "json":
        _echo(json_text(result.to_dict()))
    else:
        _echo(result.to_text(), nl=False)
    if exit_code and not result.unchanged:
        sys.exit(1)


@main.command()
@click.argument("entity")
@click.option("--format", "fmt", type=click.Choice(["text", "markdown", "json"]), default="text", show_default=True)
@click.option("--path", type=_PathArgument(path_type=Path), help=PATH_HELP)
def about(entity: str, fmt: str, path: Path | None) -> None:
    """Every assertion about ENTITY (an id, name or synonym of a mediator, cell type, condition or treatment)."""
    from painimmune.entities import about as find
    from painimmune.entities import render

    _echo(render(find(entity, path), fmt), nl=False)


@main.command("export")
@click.option("--format", "fmt", type=click.Choice(["csv", "json", "parquet", "sqlite", "kgx", "sssom"]), required=True)
@click.option("--out", type=_PathArgument(path_type=Path, file_okay=False), required=True, help="directory to write into")
@click.option("--path", type=_PathArgument(path_type=Path), help=PATH_HELP)
def export_data(fmt: str, out: Path, path: Path | None) -> None:
    """Write the data in a format other tools read (parquet needs painimmune[parquet])."""
    from painimmune.export import export

    for written in export(fmt, out, path):
        _echo(f"wrote: {written}")


@main.command("site")
@click.option("--out", type=_PathArgument(path_type=Path, file_okay=False), required=True, help="directory to write the website into")
@click.option("--path", type=_PathArgument(path_type=Path), help=PATH_HELP)
@click.option("--include-source-texts", is_flag=True,
              help="show the full source texts (third-party works: only from a checkout, for checking; never publish the site)")
def site(out: Path, path: Path | None, include_source_texts: bool) -> None:
    """Write a static website of the data (open OUT/index.html in a browser; needs painimmune[site])."""
    from painimmune.site import SOURCE_TEXTS_WARNING, build_site

    if include_source_texts:
        click.echo(SOURCE_TEXTS_WARNING, err=True)
    written = build_site(out, path, include_source_texts=include_source_texts)
    _echo(f"wrote {len(written)} files; open {out / 'index.html'}")


@main.group()
def curate() -> None:
    """Add a source: a worksheet of candidate rows to review, then apply it (see CONTRIBUTING.md)."""


@curate.command("worksheet")
@click.argument("source_id")
@click.option("--out", type=_PathArgument(path_type=Path, dir_okay=False), required=True, help="worksheet CSV to write")
@click.option("--path", type=_PathArgument(path_type=Path), help=PATH_HELP)
def curate_worksheet(source_id: str, out: Path, path: Path | None) -> None:
    """Write the worksheet of sources/SOURCE_ID.txt: its unaccounted sentences, their mentions and candidate rows.

    Nothing is written into the package.
    """
    from painimmune.curate.worksheet import write_worksheet

    sheet = write_worksheet(source_id, out, path)
    _echo(f"wrote: {out} ({len(sheet.sentences)} sentences to review, {sum(1 for _ in sheet.candidates())} candidate rows)")


@curate.command("apply")
@click.argument("worksheet", type=_PathArgument(path_type=Path, dir_okay=False, exists=True))
@click.option("--path", type=_PathArgument(path_type=Path), help=PATH_HELP)
def curate_apply(worksheet: Path, path: Path | None) -> None:
    """Write the accepted rows and not-encoded sentences of WORKSHEET into the tables, build, validate.

    Nothing is changed unless the package then validates; exits 1 with each problem named by line and column otherwise.
    """
    from painimmune.curate.apply import apply

    outcome = apply(worksheet, path)
    for problem in outcome.problems:
        _echo(problem, err=True)
    for note in outcome.notes:
        _echo(f"note: {note}", err=True)
    for table, ids in outcome.added.items():
        _echo(f"added: {table}: {', '.join(ids)}")
    for written in outcome.written:
        _echo(f"wrote: {written}")
    _echo("valid" if outcome.valid else "invalid: nothing was changed")
    if not outcome.valid:
        sys.exit(1)
