"""The documents the website's search looks through: entities (names, synonyms, accepted mentions,
descriptions), assertions (their quotes) and source documents.

The search itself runs in the reader's browser with MiniSearch (vendored in ``static/vendor``),
which indexes these documents when a page loads and matches by prefix and with typos. The documents
are written as a script (``search-data.js``) rather than JSON, so that the search works from a
folder opened with ``file://``, where a browser refuses to fetch a JSON file.
"""

from __future__ import annotations

import json
from typing import Any

from painimmune.site.content import Data, entity_url, source_url

VARIABLE = "PAINIMMUNE_SEARCH"


def documents(data: Data) -> list[dict[str, Any]]:
    """One search document per entity, assertion row and source document."""
    result = []
    for table in data.package.entity_tables:
        for row in data.frames[table].itertuples(index=False):
            result.append({"id": f"{table}/{row.id}", "title": row.name, "kind": data.kind(table),
                           "names": " ".join([row.id.replace("_", " "), *row.synonyms, *row.mentions]),
                           "text": "" if not isinstance(row.description, str) else row.description,
                           "url": entity_url(table, row.id)})
    names = data.names
    for row in data.knowledge.rows.itertuples(index=False):
        claim = f"{names[(row.subject_type, row.subject_id)]} — {row.relation} → {names[(row.object_type, row.object_id)]}"
        result.append({"id": row.row_id, "title": claim,
                       "kind": "assertion, refutes" if row.direction == "refutes" else "assertion",
                       "names": "", "text": row.quote, "url": f"{entity_url(row.subject_type, row.subject_id)}#{row.row_id}"})
    for row in data.documents.itertuples(index=False):
        result.append({"id": f"sources/{row.id}", "title": row.title, "kind": "source document",
                       "names": " ".join(row.authors), "text": str(row.container), "url": source_url(row.id)})
    return result


def script(data: Data) -> str:
    """``search-data.js``: the documents as a global the search script reads."""
    payload = json.dumps(documents(data), ensure_ascii=False, separators=(",", ":"))
    # "</" cannot end a script element here, and U+2028/9 are line ends in older JavaScript.
    payload = payload.replace("</", "<\\/").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return f"window.{VARIABLE} = {payload};\n"
