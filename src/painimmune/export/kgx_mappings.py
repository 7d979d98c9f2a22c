"""The curated mappings of the KGX export, so that the graph joins its neighbours' on every concept
they share: each entity's exact, close, narrow and broad matches (the mapping columns of its table)
as ``biolink:exact_match``, ``close_match``, ``narrow_match`` and ``broad_match`` edges, and the terms
of a column that are related to the entity rather than matching it by the Biolink predicate its
field declares (``biolinkPredicate``: a protein's HGNC gene, ``biolink:gene_product_of``, written the
canonical way round as gene ``has_gene_product`` protein). Such a relation is stated only where the
term's verified record names one of the entity's exact ids (HGNC's record of TNF names UniProtKB:P01375).

Every term an edge leads to is a node: the node of an entity where the term is its id, else a node
of the term itself, with its verified label (from the installed reference tables, as the SSSOM
export reads them; for an exact match without one, the entity's name) and the category of its ontology
(:data:`~painimmune.export.biolink.ONTOLOGY_CATEGORIES`), or ``biolink:NamedThing`` for a thesaurus
or registry whose terms may name anything (MeSH, MAxO, DrugBank, ICD-11). The edges are curated
mappings: ``knowledge_level`` ``knowledge_assertion``, ``agent_type`` ``manual_agent``, the table's
SKOS predicate as ``original_predicate``, no publication.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from painimmune.errors import DataError
from painimmune.export.biolink import (
    AGENT_TYPE,
    KNOWLEDGE_LEVEL,
    ONTOLOGY_CATEGORIES,
    biolink_model,
    check_predicate,
    edge_id,
    fitting_predicate,
)
from painimmune.export.namespace import INFORES
from painimmune.loader import load
from painimmune.package.descriptor import DataPackage
from painimmune.package.reference import Term, installed_root, read_terms
from painimmune.package.schemas import EXACT_MATCH, mapping_columns, mapping_curies, related_columns

REFERENCE = "reference/ontologies"
# The Biolink predicate of each SKOS mapping predicate of the tables.
MATCH_PREDICATES = {"skos:exactMatch": "biolink:exact_match", "skos:closeMatch": "biolink:close_match",
                    "skos:narrowMatch": "biolink:narrow_match", "skos:broadMatch": "biolink:broad_match"}
TERM_CATEGORY = "biolink:NamedThing"  # a term of a vocabulary whose terms may name anything
CURIE = re.compile(r"[A-Za-z][\w.]*:[\w.-]*\w")


@dataclass
class MappingGraph:
    """The term nodes and the mapping edges of the export."""

    nodes: dict[str, dict[str, str]] = field(default_factory=dict)  # term CURIE -> node row
    edges: dict[str, dict[str, str]] = field(default_factory=dict)  # edge id -> edge row


def mapping_graph(package: DataPackage, entity_nodes: dict[tuple[str, str], str], categories: dict[str, str]) -> MappingGraph:
    """The mapping edges of every entity of *package* and the nodes of the terms they lead to.

    Args:
        entity_nodes: the node id of each entity, by (table, id).
        categories: the category of each entity node, by node id.

    Raises:
        DataError: a mapping column has no Biolink predicate, or a related term's verified record
            does not name the entity's node.
    """
    terms = read_terms(installed_root(), REFERENCE) or {}
    graph = MappingGraph()
    for table in package.entity_tables:
        schema = package.schema(table)
        related = related_columns(schema)
        columns = mapping_columns(schema)
        for row in load(table, package.root).to_dict("records"):
            node = entity_nodes[(table, row["id"])]
            exact = {node, *(curie for column, skos in columns.items() if skos == EXACT_MATCH for curie in mapping_curies(row[column]))}
            for column, skos in columns.items():
                predicate = related.get(column) or MATCH_PREDICATES.get(skos)
                if predicate is None:
                    raise DataError(f"refused: {table}.{column} maps by {skos}, which has no Biolink predicate; declare its biolinkPredicate")
                for curie in mapping_curies(row[column]):
                    if curie == node:
                        continue
                    if column in related and not exact & _named(_record(terms, curie)):
                        raise DataError(f"refused: {table} {row['id']}: the verified record of {curie} names none of "
                                        f"{', '.join(sorted(exact))}, so {predicate} is not stated")
                    if curie not in categories:
                        graph.nodes.setdefault(curie, _term_node(curie, terms, row["name"] if skos == EXACT_MATCH else ""))
                    target = categories.get(curie) or graph.nodes[curie]["category"]
                    edge = _edge(node, check_predicate(predicate), curie, predicate if column in related else skos,
                                 categories[node], target)
                    graph.edges.setdefault(edge["id"], edge)
    return graph


def _named(term: Term) -> set[str]:
    """The CURIEs a verified record's note names (HGNC's record of a gene: its UniProtKB entry)."""
    return set(CURIE.findall(term.note))


def _record(terms: dict[str, Term], curie: str) -> Term:
    return terms.get(curie) or Term(curie, "", (), "")


def _term_node(curie: str, terms: dict[str, Term], same_as: str) -> dict[str, str]:
    """The node of a term an entity maps to: its verified label (else *same_as*, the name of the
    entity it exactly matches, where the reference verifies no label, as for UniProt), the category
    of its ontology."""
    category = ONTOLOGY_CATEGORIES.get(curie.split(":", 1)[0], TERM_CATEGORY)
    return {"id": curie, "category": category, "name": _record(terms, curie).label or same_as, "description": "", "synonym": "",
            "xref": "", "provided_by": INFORES}


def _edge(subject: str, predicate: str, object_: str, original: str, subject_category: str, object_category: str) -> dict[str, str]:
    """A curated mapping edge, stated the canonical way round, with the nearest predicate that fits its ends."""
    inverses = biolink_model()["canonical_inverses"]
    if predicate in inverses:
        predicate, subject, object_ = inverses[predicate], object_, subject
        subject_category, object_category = object_category, subject_category
    predicate = fitting_predicate(predicate, subject_category, object_category)
    return {"id": edge_id(subject, predicate, object_, original, "", False, "", ""), "subject": subject, "predicate": predicate,
            "object": object_, "original_predicate": original, "negated": "False", "primary_knowledge_source": INFORES,
            "knowledge_level": KNOWLEDGE_LEVEL, "agent_type": AGENT_TYPE}
