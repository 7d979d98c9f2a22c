"""Everything the data says about one entity: ``painimmune about crps``.

An entity is found by its id, name, any synonym or accepted mention, compared by
:func:`painimmune.curation.folding.fold` (case, accents, spaces, punctuation and plurals ignored:
``crps``, ``CRPS``, ``complex regional pain syndrome``, ``TNF-alpha``, ``tnfa``, ``TNF-α``,
``macrophages``). Its assertions are grouped by relation, strongest evidence first, each with its
evidence level, direction, source and verbatim quote.

>>> import painimmune as pim
>>> pim.about("tnfa")["entity"]["id"]
'tnf'
"""

from __future__ import annotations

import difflib
import json
from pathlib import Path
from typing import Any

import pandas as pd

from painimmune.curation.folding import fold
from painimmune.errors import DataError, PainimmuneError
from painimmune.graph import assertion_rows
from painimmune.loader import load
from painimmune.package.descriptor import DataPackage
from painimmune.package.schemas import entity_labels

FORMATS = ("text", "markdown", "json")


class UnknownEntityError(PainimmuneError, LookupError):
    """A name that matches no entity (the message suggests the closest ones), or several."""

    def __str__(self) -> str:  # LookupError would otherwise quote the message
        return self.args[0]


def find_entity(query: str, path: str | Path | None = None) -> dict[str, Any]:
    """The entity (table, id, name, synonyms) that *query* names.

    Raises:
        UnknownEntityError: nothing matches (with the closest names), or several entities do.
    """
    package = DataPackage(path)
    names: dict[str, set[tuple[str, str]]] = {}
    entities: dict[tuple[str, str], dict[str, Any]] = {}
    for table in package.entity_tables:
        for row in load(table, package.root).itertuples(index=False):
            entity = {"table": table, "kind": entity_labels(package.schema(table)).singular,
                      "id": row.id, "name": row.name, "synonyms": list(row.synonyms)}
            entities[(table, row.id)] = entity
            for label in (row.id, row.name, *row.synonyms, *row.mentions):
                names.setdefault(fold(label), set()).add((table, row.id))
    key = fold(query)
    found = names.get(key, set())
    if len(found) == 1:
        return entities[next(iter(found))]
    if found:
        listed = ", ".join(f"{entities[e]['name']} ({e[0]}: {e[1]})" for e in sorted(found))
        raise UnknownEntityError(f"{query!r} names several entities: {listed}; ask for one by its id")
    close = difflib.get_close_matches(key, list(names), n=5, cutoff=0.6)
    suggestions = sorted({entities[e]["name"] for k in close for e in names[k]})
    hint = f"; did you mean: {', '.join(suggestions)}?" if suggestions else ""
    kinds = [entity_labels(package.schema(table)).singular for table in package.entity_tables]
    raise UnknownEntityError(f"no {', '.join(kinds[:-1])} or {kinds[-1]} is called {query!r}{hint}")


def about(entity: str, path: str | Path | None = None) -> dict[str, Any]:
    """Every assertion touching *entity*, grouped by relation.

    Returns a dict: ``entity`` (table, id, name, synonyms) and ``groups``, a list of
    ``{"relation", "direction_of_relation", "assertions": [...]}``; each assertion names the other
    entity, the qualifiers, evidence level, direction, evidence source, source (id and title),
    quote and row id. Groups and assertions are ordered by strongest evidence first.

    Raises:
        UnknownEntityError: see :func:`find_entity`.
    """
    package = DataPackage(path)
    found = find_entity(entity, package.root)
    rows = assertion_rows(package.root)
    names = {(table, row.id): row.name for table in package.entity_tables for row in load(table, package.root).itertuples(index=False)}
    kinds = {table: entity_labels(package.schema(table)).singular for table in package.entity_tables}
    levels = load("evidence_levels", package.root).set_index("id")
    titles = load("sources", package.root).set_index("id")["title"]
    as_subject = (rows["subject_type"] == found["table"]) & (rows["subject_id"] == found["id"])
    as_object = (rows["object_type"] == found["table"]) & (rows["object_id"] == found["id"])
    _refuse_dangling(rows[as_subject | as_object], names, levels.index, titles.index)
    groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for role, mask in (("subject", as_subject), ("object", as_object)):
        for row in rows[mask].itertuples(index=False):
            other_type, other_id = (row.object_type, row.object_id) if role == "subject" else (row.subject_type, row.subject_id)
            other_kind = kinds[other_type]
            description = (f"{found['name']} —[{row.relation}]→ {other_kind}" if role == "subject"
                           else f"{other_kind} —[{row.relation}]→ {found['name']}")
            heading = (row.relation, description)
            groups.setdefault(heading, []).append({
                "other_type": other_type, "other_id": other_id, "other_name": names[(other_type, other_id)],
                "qualifiers": row.qualifiers, "evidence_level": str(levels.at[row.evidence_level_id, "label"]),
                "evidence_rank": int(levels.at[row.evidence_level_id, "rank"]), "direction": row.direction,
                "evidence_source": row.evidence_source, "source_id": row.source_id, "source_title": str(titles[row.source_id]),
                "quote": row.quote, "row_id": row.row_id,
            })
    ordered = []
    for (relation, description), items in groups.items():
        items.sort(key=lambda item: (item["evidence_rank"], item["other_name"].casefold(), item["row_id"]))
        ordered.append({"relation": relation, "description": description, "assertions": items})
    ordered.sort(key=lambda group: (group["assertions"][0]["evidence_rank"], group["description"]))
    return {"entity": found, "groups": ordered}


def _refuse_dangling(rows: pd.DataFrame, names: dict[tuple[str, str], str], levels: pd.Index, sources: pd.Index) -> None:
    """Raise :class:`DataError` when one of *rows* refers to an entity, level or source that does not
    exist (a package that does not validate), rather than fail on it later."""
    for row in rows.itertuples(index=False):
        missing = [f"{table} {entity!r}" for table, entity in ((row.subject_type, row.subject_id), (row.object_type, row.object_id))
                   if (table, entity) not in names]
        missing += [f"evidence level {row.evidence_level_id!r}"] if row.evidence_level_id not in levels else []
        missing += [f"source {row.source_id!r}"] if row.source_id not in sources else []
        if missing:
            raise DataError(f"{row.table}: row {row.row_id} refers to {', '.join(missing)}, which does not exist; "
                            "`painimmune validate` names every such problem")


def render(result: dict[str, Any], format: str = "text") -> str:  # noqa: A002 (the user-facing word)
    """*result* of :func:`about` as ``text``, ``markdown`` or ``json``."""
    if format not in FORMATS:
        raise ValueError(f"unknown format {format!r}; choose one of {', '.join(FORMATS)}")
    if format == "json":
        return json.dumps(result, indent=2, ensure_ascii=False) + "\n"
    entity = result["entity"]
    count = sum(len(group["assertions"]) for group in result["groups"])
    markdown = format == "markdown"
    lines = [f"# {entity['name']}" if markdown else entity["name"],
             "",
             f"{entity['kind']} `{entity['id']}`" if markdown else f"{entity['kind']} {entity['id']}",
             f"synonyms: {', '.join(entity['synonyms']) or '(none)'}",
             f"{count} assertion(s) in {len(result['groups'])} relation(s); strongest evidence first."]
    for group in result["groups"]:
        lines += ["", f"## {group['description']}" if markdown else f"{group['description']}:"]
        for item in group["assertions"]:
            where = f" [{item['qualifiers']}]" if item["qualifiers"] else ""
            verdict = "" if item["direction"] == "supports" else " — REFUTES"
            evidence = f"{item['evidence_level']}{verdict}; {item['evidence_source']}; {item['source_id']}"
            if markdown:
                lines.append(f"- **{item['other_name']}**{where} — {evidence} ({item['row_id']})  \n  > {item['quote']}")
            else:
                lines.append(f"  - {item['other_name']}{where} — {evidence} ({item['row_id']})")
                lines.append(f"      \"{item['quote']}\"")
    return "\n".join(lines) + "\n"

