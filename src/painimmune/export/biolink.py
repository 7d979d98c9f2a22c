"""The Biolink Model as the exports use it: its categories and predicates (``biolink_model.json``
beside this module, written by ``scripts/reference_biolink.py`` from the ``biolink-model``
package), the id a node of a category may have, and the content-derived ids of edges.

A node's id must agree with its category (:func:`admits`): Biolink lists the prefixes each category
takes (``id_prefixes``), and a term of an ontology whose terms are all of one kind (HP terms are
phenotypic features, MONDO terms diseases: :data:`ONTOLOGY_CATEGORIES`) is never given a category
of another branch, which a merged graph would read as a clash.
"""

from __future__ import annotations

import json
import uuid
from functools import cache
from importlib.resources import files
from typing import Any

from painimmune.errors import DataError
from painimmune.export.namespace import BASE_IRI, PREFIX

# After a category's Biolink id_prefixes: ontologies first, then drug and gene registries, then
# thesauri and classifications.
PROJECT_PREFIX_ORDER = ("MONDO", "HP", "CL", "GO", "CHEBI", "UniProtKB", "HGNC", "DRUGBANK", "MAXO", "MESH", "icd11.code")
# The Biolink category of every term of these ontologies (HP terms are phenotypic features, MONDO
# terms diseases): a node whose id has one of these prefixes takes this category, one it descends
# from or one that descends from it, never a category of another branch, which a merged graph reads
# as a clash (a Disease node keyed on an HP term merged with a PhenotypicFeature node keyed on it).
# Terms of thesauri and registries (MeSH, DrugBank, MAxO, NCIT, ICD-11) take the category of what
# they name, within the Biolink id_prefixes of that category.
ONTOLOGY_CATEGORIES = {
    "MONDO": "biolink:Disease", "HP": "biolink:PhenotypicFeature", "CL": "biolink:Cell", "UBERON": "biolink:AnatomicalEntity",
    "GO": "biolink:BiologicalProcessOrActivity", "CHEBI": "biolink:ChemicalEntity", "UniProtKB": "biolink:Polypeptide",
    "HGNC": "biolink:Gene", "NCBITaxon": "biolink:OrganismTaxon",
}
EDGE_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, BASE_IRI + "edges")
KNOWLEDGE_LEVEL = "knowledge_assertion"
AGENT_TYPE = "manual_agent"


@cache
def biolink_model() -> dict[str, Any]:
    """The Biolink Model terms the export uses: ``version``, ``classes`` (CURIE to ``is_a``,
    ``category`` and ``id_prefixes``), ``predicates`` and ``canonical_inverses`` (each
    non-canonical predicate whose inverse is canonical, with that inverse)."""
    model: dict[str, Any] = json.loads((files("painimmune.export") / "biolink_model.json").read_text(encoding="utf-8"))
    return model


def check_category(category: str) -> str:
    """*category*, if it is a Biolink class that a node may take; raises :class:`DataError` otherwise."""
    term = biolink_model()["classes"].get(category)
    if term is None or not term["category"]:
        raise DataError(f"refused: {category!r} is not a category of the Biolink Model {biolink_model()['version']}")
    return category


def check_predicate(predicate: str) -> str:
    """*predicate*, if it is a Biolink predicate; raises :class:`DataError` otherwise."""
    if predicate not in biolink_model()["predicates"]:
        raise DataError(f"refused: {predicate!r} is not a predicate of the Biolink Model {biolink_model()['version']}")
    return predicate


def ancestry(category: str) -> set[str]:
    """*category*, the classes it descends from and their mixins: what a node of it is."""
    classes = biolink_model()["classes"]
    found: set[str] = set()
    frontier = [category]
    while frontier:
        term = frontier.pop()
        if term in found or term not in classes:
            continue
        found.add(term)
        frontier += [*classes[term]["mixins"], *([classes[term]["is_a"]] if classes[term]["is_a"] else [])]
    return found


def fitting_predicate(predicate: str, subject_category: str, object_category: str) -> str:
    """*predicate*, or the nearest predicate it descends from (``is_a``) whose Biolink domain admits
    *subject_category* and whose range admits *object_category* (a missing domain or range admits
    any)."""
    predicates = biolink_model()["predicates"]
    current: str | None = predicate
    while current:
        term = predicates[current]
        if (term["domain"] is None or term["domain"] in ancestry(subject_category)) and \
                (term["range"] is None or term["range"] in ancestry(object_category)):
            return current
        current = term["is_a"]
    raise DataError(f"refused: no predicate from {predicate} up fits a {subject_category} subject and a {object_category} object")


def prefix_order(category: str) -> list[str]:
    """The order in which a node of *category* takes its id from its cross-references: the Biolink
    ``id_prefixes`` of the category or of its nearest ancestor that has some, then the rest of
    :data:`PROJECT_PREFIX_ORDER`."""
    classes = biolink_model()["classes"]
    term: str | None = check_category(category)
    preferred: list[str] = []
    while term and not preferred:
        preferred = classes[term]["id_prefixes"]
        term = classes[term]["is_a"]
    return list(dict.fromkeys([*preferred, *PROJECT_PREFIX_ORDER]))


def declared_prefixes(category: str) -> list[str]:
    """The Biolink ``id_prefixes`` of *category*, or of its nearest ancestor that declares some;
    empty when none up to ``NamedThing`` does (a Treatment may be keyed on any vocabulary)."""
    classes = biolink_model()["classes"]
    term: str | None = check_category(category)
    while term:
        if classes[term]["id_prefixes"]:
            return list(classes[term]["id_prefixes"])
        term = classes[term]["is_a"]
    return []


def admits(category: str, curie: str) -> bool:
    """Whether a node of *category* may have the id *curie*: its prefix is among the category's
    Biolink ``id_prefixes`` (:func:`declared_prefixes`, where it declares some), and a term of an
    ontology in :data:`ONTOLOGY_CATEGORIES` is of that ontology's category, an ancestor or a
    descendant of it. The package's own ids are admitted in every category."""
    prefix = curie.split(":", 1)[0]
    if prefix == PREFIX:
        return True
    declared = declared_prefixes(category)
    if declared and prefix not in declared:
        return False
    home = ONTOLOGY_CATEGORIES.get(prefix)
    return home is None or home in ancestry(category) or category in ancestry(home)


def check_node(category: str, curie: str) -> None:
    """Refuse a node whose category *curie*'s prefix does not admit (:func:`admits`)."""
    if not admits(category, curie):
        prefix = curie.split(":", 1)[0]
        home = ONTOLOGY_CATEGORIES.get(prefix)
        why = f"{prefix} terms are {home}" if home else f"{category} ids are {', '.join(declared_prefixes(category))}"
        raise DataError(f"refused: the node {curie} cannot be a {category} ({why}, in the Biolink Model {biolink_model()['version']})")


def node_id(category: str, local: str, xrefs: list[str]) -> str:
    """The node id of an entity of *category* with exact cross-references *xrefs*: the first in
    :func:`prefix_order` that the category admits (:func:`admits`), else its *local* id."""
    by_prefix = {curie.split(":", 1)[0]: curie for curie in reversed(xrefs) if admits(category, curie)}
    return next((by_prefix[prefix] for prefix in prefix_order(category) if prefix in by_prefix), local)


def edge_id(subject: str, predicate: str, object: str, original_predicate: str, qualifiers: str,  # noqa: A002 (Biolink's word)
            negated: bool, source: str, quote: str) -> str:
    """The content-derived id of an edge: ``urn:uuid:`` and the UUID 5 of its content (module docstring)."""
    content = json.dumps([subject, predicate, object, original_predicate, qualifiers, negated, source, quote],
                         ensure_ascii=False, separators=(",", ":"))
    return f"urn:uuid:{uuid.uuid5(EDGE_NAMESPACE, content)}"
