"""Layer 3: rules about the package as a whole.

- every document has its text ``sources/<source_id>.txt``, whose sha256 is the one recorded in
  ``sources``; documents and the references they cite are told apart;
- rows are grounded in their source and every sentence is accounted for (:mod:`.grounding`), and
  grades and directions follow the rubric (:mod:`.rubric_rules`);
- every cited reference exists, is a cited reference, and is listed by the row's own source;
- every entity and every source is used, and an entity with a Unicode name has an ASCII synonym;
- the relations table maps exactly the relations the relationship tables allow;
- the version agrees across datapackage.json, CITATION.cff and CHANGELOG.md;
- every table is in normal form (as ``scripts/build.py`` writes it).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from typing import Any, NamedTuple

import pandas as pd

from painimmune.errors import DataError
from painimmune.normalise import is_canonical
from painimmune.package import csvio
from painimmune.package.composition import RELATIONS
from painimmune.package.descriptor import DataPackage
from painimmune.package.schemas import assertion_columns, enum, foreign_keys, list_delimiter
from painimmune.validation import grounding, rubric_rules
from painimmune.validation.problems import Problem
from painimmune.validation.raw import RawTable

LAYER = "package"
CITED_REFERENCE = "cited reference"


def check(package: DataPackage, notes: list[str], texts: dict[str, pd.DataFrame]) -> list[Problem]:
    """Apply every package rule; rules that cannot run on this copy add a line to *notes*.

    *texts* are the tables as frames of raw strings (from the pandera layer), so no table is read
    or parsed again here.
    """
    problems = list(_versions(package))
    unread = [name for name in package.table_names if name not in texts]
    if unread:
        notes.append(f"package rules on rows skipped: {', '.join(unread)} could not be read (see the problems above)")
        return problems
    frames = {name: _with_lists(package.schema(name), frame) for name, frame in texts.items()}
    relations = {name: frames[name] for name in package.relationship_tables}
    rows = list(_rows(relations))
    problems += _source_kinds(frames["sources"])
    sources, found = source_texts(package, frames["sources"], notes)
    problems += found
    problems += grounding.check(package, frames, sources)
    problems += rubric_rules.check(package, frames)
    problems += _cited_references(frames["sources"], rows)
    problems += _withdrawn(package, frames)
    problems += _usage(package, frames, relations)
    problems += _relation_vocabulary(package, frames)
    for table in package.entity_tables:
        problems += _ascii_synonyms(table, frames[table])
    return problems


def _with_lists(table_schema: dict[str, Any], frame: pd.DataFrame) -> pd.DataFrame:
    """*frame* with its ``list`` columns split into Python lists (empty cells as empty lists)."""
    lists = {field["name"]: list_delimiter(field) for field in table_schema["fields"] if field.get("type") == "list"}
    if not lists:
        return frame
    frame = frame.copy()
    for column, delimiter in lists.items():
        frame[column] = [value.split(delimiter) if isinstance(value, str) else [] for value in frame[column]]
    return frame


def normal_form(package: DataPackage, name: str, table: RawTable) -> list[Problem]:
    """A table must be as ``scripts/build.py`` writes it: sorted by primary key, canonical CSV.

    Tables with faults of their own (unreadable, header, cell counts, bytes that are not UTF-8)
    are reported by the pandera layer instead.
    """
    table_schema = package.schema(name)
    if table.error or table.header_faults or csvio.ragged_rows(table.header, table.rows):
        return []
    try:
        normal = table.data is not None and is_canonical(table.header, table.rows, table_schema, table.data)
    except UnicodeEncodeError:  # bytes that are not UTF-8: reported cell by cell by the pandera layer
        return []
    if table.faults or not normal:
        return [Problem(LAYER, "not-normalised",
                        "file is not in normal form (sorted by primary key, canonical CSV); run `python scripts/build.py`", name)]
    return []


def _versions(package: DataPackage) -> Iterator[Problem]:
    """The version and release date of datapackage.json, repeated in CITATION.cff (which the build
    generates) and in the top entry of CHANGELOG.md (which a person writes)."""
    expected = {"version": package.version, "date": str(package.descriptor.get("created", ""))[:10] or None}
    patterns = {
        "CITATION.cff": {"version": r"^version:\s*['\"]?([^'\"\s]+)", "date": r"^date-released:\s*['\"]?([^'\"\s]+)"},
        "CHANGELOG.md": {"version": r"^## \[?(\d+\.\d+\.\d+[^\]\s]*)", "date": r"^## \[?\d+\.\d+\.\d+[^\]\s]*\]? - (\d{4}-\d{2}-\d{2})"},
    }
    for file, checks in patterns.items():
        if not (package.root / file).exists():
            continue
        try:
            text = package.file(file).decode("utf-8")
        except (DataError, UnicodeDecodeError) as exc:
            yield Problem(LAYER, "file-unreadable", _reason(file, exc), value=file)
            continue
        for what, pattern in checks.items():
            match = re.search(pattern, text, re.MULTILINE)
            found = match.group(1) if match else None
            if found == expected[what]:
                continue
            field = "version" if what == "version" else "created date"
            if file == "CITATION.cff":
                rule = "citation-stale"
                message = f"CITATION.cff {what} {found!r} differs from datapackage.json {field} {expected[what]!r}; run `python scripts/build.py`"
            else:
                rule = "version-mismatch" if what == "version" else "release-date-mismatch"
                message = f"CHANGELOG.md top entry {found!r} differs from datapackage.json {field} {expected[what]!r}"
            yield Problem(LAYER, rule, message, value=found)


class Row(NamedTuple):
    """The columns of a relationship row that the rules read."""

    table: str
    id: str
    source_id: str
    quote: str
    evidence_level_id: str
    cited_refs: list[str]


def _rows(relations: dict[str, pd.DataFrame]) -> Iterator[Row]:
    for name, frame in relations.items():
        columns = [frame[c].astype(object) for c in ("id", "source_id", "quote", "evidence_level_id", "cited_refs")]
        for values in zip(*columns):
            yield Row(name, *values)


def source_texts(package: DataPackage, sources: pd.DataFrame, notes: list[str]) -> tuple[dict[str, str], list[Problem]]:
    """The text of every source document, by source id, and the problems of the texts themselves
    (missing, or changed since their sha256 was recorded)."""
    folder = package.root / "sources"
    texts: dict[str, str] = {}
    problems: list[Problem] = []
    if not folder.is_dir():
        notes.append("quotes not checked: this copy has no sources/ folder (installed packages do not ship the source texts)")
        return texts, problems
    for source in sources[sources["type"] != CITED_REFERENCE].itertuples(index=False):
        relative = f"sources/{source.id}.txt"
        if not (package.root / relative).exists():
            problems.append(Problem(LAYER, "source-text-missing", f"no text file {source.id}.txt in sources/", "sources", source.id))
            continue
        try:
            data = package.file(relative)
            text = data.decode("utf-8")
        except (DataError, UnicodeDecodeError) as exc:
            problems.append(Problem(LAYER, "file-unreadable", _reason(relative, exc), "sources", source.id, "sha256"))
            continue
        digest = hashlib.sha256(data).hexdigest()
        if digest != source.sha256:
            problems.append(Problem(LAYER, "source-text-changed", f"sha256 of {source.id}.txt is {digest}; a source text must never be "
                                    "edited", "sources", source.id, "sha256", source.sha256))
            continue  # quotes are checked only against the text whose fingerprint is recorded
        texts[source.id] = text
    return texts, problems


def _reason(relative: str, exc: Exception) -> str:
    """Why the package file *relative* could not be read, in words."""
    if isinstance(exc, UnicodeDecodeError):
        return f"{relative} is not UTF-8 (byte {exc.start}); save it as UTF-8"
    return str(exc)


def _source_kinds(sources: pd.DataFrame) -> Iterator[Problem]:
    for source in sources.itertuples(index=False):
        cited = source.type == CITED_REFERENCE
        if cited and pd.isna(source.cited_by):
            yield Problem(LAYER, "source-kind", "a cited reference names the document that cites it", "sources", source.id, "cited_by")
        if cited and pd.notna(source.sha256):
            yield Problem(LAYER, "source-kind", "a cited reference has no text of its own, so no sha256", "sources", source.id,
                          "sha256", source.sha256)
        if not cited and pd.notna(source.cited_by):
            yield Problem(LAYER, "source-kind", f"a {source.type} cites nothing; only a cited reference has cited_by",
                          "sources", source.id, "cited_by", source.cited_by)
        if not cited and pd.isna(source.sha256):
            yield Problem(LAYER, "source-kind", "a source document records the sha256 of its text sources/<id>.txt",
                          "sources", source.id, "sha256")


def _ascii_synonyms(table: str, frame: pd.DataFrame) -> Iterator[Problem]:
    for entity, name, synonyms in zip(frame["id"], frame["name"], frame["synonyms"]):
        if isinstance(name, str) and not name.isascii() and not any(synonym.isascii() for synonym in synonyms):
            yield Problem(LAYER, "ascii-synonym", f"the name {name!r} is not ASCII and no synonym is: add one that can be typed",
                          table, entity, "synonyms")


WITHDRAWN = "withdrawn_rows"


def _withdrawn(package: DataPackage, frames: dict[str, pd.DataFrame]) -> Iterator[Problem]:
    """A withdrawn row names a relationship table, and its id is in no table again."""
    if WITHDRAWN not in frames:
        return
    live = {name: set(frames[name]["id"]) for name in package.relationship_tables}
    for row, table in zip(frames[WITHDRAWN]["id"], frames[WITHDRAWN]["table"]):
        if table not in live:
            yield Problem(LAYER, "withdrawn-row", f"{table!r} is not a relationship table", WITHDRAWN, row, "table", table)
        elif any(row in ids for ids in live.values()):
            yield Problem(LAYER, "withdrawn-row", "a withdrawn id is in use again; ids are never reused", WITHDRAWN, row, "id", row)


def _cited_references(sources: pd.DataFrame, rows: list[Row]) -> Iterator[Problem]:
    kinds = dict(zip(sources["id"], sources["type"]))
    listed_by = dict(zip(sources["id"], sources["cited_by"]))
    for row in rows:
        for ref in row.cited_refs:
            if ref not in kinds:
                yield Problem(LAYER, "cited-reference-unknown", f"no source {ref!r}", row.table, row.id, "cited_refs", ref)
            elif kinds[ref] != CITED_REFERENCE or listed_by[ref] != row.source_id:
                yield Problem(LAYER, "cited-reference-foreign",
                              f"{ref!r} is not a reference listed by {row.source_id!r}", row.table, row.id, "cited_refs", ref)


def used_ids(package: DataPackage, relations: dict[str, pd.DataFrame]) -> dict[str, set[str]]:
    """Ids of entities and sources that the relationship rows refer to (through foreign keys and cited_refs)."""
    used: dict[str, set[str]] = {table: set() for table in (*package.entity_tables, "sources")}
    for name, frame in relations.items():
        for column, resource, _ in foreign_keys(package.schema(name)):
            if resource in used:
                used[resource].update(frame[column].dropna())
        used["sources"].update(ref for refs in frame["cited_refs"] for ref in refs)
    return used


def _usage(package: DataPackage, frames: dict[str, pd.DataFrame], relations: dict[str, pd.DataFrame]) -> Iterator[Problem]:
    used = used_ids(package, relations)
    for table in package.entity_tables:
        for entity in frames[table]["id"]:
            if entity not in used[table]:
                yield Problem(LAYER, "entity-unused", "no assertion uses this entity", table, entity)
    sources = frames["sources"]
    listed = sources["cited_by"].isin(used["sources"]) & (sources["type"] == CITED_REFERENCE)
    for _, source in sources[~sources["id"].isin(used["sources"]) & ~listed].iterrows():
        yield Problem(LAYER, "source-unused", "no assertion comes from or cites this source, and no used source lists it",
                      "sources", source["id"])


def _relation_vocabulary(package: DataPackage, frames: dict[str, pd.DataFrame]) -> Iterator[Problem]:
    """Each value a relationship table's predicate column allows is a relation, and each relation is allowed somewhere."""
    if RELATIONS not in frames:
        return  # the foreign keys to it are reported by Frictionless
    defined = set(frames[RELATIONS]["id"])
    allowed: set[str] = set()
    for table in package.relationship_tables:
        column = assertion_columns(package.schema(table)).predicate
        field = next(field for field in package.schema(table)["fields"] if field["name"] == column)
        for relation in enum(field) or []:
            allowed.add(relation)
            if relation not in defined:
                yield Problem(LAYER, "relation-vocabulary", f"{column} allows {relation!r}, which the {RELATIONS} table does not "
                              "define and map", table, column=column, value=relation)
    for relation in sorted(defined - allowed):
        yield Problem(LAYER, "relation-vocabulary", "no relationship table allows this relation", RELATIONS, relation, "id", relation)
