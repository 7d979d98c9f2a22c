"""Layer 3: rules about the package as a whole.

- every quote occurs verbatim (whitespace aside) in ``sources/<source_id>.txt``, whose sha256 is
  the one recorded in ``sources``;
- a hedged quote is never graded as clinical evidence;
- every cited reference exists, is a cited reference, and is listed by the row's own source;
- every entity and every source is used;
- the version agrees across datapackage.json, CITATION.cff and CHANGELOG.md;
- every table is in normal form (as ``scripts/build.py`` writes it).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from painimmune.descriptor import DataPackage
from painimmune.errors import PainimmuneError
from painimmune.loader import load
from painimmune.normalise import normalised_table
from painimmune.schemas import foreign_keys
from painimmune.validation.problems import Problem

LAYER = "package"
ENTITY_TABLES = ("mediators", "cell_types", "conditions", "treatments")
CLINICAL_LEVELS = ("established_clinical", "clinical_trial", "clinical_observation")
HEDGE_LEVEL = "hypothesis"
CITED_REFERENCE = "cited reference"


def squash(text: str) -> str:
    """*text* with every run of whitespace turned into one space (the only freedom a quote has)."""
    return " ".join(text.split())


def check(package: DataPackage, notes: list[str]) -> list[Problem]:
    """Apply every package rule; rules that cannot run on this copy add a line to *notes*."""
    problems = list(_normal_form(package)) + list(_versions(package))
    try:
        frames = {name: load(name, package.root, verify=False) for name in package.table_names}  # hashes: layer 1
    except PainimmuneError as exc:
        notes.append(f"package rules on rows skipped: tables do not load ({exc})")
        return problems
    relations = {name: frame for name, frame in frames.items() if "quote" in frame}
    problems += _quotes(package, frames["sources"], relations, notes)
    problems += _hedges(frames["evidence_levels"], relations)
    problems += _cited_references(frames["sources"], relations)
    problems += _usage(package, frames, relations)
    return problems


def _normal_form(package: DataPackage) -> Iterator[Problem]:
    for name in package.table_names:
        path = package.table_path(name)
        try:
            content, _ = normalised_table(package, name)
        except PainimmuneError:  # a table that cannot be read is reported by the pandera layer
            continue
        if path.read_bytes() != content:
            yield Problem(LAYER, "not-normalised",
                          "file is not in normal form (sorted by primary key, canonical CSV); run `python scripts/build.py`", name)


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


def _rows(relations: dict[str, pd.DataFrame]) -> Iterator[tuple[str, pd.Series]]:
    for name, frame in relations.items():
        for _, row in frame.iterrows():
            yield name, row


def _quotes(package: DataPackage, sources: pd.DataFrame, relations: dict[str, pd.DataFrame], notes: list[str]) -> Iterator[Problem]:
    folder = package.root / "sources"
    if not folder.is_dir():
        notes.append("quotes not checked: this copy has no sources/ folder (installed packages do not ship the source texts)")
        return
    texts: dict[str, str] = {}
    for _, source in sources.iterrows():
        path: Path = folder / f"{source['id']}.txt"
        if source["type"] == CITED_REFERENCE:
            continue
        if not path.is_file():
            yield Problem(LAYER, "source-text-missing", f"no text file {path.name} in sources/", "sources", source["id"])
            continue
        data = path.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        if digest != source["sha256"]:
            yield Problem(LAYER, "source-text-changed", f"sha256 of {path.name} is {digest}; a source text must never be edited",
                          "sources", source["id"], "sha256", source["sha256"])
        texts[source["id"]] = squash(data.decode("utf-8"))
    for name, row in _rows(relations):
        text = texts.get(row["source_id"])
        if text is not None and squash(row["quote"]) not in text:
            yield Problem(LAYER, "quote-not-found", f"quote does not occur in sources/{row['source_id']}.txt",
                          name, row["id"], "quote", row["quote"])


def _hedges(levels: pd.DataFrame, relations: dict[str, pd.DataFrame]) -> Iterator[Problem]:
    cues = levels.loc[levels["id"] == HEDGE_LEVEL, "cue_phrases"]
    phrases = cues.iloc[0] if len(cues) else []
    if not phrases:
        return
    pattern = re.compile(r"\b(" + "|".join(re.escape(p) for p in phrases) + r")\b", re.IGNORECASE)
    for name, row in _rows(relations):
        match = pattern.search(row["quote"])
        if match and row["evidence_level_id"] in CLINICAL_LEVELS:
            yield Problem(LAYER, "hedge-graded-clinical",
                          f"quote hedges ({match.group(0)!r}) but is graded {row['evidence_level_id']}",
                          name, row["id"], "evidence_level_id", row["evidence_level_id"])


def _cited_references(sources: pd.DataFrame, relations: dict[str, pd.DataFrame]) -> Iterator[Problem]:
    by_id = sources.set_index("id")
    for name, row in _rows(relations):
        for ref in row["cited_refs"]:
            if ref not in by_id.index:
                yield Problem(LAYER, "cited-reference-unknown", f"no source {ref!r}", name, row["id"], "cited_refs", ref)
            elif by_id.at[ref, "type"] != CITED_REFERENCE or by_id.at[ref, "cited_by"] != row["source_id"]:
                yield Problem(LAYER, "cited-reference-foreign",
                              f"{ref!r} is not a reference listed by {row['source_id']!r}", name, row["id"], "cited_refs", ref)


def used_ids(package: DataPackage, relations: dict[str, pd.DataFrame]) -> dict[str, set[str]]:
    """Ids of entities and sources that the relationship rows refer to (through foreign keys and cited_refs)."""
    used: dict[str, set[str]] = {table: set() for table in (*ENTITY_TABLES, "sources")}
    for name, frame in relations.items():
        for column, resource, _ in foreign_keys(package.schema(name)):
            if resource in used:
                used[resource].update(frame[column].dropna())
        used["sources"].update(ref for refs in frame["cited_refs"] for ref in refs)
    return used


def _usage(package: DataPackage, frames: dict[str, pd.DataFrame], relations: dict[str, pd.DataFrame]) -> Iterator[Problem]:
    used = used_ids(package, relations)
    for table in ENTITY_TABLES:
        for entity in frames[table]["id"]:
            if entity not in used[table]:
                yield Problem(LAYER, "entity-unused", "no assertion uses this entity", table, entity)
    sources = frames["sources"]
    listed = sources["cited_by"].isin(used["sources"]) & (sources["type"] == CITED_REFERENCE)
    for _, source in sources[~sources["id"].isin(used["sources"]) & ~listed].iterrows():
        yield Problem(LAYER, "source-unused", "no assertion comes from or cites this source, and no used source lists it",
                      "sources", source["id"])
