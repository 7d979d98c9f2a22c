"""A Biolink knowledge graph in KGX TSV: ``nodes.tsv`` and ``edges.tsv``.

Nodes are the entities, with ``painimmune:`` identifiers (the package's own ids) and their
exact-match cross-references as ``xref``. Biolink categories and predicates are declared in the
Table Schemas (``biolinkCategory``, ``assertion.biolinkPredicates``); the package's own relation
is kept as ``original_predicate``. Each assertion gives one edge per direction: refuting rows
become an edge with ``negated`` true. Every edge carries its sources as ``publications``, its
verbatim quotes as ``supporting_text``, its evidence codes (ECO) as ``has_evidence``,
``knowledge_level`` ``knowledge_assertion`` and ``agent_type`` ``manual_agent``.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd

from painimmune.graph import assertion_rows, relationship_tables
from painimmune.loader import load
from painimmune.output import OutputFolder
from painimmune.package.descriptor import DataPackage
from painimmune.package.schemas import xref_columns

PREFIX = "painimmune"
NODE_COLUMNS = ["id", "category", "name", "description", "synonym", "xref", "provided_by"]
EDGE_COLUMNS = ["id", "subject", "predicate", "object", "original_predicate", "negated", "qualifiers", "publications",
                "supporting_text", "has_evidence", "knowledge_level", "agent_type", "provided_by"]
MULTI = "|"


def node_id(table: str, entity: str) -> str:
    """The KGX node id of an entity: ``painimmune:<table>.<id>`` (ids are unique within a table only)."""
    return f"{PREFIX}:{table}.{entity}"


def write_kgx(package: DataPackage, out: OutputFolder) -> list[Path]:
    """Write ``nodes.tsv`` and ``edges.tsv`` (KGX TSV, multi-valued cells joined by ``|``)."""
    return [out.write_text("nodes.tsv", _tsv(NODE_COLUMNS, _nodes(package))),
            out.write_text("edges.tsv", _tsv(EDGE_COLUMNS, _edges(package)))]


def _nodes(package: DataPackage) -> list[dict[str, str]]:
    rows = []
    provided_by = f"{PREFIX}:{package.version}"
    for table in package.entity_tables:
        spec = package.schema(table)["biolinkCategory"]
        columns = xref_columns(package.schema(table))
        for row in load(table, package.root).to_dict("records"):
            category = spec if isinstance(spec, str) else spec["values"][row[spec["column"]]]
            xrefs = [row[column] for column in columns if isinstance(row[column], str)]
            rows.append({"id": node_id(table, row["id"]), "category": category, "name": row["name"],
                         "description": row["description"], "synonym": MULTI.join(row["synonyms"]),
                         "xref": MULTI.join(xrefs), "provided_by": provided_by})
    return rows


def _edges(package: DataPackage) -> list[dict[str, str]]:
    predicates = {table: roles.biolink_predicates for table, roles in relationship_tables(package).items()}
    eco = load("evidence_levels", package.root).set_index("id")["eco_id"]
    publications = _publication_ids(load("sources", package.root))
    rows = []
    key = ["table", "subject_type", "subject_id", "relation", "object_type", "object_id", "qualifiers", "direction"]
    for values, group in assertion_rows(package.root).groupby(key, sort=True):
        table, subject_type, subject_id, relation, object_type, object_id, qualifiers, direction = values
        rows.append({
            "id": f"{PREFIX}:{'+'.join(sorted(group['row_id']))}",
            "subject": node_id(subject_type, subject_id),
            "predicate": predicates[table][relation],
            "object": node_id(object_type, object_id),
            "original_predicate": f"{PREFIX}:{relation.replace(' ', '_')}",
            "negated": "True" if direction == "refutes" else "False",
            "qualifiers": qualifiers,
            "publications": MULTI.join(sorted({publications[source] for source in group["source_id"]})),
            "supporting_text": MULTI.join(dict.fromkeys(quote.replace(MULTI, "/") for quote in group["quote"])),
            "has_evidence": MULTI.join(sorted({eco[level] for level in group["evidence_level_id"] if pd.notna(eco[level])})),
            "knowledge_level": "knowledge_assertion",
            "agent_type": "manual_agent",
            "provided_by": f"{PREFIX}:{package.version}",
        })
    return rows


def _publication_ids(sources: pd.DataFrame) -> dict[str, str]:
    """A CURIE or URL per source: PMID, else DOI, else the web address."""
    ids = {}
    for row in sources.to_dict("records"):
        if isinstance(row["pmid"], str):
            ids[row["id"]] = f"PMID:{row['pmid']}"
        elif isinstance(row["doi"], str):
            ids[row["id"]] = f"doi:{row['doi']}"
        else:
            ids[row["id"]] = row["url"]
    return ids


def _tsv(columns: list[str], rows: list[dict[str, str]]) -> str:
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, columns, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()
