"""Everything the data says about one entity: ``painimmune about crps``.

An entity is found by its id, name, any synonym or accepted mention, compared by
:func:`painimmune.language.folding.fold` (case, accents, spaces, punctuation and plurals ignored:
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
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import pandas as pd

from painimmune.errors import DataError, PainimmuneError
from painimmune.graph import assertion_rows
from painimmune.language.folding import fold
from painimmune.loader import load
from painimmune.package.descriptor import DataPackage
from painimmune.package.schemas import entity_labels

FORMATS = ("text", "markdown", "json")


class UnknownEntityError(PainimmuneError, LookupError):
    """A name that matches no entity (the message suggests the closest ones), or several."""

    def __str__(self) -> str:  # LookupError would otherwise quote the message
        return str(self.args[0])


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


@dataclass(frozen=True)
class Context:
    """What describing an entity needs, loaded once: every assertion row, the name of every entity,
    the singular noun of every entity table, the evidence levels and the source titles and types."""

    rows: pd.DataFrame
    names: dict[tuple[str, str], str]
    kinds: dict[str, str]
    levels: pd.DataFrame
    titles: pd.Series
    source_types: pd.Series

    @classmethod
    def of(cls, package: DataPackage) -> Context:
        """The context of *package* (its tables loaded and verified)."""
        names = {(table, row.id): row.name for table in package.entity_tables for row in load(table, package.root).itertuples(index=False)}
        sources = load("sources", package.root).set_index("id")
        return cls(assertion_rows(package.root), names,
                   {table: entity_labels(package.schema(table)).singular for table in package.entity_tables},
                   load("evidence_levels", package.root).set_index("id"), sources["title"], sources["type"])

    @cached_property
    def touching(self) -> dict[tuple[str, str], list[tuple[str, Any]]]:
        """The assertion rows touching each entity (table, id), each with the entity's role in it."""
        index: dict[tuple[str, str], list[tuple[str, Any]]] = {}
        for row in self.rows.itertuples(index=False):
            index.setdefault((row.subject_type, row.subject_id), []).append(("subject", row))
            index.setdefault((row.object_type, row.object_id), []).append(("object", row))
        return index


def about(entity: str, path: str | Path | None = None) -> dict[str, Any]:
    """Every assertion touching *entity*, grouped by relation.

    Returns a dict: ``entity`` (table, id, name, synonyms) and ``groups``, a list of
    ``{"relation", "description", "assertions": [...]}``; each assertion names the entity's role
    (subject or object), the other entity, the qualifiers, evidence level, direction, evidence
    source, source (id and title), quote, the words of the source naming subject and object, note
    and row id. Groups and assertions are ordered by strongest evidence first.

    Raises:
        UnknownEntityError: see :func:`find_entity`.
    """
    package = DataPackage(path)
    return describe(find_entity(entity, package.root), Context.of(package))


def describe(found: dict[str, Any], context: Context) -> dict[str, Any]:
    """The result of :func:`about` for the entity *found* (as :func:`find_entity` returns it)."""
    touching = context.touching.get((found["table"], found["id"]), [])
    _refuse_dangling([row for _, row in touching], context.names, context.levels.index, context.titles.index)
    groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for role, row in touching:
        other_type, other_id = (row.object_type, row.object_id) if role == "subject" else (row.subject_type, row.subject_id)
        other_kind = context.kinds[other_type]
        description = (f"{found['name']} —[{row.relation}]→ {other_kind}" if role == "subject"
                       else f"{other_kind} —[{row.relation}]→ {found['name']}")
        groups.setdefault((row.relation, description), []).append({
            "role": role, "relation": row.relation,
            "other_type": other_type, "other_id": other_id, "other_name": context.names[(other_type, other_id)],
            "qualifiers": row.qualifiers, "evidence_level_id": row.evidence_level_id,
            "evidence_level": str(context.levels.at[row.evidence_level_id, "label"]),
            "evidence_rank": int(context.levels.at[row.evidence_level_id, "rank"]), "direction": row.direction,
            "evidence_source": row.evidence_source, "source_id": row.source_id, "source_title": str(context.titles[row.source_id]),
            "source_type": str(context.source_types[row.source_id]),
            "quote": row.quote, "subject_mention": row.subject_mention, "object_mention": row.object_mention,
            "antecedent": _antecedent(row), "note": "" if pd.isna(row.note) else str(row.note), "row_id": row.row_id,
        })
    ordered: list[dict[str, Any]] = []
    for (relation, description), items in groups.items():
        items.sort(key=lambda item: (item["evidence_rank"], item["other_name"].casefold(), item["row_id"]))
        ordered.append({"relation": relation, "description": description, "assertions": items})
    ordered.sort(key=lambda group: (group["assertions"][0]["evidence_rank"], group["description"]))
    return {"entity": found, "groups": ordered}


def _antecedent(row: Any) -> dict[str, str]:
    """The mentions of *row* that lie outside its quote (an antecedent earlier in the paragraph,
    given by ``*_mention_start``), by role."""
    return {role: getattr(row, f"{role}_mention") for role in ("subject", "object")
            if not pd.isna(getattr(row, f"{role}_mention_start")) and getattr(row, f"{role}_mention_start") < row.quote_start}


def _refuse_dangling(rows: list[Any], names: dict[tuple[str, str], str], levels: pd.Index, sources: pd.Index) -> None:
    """Raise :class:`DataError` when one of *rows* (assertion rows, as tuples) refers to an entity,
    level or source that does not exist (a package that does not validate), rather than fail on it later."""
    for row in rows:
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
            verdict = "" if item["direction"] == "supports" else " (REFUTES)"
            fields = (f"evidence: {item['evidence_level']}{verdict} · gathered in: {item['evidence_source']} · "
                      f"source: {item['source_id']}, {item['source_type']}")
            if markdown:
                lines.append(f"- **{item['other_name']}**{where} — row `{item['row_id']}`  \n  {fields}  \n  > {item['quote']}")
            else:
                lines.append(f"  - {item['other_name']}{where} — row {item['row_id']}")
                lines.append(f"      {fields}")
                lines.append(f"      \"{item['quote']}\"")
    return "\n".join(lines) + "\n"

