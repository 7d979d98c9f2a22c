"""What each page of the website shows, as plain data: read-only views over the loaded tables.

Nothing here builds HTML: every function returns dicts and lists that a template renders. Page
addresses are made here too (:func:`entity_url` and friends), so that a link and the page it points
to are named by one function. Every page but the home page lies one folder deep, so a link from
any page to another is ``../<folder>/<name>.html``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cached_property
from typing import Any
from urllib.parse import quote

import numpy as np
import pandas as pd

from painimmune.citations import CITED_REFERENCE, citation
from painimmune.entities import EntityRef, Knowledge, context_words, describe, said
from painimmune.errors import IntegrityError
from painimmune.language.phrases import statement
from painimmune.language.text import span
from painimmune.loader import load
from painimmune.package.descriptor import DataPackage, web_address
from painimmune.package.schemas import assertion_columns, entity_labels, foreign_keys, mapping_columns, primary_key, reading_order
from painimmune.site.spans import Mark, Piece, find_mention, pieces

# Every cross-reference is linked through Bioregistry's resolver, which knows every prefix the
# tables use (reference/ontologies/prefixes.tsv names each prefix's Bioregistry record) and
# redirects to the authority's own page of the term.
RESOLVER = "https://bioregistry.io/"
MAPPING_WORDS = {"skos:exactMatch": "exact match", "skos:closeMatch": "close match", "skos:broadMatch": "broader term",
                 "skos:narrowMatch": "narrower term", "skos:relatedMatch": "related term"}
# Columns an entity page shows in their own places rather than in its list of attributes.
SHOWN_APART = {"id", "name", "synonyms", "mentions", "description", "note"}
NOT_ENCODED = "not_encoded"


def entity_url(table: str, entity_id: str) -> str:
    """The page of one entity, relative to the site root."""
    return f"{table}/{entity_id}.html"


def source_url(source_id: str) -> str:
    """The page of one source document."""
    return f"sources/{source_id}.html"


def table_url(table: str) -> str:
    """The page listing every row of one table."""
    return f"tables/{table}.html"


def level_url(level_id: str) -> str:
    """The page of one evidence level."""
    return f"evidence/{level_id}.html"


def resolver_url(curie: str) -> str:
    """Where a cross-reference is looked up."""
    return RESOLVER + quote(curie, safe=":")


@dataclass
class Data:
    """Every table of the package, loaded once, and the views the pages share."""

    package: DataPackage
    frames: dict[str, pd.DataFrame]
    knowledge: Knowledge
    texts: dict[str, str]

    @classmethod
    def of(cls, package: DataPackage) -> Data:
        """Load every table of *package*, and the text of each source document it ships."""
        frames = {name: load(name, package.root) for name in package.table_names}
        return cls(package, frames, Knowledge.of(package), _texts(package, frames["sources"]))

    @cached_property
    def names(self) -> dict[tuple[str, str], str]:
        """The name of every entity, by (table, id)."""
        return {key: entity["name"] for key, entity in self.knowledge.names.entities.items()}

    @cached_property
    def levels(self) -> pd.DataFrame:
        """The evidence levels, strongest first (sorted once: every assertion card asks for it)."""
        return self.frames["evidence_levels"].sort_values("rank")

    @cached_property
    def source_labels(self) -> dict[str, str]:
        """A short name of each source: first author (or the site), year and type."""
        labels = {}
        for row in self.frames["sources"].itertuples(index=False):
            authors = [author.split()[0] for author in row.authors]
            who = {0: _cell(row.container) or _cell(row.title), 1: authors[0] if authors else "",
                   2: " & ".join(authors[:2])}.get(len(authors), f"{authors[0]} et al." if authors else "")
            year = "" if pd.isna(row.year) else f", {int(row.year)}"
            labels[row.id] = f"{who}{year} · {row.type}"
        return labels

    @property
    def documents(self) -> pd.DataFrame:
        """The source documents: the rows of ``sources`` that are not references they cite."""
        sources = self.frames["sources"]
        return sources[sources["type"] != CITED_REFERENCE]

    @cached_property
    def statements(self) -> dict[str, dict[str, str]]:
        """Every relationship row in words, by row id (:func:`row_statements`), worked out once."""
        return row_statements(self)

    def kind(self, table: str) -> str:
        """The singular noun of one entity table (``cell type``)."""
        return entity_labels(self.package.schema(table)).singular

    def plural(self, table: str) -> str:
        """The plural noun of one entity table (``cell types``)."""
        return entity_labels(self.package.schema(table)).plural


def _texts(package: DataPackage, sources: pd.DataFrame) -> dict[str, str]:
    """The text of every source document shipped with the package (a checkout has them; an
    installed package does not), each checked against the sha256 its row records."""
    texts = {}
    for row in sources.itertuples(index=False):
        relative = f"sources/{row.id}.txt"
        if pd.isna(row.sha256) or not (package.root / relative).exists():
            continue
        data = package.file(relative)
        if hashlib.sha256(data).hexdigest() != row.sha256:
            raise IntegrityError(f"{relative}: the text differs from the sha256 recorded in the sources table")
        texts[row.id] = data.decode("utf-8")
    return texts


def home(data: Data) -> dict[str, Any]:
    """The home page: the release, its citation, counts, the entity index and the evidence ladder."""
    descriptor = data.package.descriptor
    relationship_rows = sum(len(data.frames[name]) for name in data.package.relationship_tables)
    refuting = sum(int((data.frames[name]["direction"] == "refutes").sum()) for name in data.package.relationship_tables)
    documents = data.documents
    return {
        "title": descriptor.get("title", ""),
        "description": descriptor.get("description", ""),
        "version": data.package.version,
        "date": str(descriptor.get("created", ""))[:10],
        "licence": data.package.licence,
        "apa": citation("apa", data.package.root),
        "bibtex": citation("bibtex", data.package.root),
        "counts": [{"label": data.plural(name), "count": len(data.frames[name]), "url": table_url(name)}
                   for name in data.package.entity_tables]
        + [{"label": "assertions (relationship rows)", "count": relationship_rows, "url": "#tables"},
           {"label": "of them refuting", "count": refuting, "url": "#tables"},
           {"label": "source documents", "count": len(documents), "url": "#sources"}],
        "browse": [{"table": name, "label": data.plural(name).capitalize(), "url": table_url(name),
                    "entities": [{"name": row.name, "url": entity_url(name, row.id)}
                                 for row in data.frames[name].sort_values("name", key=lambda s: s.str.casefold()).itertuples()]}
                   for name in data.package.entity_tables],
        "sources": [{"title": row.title, "type": row.type, "url": source_url(row.id)} for row in documents.itertuples()],
        "ladder": ladder(data),
        "tables": tables_index(data),
    }


def ladder(data: Data) -> list[dict[str, Any]]:
    """The evidence levels, strongest first, with the number of rows graded at each."""
    graded = pd.concat([data.frames[name]["evidence_level_id"].astype(str) for name in data.package.relationship_tables])
    return [{"id": row.id, "rank": int(row.rank), "label": row.label, "definition": row.definition,
             "rows": int((graded == row.id).sum()), "url": level_url(row.id)}
            for row in data.levels.itertuples()]


def tables_index(data: Data) -> list[dict[str, Any]]:
    """Every table with its title, role and row count."""
    return [{"name": name, "title": data.package.resource(name).get("title", name), "role": data.package.role(name),
             "rows": len(data.frames[name]), "url": table_url(name)} for name in data.package.table_names]


def entity(data: Data, table: str, row: dict[str, Any]) -> dict[str, Any]:
    """One entity's page: its names, attributes, cross-references and every assertion about it."""
    schema = data.package.schema(table)
    titles = {field["name"]: field.get("title", field["name"]) for field in schema["fields"]}
    mappings = mapping_columns(schema)
    found = data.knowledge.names.entities[(table, row["id"])]
    about = describe(found, data.knowledge)
    for section in about["sections"]:
        for group in section["groups"]:
            for item in group["assertions"]:
                item.update(_assertion_view(data, item, section["kind"]))  # type: ignore[typeddict-item]
    direct = about["sections"][0]
    assertions = [item for group in direct["groups"] for item in group["assertions"]]
    return {
        **found,
        "plural": data.plural(table),
        "description": _cell(row["description"]),
        "note": _cell(row["note"]),
        "mentions": list(row["mentions"]),
        "attributes": [{"label": titles[column], "value": _cell(row[column])} for column in titles
                       if column not in SHOWN_APART and column not in mappings and _cell(row[column])],
        "xrefs": [{"label": titles[column], "match": MAPPING_WORDS.get(predicate, predicate), "curie": curie,
                   "url": resolver_url(curie)}
                  for column, predicate in mappings.items() for curie in _curies(row[column])],
        "sections": about["sections"],
        "profile": about["profile"],
        "supporting": sum(item["direction"] == "supports" for item in assertions),
        "refuting": [item for item in assertions if item["direction"] == "refutes"],
        "count": len(assertions),
    }


def _assertion_view(data: Data, item: Any, section: str) -> dict[str, Any]:
    """What an assertion card shows beyond :func:`painimmune.entities.describe`: both ends and the
    examples linked, the context in words, the quote cut into pieces with the mentions marked, the
    level's place on the ladder, and an anchor unique on the page (a row may show in two sections)."""
    def linked(ref: Any) -> dict[str, str]:
        return {**ref, "url": entity_url(ref["table"], ref["id"])}

    return {
        "anchor": item["row_id"] if section == "direct" else f"{section}-{item['row_id']}",
        "home_url": f"{entity_url(item['subject']['table'], item['subject']['id'])}#{item['row_id']}",
        "subject": linked(item["subject"]), "object": linked(item["object"]),
        "examples": [{"role": role, "entities": [linked(ref) for ref in item[f"{role}_examples"]]}
                     for role in ("subject", "object") if item[f"{role}_examples"]],
        "where": context_words(item["qualifiers"]),
        "quote_pieces": quote_pieces(item["quote"], item["subject_mention"], item["object_mention"], item["antecedent"]),
        "level_url": level_url(item["evidence_level_id"]),
        "levels": len(data.levels),
        "source_url": f"{source_url(item['source_id'])}#q-{item['row_id']}",
        "source_label": source_label(data, item["source_id"]),
    }


def quote_pieces(quote: str, subject_mention: str, object_mention: str, antecedent: dict[str, str]) -> list[Piece]:
    """*quote* cut into pieces, with the words naming the subject and the object marked (a mention
    that is an antecedent outside the quote is not marked inside it)."""
    marks = []
    for role, mention in (("subject", subject_mention), ("object", object_mention)):
        found = None if role in antecedent else find_mention(str(mention), quote)
        if found:
            marks.append(Mark(found[0], found[1], role, role))
    return pieces(quote, marks)


def source_label(data: Data, source_id: str) -> str:
    """A short name of a source for an assertion card: first author or site, year, and type."""
    return data.source_labels[source_id]


def source(data: Data, row: dict[str, Any]) -> dict[str, Any]:
    """One source document's page: its bibliographic record, the references it cites, and its text
    with every quoted span and every span not encoded marked."""
    schema = data.package.schema("sources")
    record = [{"label": field.get("title", field["name"]), "value": _cell(row[field["name"]]), "name": field["name"],
               "url": web_address(row[field["name"]]) if field["name"] == "url" else ""}
              for field in schema["fields"] if field["name"] not in {"id", "title", "note"} and _cell(row[field["name"]])]
    sources = data.frames["sources"]
    cited = sources[sources["cited_by"] == row["id"]].sort_values("reference_number")
    quotes = _quoted_spans(data, row["id"])
    skipped = _skipped_spans(data, row["id"])
    text = data.texts.get(row["id"])
    return {
        "id": row["id"], "title": _cell(row["title"]) or row["id"], "type": row["type"], "note": _cell(row["note"]),
        "record": record,
        "cited": [{"number": _cell(ref["reference_number"]), "title": _cell(ref["title"]), "url": web_address(ref["url"]),
                   "pmid": _cell(ref["pmid"]), "note": _cell(ref["note"])} for ref in cited.to_dict("records")],
        "has_text": text is not None,
        "pieces": pieces(text, quotes + skipped) if text is not None else [],
        "excerpts": [] if text is not None else sorted(quotes + skipped, key=lambda mark: (mark.start, mark.kind)),
        "quoted_rows": len({row["id"] for mark in quotes for row in mark.data["rows"]}),
        "skipped": len(skipped),
    }


def _quoted_spans(data: Data, source_id: str) -> list[Mark]:
    """One mark per distinct quoted span of a source, with the rows that quote it."""
    rows = data.knowledge.rows[data.knowledge.rows["source_id"] == source_id]
    text = data.texts.get(source_id)
    spans: dict[tuple[int, int], list[dict[str, str]]] = {}
    quotes: dict[tuple[int, int], str] = {}
    for row in rows.itertuples(index=False):
        place = _place(text, row.quote, int(row.quote_start))
        quotes[place] = row.quote
        spans.setdefault(place, []).append({"id": row.row_id, "url": f"{entity_url(row.subject_type, row.subject_id)}#{row.row_id}",
                                            "direction": row.direction})
    return [Mark(start, end, "quoted", f"q{start}-{end}",
                 {"rows": spans[(start, end)], "quote": quotes[(start, end)], "anchors": [item["id"] for item in spans[(start, end)]]})
            for start, end in sorted(spans)]


def _skipped_spans(data: Data, source_id: str) -> list[Mark]:
    """One mark per span of ``not_encoded`` in a source, with its kind and reason."""
    frame = data.frames[NOT_ENCODED]
    text = data.texts.get(source_id)
    marks = []
    for row in frame[frame["source_id"] == source_id].itertuples(index=False):
        start, end = _place(text, row.quote, int(row.quote_start))
        marks.append(Mark(start, end, "skipped", row.id, {"id": row.id, "kind": row.kind, "reason": row.reason, "quote": row.quote}))
    return marks


def _place(text: str | None, quote: str, start: int) -> tuple[int, int]:
    """Where *quote* lies in *text* (validated: it begins at *start*); without the text, its
    recorded start and its own length, which order the excerpts the same way."""
    found = span(quote, text, start) if text is not None else None
    return found or (start, start + len(quote))


def row_statements(data: Data) -> dict[str, dict[str, str]]:
    """Every relationship row in words, by row id: its ``statement`` (the relation's phrase, or its
    negated phrase when the row refutes, with both ends named as a sentence names them) and
    ``relation_words``, the statement between the subject's and the object's names (``do not
    reduce``), which a table row reads as a sentence across its subject, relation and object."""
    knowledge = data.knowledge
    result = {}
    for row in knowledge.rows.itertuples(index=False):
        ends = []
        for table, entity in ((row.subject_type, row.subject_id), (row.object_type, row.object_id)):
            ends.append(said(EntityRef(table=table, id=entity, name=data.names.get((table, entity), entity)), knowledge))
        if row.relation in knowledge.relations.index:
            phrase = str(knowledge.relations.at[row.relation, "negated_phrase" if row.direction == "refutes" else "phrase"])
        else:
            phrase = "{subject} " + ("does not " if row.direction == "refutes" else "") + f"{row.relation} {{object}}"
        words = statement(phrase, ends[0], ends[1])
        middle = words
        if words.startswith(ends[0]) and words.endswith(ends[1]) and len(words) > len(ends[0]) + len(ends[1]):
            middle = words[len(ends[0]):len(words) - len(ends[1])].strip()
        result[row.row_id] = {"statement": words, "relation_words": middle}
    return result


def table(data: Data, name: str) -> dict[str, Any]:
    """A table's page: every row, every column, with entity ids linked to their pages.

    A relationship table leads with the row as a sentence (subject, relation in the words of its
    statement, object), its quote and its evidence level, then the other columns; an entity table
    with the name, then the id. Each cell may carry ``sort``, the key a column sorts by when its
    words do not (an evidence level sorts by rank); the page's script sorts and filters the rows.
    """
    schema = data.package.schema(name)
    links = {column: resource for column, resource, _ in foreign_keys(schema) if resource in data.package.entity_tables}
    names = data.names
    levels = data.frames["evidence_levels"].set_index("id")
    role = data.package.role(name)
    frame = data.frames[name]
    fields = _table_order(schema, role)
    statements = data.statements if role == "relationship" else {}
    predicate = assertion_columns(schema).predicate if role == "relationship" else ""
    rows = []
    for row in frame.to_dict("records"):
        cells = []
        for field in fields:
            column = field["name"]
            value = _cell(row[column])
            url = sort = ""
            if column in links and value:
                url = entity_url(links[column], value)
                value = names.get((links[column], value), value)
            elif column in {"id", "name"} and role == "entity":
                url = entity_url(name, row["id"])
            elif column == "id" and name == "sources" and row["type"] != CITED_REFERENCE:
                url = source_url(value)
            elif column == "source_id" and value:
                url = source_url(value)
            elif column == "evidence_level_id" and value:
                url = level_url(value)
                sort = str(int(levels.at[value, "rank"])) if value in levels.index else ""
                value = str(levels.at[value, "label"]) if value in levels.index else value
            elif column == predicate and row.get("id") in statements:
                value = statements[row["id"]]["relation_words"]
            cells.append({"value": value, "url": url, "column": column, "sort": sort})
        rows.append({"key": "-".join(str(row[column]) for column in primary_key(schema)), "cells": cells,
                     "refutes": role == "relationship" and row.get("direction") == "refutes",
                     "level": _cell(row.get("evidence_level_id")) if role == "relationship" else ""})
    graded = {row["level"] for row in rows if row["level"]}
    return {"name": name, "title": data.package.resource(name).get("title", name),
            "description": data.package.resource(name).get("description", ""), "role": role,
            "columns": [{"name": field["name"], "title": "Relation (in words)" if field["name"] == predicate
                         else field.get("title", field["name"])} for field in fields],
            "levels": [{"id": level.id, "label": level.label, "rank": int(level.rank)}
                       for level in data.levels.itertuples() if level.id in graded],
            "rows": rows}


def _table_order(schema: Any, role: str) -> list[Any]:
    """The columns of a table's page in the order it shows them (see :func:`table`)."""
    fields = reading_order(schema)
    if role == "entity":
        first = ["name", "id"]
    elif role == "relationship":
        roles = assertion_columns(schema)
        first = [roles.subject, roles.predicate, *roles.objects, "quote", "evidence_level_id", "direction"]
    else:
        return fields
    by_name = {field["name"]: field for field in fields}
    return [by_name[column] for column in first if column in by_name] + [field for field in fields if field["name"] not in first]


def level(data: Data, row: dict[str, Any]) -> dict[str, Any]:
    """An evidence level's page: its definition, decision rule, cues, mapping and every row graded at it."""
    graded = data.knowledge.rows[data.knowledge.rows["evidence_level_id"] == row["id"]]
    names = data.names
    return {
        "id": row["id"], "label": row["label"], "rank": int(row["rank"]), "levels": len(data.levels),
        "definition": row["definition"], "decision_rule": row["decision_rule"], "cue_phrases": list(row["cue_phrases"]),
        "study_kinds": _cell(row["study_kinds"]), "examples": _cell(row["examples"]),
        "eco": {"id": row["eco_id"], "label": _cell(row["eco_label"]), "mapping": _cell(row["eco_mapping"]),
                "url": resolver_url(row["eco_id"])} if _cell(row["eco_id"]) else None,
        "clinical_grading": _cell(row["clinical_grading"]),
        "rows": [{"id": item.row_id, "direction": item.direction, "quote": item.quote,
                  "subject": {"name": names[(item.subject_type, item.subject_id)], "url": entity_url(item.subject_type, item.subject_id)},
                  "relation": item.relation,
                  "object": {"name": names[(item.object_type, item.object_id)], "url": entity_url(item.object_type, item.object_id)},
                  "url": f"{entity_url(item.subject_type, item.subject_id)}#{item.row_id}", "source_id": item.source_id}
                 for item in graded.sort_values("row_id").itertuples(index=False)],
    }


def rubric(data: Data) -> dict[str, Any]:
    """The rubric: the evidence levels in the order their decision rules are tried, and the directions."""
    levels = data.frames["evidence_levels"].sort_values("decision_order")
    return {
        "levels": [{"id": row.id, "label": row.label, "rank": int(row.rank), "order": int(row.decision_order),
                    "definition": row.definition, "decision_rule": row.decision_rule, "cue_phrases": list(row.cue_phrases),
                    "url": level_url(row.id)} for row in levels.itertuples()],
        "directions": [{"id": row.id, "label": row.label, "definition": row.definition, "decision_rule": row.decision_rule,
                        "cue_phrases": list(row.cue_phrases), "examples": _cell(row.examples)}
                       for row in data.frames["directions"].itertuples()],
    }


def dictionary(data: Data) -> list[dict[str, Any]]:
    """The data dictionary: every table and every column, from the Table Schemas."""
    result = []
    for name in data.package.table_names:
        schema = data.package.schema(name)
        keys = primary_key(schema)
        result.append({
            "name": name, "title": data.package.resource(name).get("title", name), "role": data.package.role(name),
            "description": data.package.resource(name).get("description", ""), "url": table_url(name),
            "foreign_keys": [{"column": column, "resource": resource, "field": field} for column, resource, field in foreign_keys(schema)],
            "fields": [{"name": field["name"], "title": field.get("title", ""), "type": field.get("type", "any"),
                        "key": field["name"] in keys, "required": bool(field.get("constraints", {}).get("required")),
                        "enum": field.get("constraints", {}).get("enum", []), "pattern": field.get("constraints", {}).get("pattern", ""),
                        "description": field.get("description", "")} for field in schema["fields"]],
        })
    return result


def _curies(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(item) for item in value]
    return [] if value is None or pd.isna(value) or value == "" else [str(value)]


def _cell(value: Any) -> str:
    """A cell as words: lists joined by '; ', booleans as yes/no, missing as empty."""
    if isinstance(value, list):
        return "; ".join(str(item) for item in value)
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, (bool, np.bool_)):
        return "yes" if value else "no"
    return str(value)
