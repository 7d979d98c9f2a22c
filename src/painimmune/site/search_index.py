"""The documents the website's search looks through: entities (names, synonyms, accepted mentions,
descriptions), assertions (their statement in words, the names of the entities they name, their
quotes) and source documents.

The search itself runs in the reader's browser (``static/search.js``) with MiniSearch (vendored in
``static/vendor``), which indexes these documents when the reader starts searching, never on page
load. The documents are written as a script (``search-data.js``) rather than JSON, so that the
search works from a folder opened with ``file://``, where a browser refuses to fetch a JSON file.

Each document carries what a result shows without opening the page: for an entity, its kind and
every name it goes by (``exact``: the name, synonyms and id folded, which the search ranks first
when the query equals one or begins one); for an assertion, its statement (negated when the row
refutes), its direction, and its evidence level with its rank.
"""

from __future__ import annotations

import json
from typing import Any

from painimmune.site.content import Data, entity_url, source_url

VARIABLE = "PAINIMMUNE_SEARCH"


def _fold(text: str) -> str:
    """A name as the search compares it (the same folding as ``fold`` in search.js): lower case,
    underscores and runs of spaces as one space."""
    return " ".join(text.replace("_", " ").casefold().split())


def documents(data: Data) -> list[dict[str, Any]]:
    """One search document per entity, assertion row and source document."""
    result: list[dict[str, Any]] = []
    entities = data.knowledge.names.entities
    for table in data.package.entity_tables:
        for row in data.frames[table].itertuples(index=False):
            exact = list(dict.fromkeys(_fold(name) for name in (row.name, *row.synonyms, row.id)))
            result.append({"id": f"{table}/{row.id}", "type": "entity", "title": row.name, "kind": data.kind(table),
                           "names": " ".join([row.id.replace("_", " "), *row.synonyms, *row.mentions]), "exact": exact,
                           "text": "" if not isinstance(row.description, str) else row.description,
                           "url": entity_url(table, row.id)})
    levels = data.levels.set_index("id")
    statements = data.statements

    def names_of(table: str, ids: list[str]) -> list[str]:
        found = [entities.get((table, item)) for item in ids]
        return [" ".join([entity["name"], *entity["synonyms"]]) for entity in found if entity is not None]

    for row in data.knowledge.rows.itertuples(index=False):
        named = names_of(row.subject_type, [row.subject_id, *row.subject_examples])
        named += names_of(row.object_type, [row.object_id, *row.object_examples])
        if isinstance(row.disease_context_qualifier, str):
            named += names_of("conditions", [row.disease_context_qualifier])
        level = levels.loc[row.evidence_level_id]
        result.append({"id": row.row_id, "type": "assertion", "title": statements[row.row_id]["statement"],
                       "kind": "assertion", "direction": row.direction, "level": level["label"], "rank": int(level["rank"]),
                       "source": data.source_labels.get(row.source_id, row.source_id),
                       "names": " ".join(named), "text": row.quote,
                       "url": f"{entity_url(row.subject_type, row.subject_id)}#{row.row_id}"})
    for row in data.documents.itertuples(index=False):
        result.append({"id": f"sources/{row.id}", "type": "source", "title": row.title, "kind": "source document",
                       "names": " ".join(row.authors), "text": str(row.container), "url": source_url(row.id)})
    return result


def script(data: Data) -> str:
    """``search-data.js``: the documents, and the number of evidence levels, as globals the search
    script reads."""
    payload = json.dumps({"levels": len(data.levels), "documents": documents(data)}, ensure_ascii=False, separators=(",", ":"))
    # "</" cannot end a script element here, and U+2028/9 are line ends in older JavaScript.
    payload = payload.replace("</", "<\\/").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return f"window.{VARIABLE} = {payload};\n"
