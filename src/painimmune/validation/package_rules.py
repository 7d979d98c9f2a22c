"""Layer 3: rules about the package as a whole.

- every quote occurs verbatim (whitespace aside) in ``sources/<source_id>.txt``, whose sha256 is
  the one recorded in ``sources``; documents and the references they cite are told apart;
- a hedged quote is never graded as clinical evidence, and the evidence ranks run 1, 2, 3, ...;
- every cited reference exists, is a cited reference, and is listed by the row's own source;
- every entity and every source is used, and an entity with a Unicode name has an ASCII synonym;
- the version agrees across datapackage.json, CITATION.cff and CHANGELOG.md;
- every table is in normal form (as ``scripts/build.py`` writes it).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import pandas as pd

from painimmune import csvio, schemas
from painimmune.descriptor import DataPackage
from painimmune.normalise import canonical
from painimmune.schemas import foreign_keys, list_delimiter
from painimmune.validation.problems import Problem
from painimmune.validation.raw import RawTable

LAYER = "package"
CLINICAL_LEVELS = ("established_clinical", "clinical_trial", "clinical_observation")
HEDGE_LEVEL = "hypothesis"
CITED_REFERENCE = "cited reference"


def squash(text: str) -> str:
    """*text* with every run of whitespace turned into one space (the only freedom a quote has)."""
    return " ".join(text.split())


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
    texts, found = _source_texts(package, frames["sources"], notes)
    problems += found
    problems += _quotes(texts, rows)
    problems += _not_encoded(package, texts)
    problems += _ranks(frames["evidence_levels"])
    problems += _hedges(frames["evidence_levels"], rows)
    problems += _cited_references(frames["sources"], rows)
    problems += _usage(package, frames, relations)
    for table in package.entity_tables:
        problems += _ascii_synonyms(table, frames[table])
    return problems


def _with_lists(table_schema: dict, frame: pd.DataFrame) -> pd.DataFrame:
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
    if table.error or schemas.header_problems(table.header, table_schema) or csvio.ragged_rows(table.header, table.rows):
        return []
    try:
        normal = canonical(table.header, table.rows, table_schema) == table.data
    except UnicodeEncodeError:  # bytes that are not UTF-8: reported cell by cell by the pandera layer
        return []
    if table.faults or not normal:
        return [Problem(LAYER, "not-normalised",
                        "file is not in normal form (sorted by primary key, canonical CSV); run `python scripts/build.py`", name)]
    return []


def _versions(package: DataPackage) -> Iterator[Problem]:
    """The version and release date of datapackage.json, repeated in CITATION.cff and CHANGELOG.md."""
    expected = {"version": package.version, "date": str(package.descriptor.get("created", ""))[:10] or None}
    patterns = {
        "CITATION.cff": {"version": r"^version:\s*['\"]?([^'\"\s]+)", "date": r"^date-released:\s*['\"]?([^'\"\s]+)"},
        "CHANGELOG.md": {"version": r"^## \[?(\d+\.\d+\.\d+[^\]\s]*)", "date": r"^## \[?\d+\.\d+\.\d+[^\]\s]*\]? - (\d{4}-\d{2}-\d{2})"},
    }
    for file, checks in patterns.items():
        path = package.root / file
        if not path.is_file():
            continue
        text = path.read_text(encoding="utf-8")
        for what, pattern in checks.items():
            match = re.search(pattern, text, re.MULTILINE)
            found = match.group(1) if match else None
            if found != expected[what]:
                where = "top entry" if file == "CHANGELOG.md" else what
                rule, field = ("version-mismatch", "version") if what == "version" else ("release-date-mismatch", "created date")
                yield Problem(LAYER, rule, f"{file} {where} {found!r} differs from datapackage.json {field} {expected[what]!r}", value=found)


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


def _source_texts(package: DataPackage, sources: pd.DataFrame, notes: list[str]) -> tuple[dict[str, str], list[Problem]]:
    """The text of every source document with its whitespace squashed, by source id, and the
    problems of the texts themselves (missing, or changed since their sha256 was recorded)."""
    folder = package.root / "sources"
    texts: dict[str, str] = {}
    problems: list[Problem] = []
    if not folder.is_dir():
        notes.append("quotes not checked: this copy has no sources/ folder (installed packages do not ship the source texts)")
        return texts, problems
    for source in sources[sources["type"] != CITED_REFERENCE].itertuples(index=False):
        path: Path = folder / f"{source.id}.txt"
        if not path.is_file():
            problems.append(Problem(LAYER, "source-text-missing", f"no text file {path.name} in sources/", "sources", source.id))
            continue
        data = path.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        if digest != source.sha256:
            problems.append(Problem(LAYER, "source-text-changed", f"sha256 of {path.name} is {digest}; a source text must never be "
                                    "edited", "sources", source.id, "sha256", source.sha256))
        texts[source.id] = squash(data.decode("utf-8"))
    return texts, problems


def _quotes(texts: dict[str, str], rows: list[Row]) -> Iterator[Problem]:
    found: dict[tuple[str, str], bool] = {}  # many rows share a quote: search each (source, quote) once
    for row in rows:
        text = texts.get(row.source_id)
        if text is None:
            continue
        key = (row.source_id, row.quote)
        if key not in found:
            found[key] = squash(row.quote) in text
        if not found[key]:
            yield Problem(LAYER, "quote-not-found", f"quote does not occur in sources/{row.source_id}.txt",
                          row.table, row.id, "quote", row.quote)


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


def _ranks(levels: pd.DataFrame) -> Iterator[Problem]:
    ranks = pd.to_numeric(levels["rank"], errors="coerce")
    if sorted(ranks.dropna().astype(int)) != list(range(1, len(levels) + 1)):
        shown = ", ".join(str(rank) for rank in sorted(levels["rank"].dropna()))
        yield Problem(LAYER, "rank-order", f"ranks are {shown}; they must be 1 to {len(levels)}, each once",
                      "evidence_levels", None, "rank", shown)


def _ascii_synonyms(table: str, frame: pd.DataFrame) -> Iterator[Problem]:
    for entity, name, synonyms in zip(frame["id"], frame["name"], frame["synonyms"]):
        if isinstance(name, str) and not name.isascii() and not any(synonym.isascii() for synonym in synonyms):
            yield Problem(LAYER, "ascii-synonym", f"the name {name!r} is not ASCII and no synonym is: add one that can be typed",
                          table, entity, "synonyms")


NOT_ENCODED = "curation/not_encoded.csv"


def _not_encoded(package: DataPackage, texts: dict[str, str]) -> Iterator[Problem]:
    """The list of statements deliberately not encoded: each quote verbatim in its source, each with a reason."""
    path = package.root / NOT_ENCODED
    if not path.is_file() or not texts:
        return
    header, rows = csvio.parse(csvio.decode(csvio.read_bytes(path, NOT_ENCODED), NOT_ENCODED), NOT_ENCODED)
    for line, row in enumerate(rows, start=2):
        entry = dict(zip(header, row))
        where = f"line {line}"
        if entry.get("source_id") not in texts:
            yield Problem(LAYER, "not-encoded-invalid", f"{NOT_ENCODED}: no source text for source_id {entry.get('source_id')!r}",
                          row=where, column="source_id", value=entry.get("source_id"))
        elif squash(entry.get("quote", "")) not in texts[entry["source_id"]]:
            yield Problem(LAYER, "not-encoded-invalid", f"{NOT_ENCODED}: the quote does not occur in sources/{entry['source_id']}.txt",
                          row=where, column="quote", value=entry.get("quote"))
        if not entry.get("reason", "").strip():
            yield Problem(LAYER, "not-encoded-invalid", f"{NOT_ENCODED}: a statement not encoded says why", row=where, column="reason")


def _hedges(levels: pd.DataFrame, rows: list[Row]) -> Iterator[Problem]:
    cues = levels.loc[levels["id"] == HEDGE_LEVEL, "cue_phrases"]
    phrases = cues.iloc[0] if len(cues) else []
    if not phrases:
        return
    pattern = re.compile(r"\b(" + "|".join(re.escape(p) for p in phrases) + r")\b", re.IGNORECASE)
    for row in rows:
        if row.evidence_level_id not in CLINICAL_LEVELS:
            continue
        match = pattern.search(row.quote)
        if match:
            yield Problem(LAYER, "hedge-graded-clinical", f"quote hedges ({match.group(0)!r}) but is graded {row.evidence_level_id}",
                          row.table, row.id, "evidence_level_id", row.evidence_level_id)


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
