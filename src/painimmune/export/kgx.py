"""A Biolink knowledge graph in KGX TSV: ``nodes.tsv``, ``edges.tsv`` and ``context.jsonld``.

**Nodes** are the entities and the terms they map to. An entity's node id is its best exact
ontology CURIE, so that the graph merges with others (an HGNC-, CL- or MONDO-keyed node elsewhere is
the same node here): among the entity's exact-match cross-references that its Biolink category
admits (:func:`~painimmune.export.biolink.admits`: an HP term only for a phenotypic feature, a MONDO
term only for a disease), the first in :func:`~painimmune.export.biolink.prefix_order` of its
category, which is the category's Biolink ``id_prefixes`` (inherited from the nearest ancestor class
that declares some) followed by :data:`~painimmune.export.biolink.PROJECT_PREFIX_ORDER`. An entity
with no such cross-reference keeps its local id, ``painimmune:<table>.<id>``, under the
``painimmune`` prefix that ``context.jsonld`` declares; every node lists its local id and its other
exact cross-references as ``xref``. The mappings (exact, close, narrow and broad matches, a
protein's gene) are edges to nodes of their terms (:mod:`painimmune.export.kgx_mappings`). The
exporter refuses a node whose category its id does not admit.

**Edges**: one per row of a relationship table, that is one statement by one source. The
predicate is the relation's ``biolink_predicate`` in the ``relations`` table, narrowed by the row's
evidence where the Biolink hierarchy allows (:data:`EVIDENCE_PREDICATES`): ``biolink:treats`` only
for established clinical evidence, ``biolink:in_clinical_trials_for`` for clinical-trial evidence.
A refuting row is an edge with ``negated`` true and the relation's own predicate, never narrowed,
so a tool that ignores ``negated`` never reads a negative finding as ``treats``. A predicate
that Biolink does not call canonical is written as its canonical inverse with subject and object
swapped (``cell affected_by mediator`` becomes ``mediator affects cell``; the ``original_predicate``
keeps the table's relation, such as ``is activated by``), as Biolink asks; a refuted
therapeutic claim is a negated ``biolink:ameliorates_condition`` (:data:`REFUTED_PREDICATES`): the
source denies an effect, not that the treatment was ever used or studied, which a negated
``treats_or_applied_or_studied_to_treat`` would say.

A predicate whose Biolink domain or range does not admit the categories of the edge's ends (a
cell subject of ``ameliorates_condition``, a process object of it, a procedure treating) is
replaced by its nearest ancestor predicate that admits them (:func:`fitting_predicate`): the
statement is kept, at the precision Biolink allows for those categories.

**Context**: each qualifier column of the relationship tables (the fields that declare a
``qualifier``) is an edge property of that Biolink slot: the disease context as the condition's
node id (``disease_context_qualifier``), the species context as its NCBITaxon term
(``species_context_qualifier``; none for ``in vitro`` and ``not stated``), the anatomical context as
UBERON terms (``anatomical_context_qualifier``), the phase in the edge's ``qualifiers`` as
``painimmune:phase.<value>``, and the modal verb a quote states the relation with as
``painimmune:modal_verb.<can|could|may|might>`` (Biolink has no slot for it). The named examples of a row's ends travel as
``painimmune_subject_examples`` and ``painimmune_object_examples`` (node ids): Biolink has no slot
for them.

**Hierarchy**: each entity's ``parents`` are ``biolink:subclass_of`` edges (curated by the
project, ``knowledge_level`` ``knowledge_assertion``, no publication); where Biolink does not admit
``subclass_of`` between the two categories (it asks for ontology classes: a protein or a
treatment is none), the nearest predicate that does, with ``original_predicate`` ``biolink:subclass_of``.

Edge ids are derived from content: ``urn:uuid:`` and the UUID 5 (:data:`~painimmune.export.biolink.EDGE_NAMESPACE`) of the
JSON array ``[subject, predicate, object, original_predicate, qualifiers, negated, source, quote]``
(``qualifiers``: every qualifier column's value, joined), so the same statement has the same id in
every release and two exports can be compared edge by edge.

Provenance, the Translator way: ``primary_knowledge_source`` (:data:`~painimmune.export.namespace.INFORES`,
not registered), ``knowledge_level`` ``knowledge_assertion``, ``agent_type`` ``manual_agent``,
``publications`` (the source's PMID, else DOI, else web address), the verbatim quote as
``supporting_text`` and the evidence level's ECO term as ``has_evidence``.

The exporter refuses a category or predicate that is not one of the Biolink Model
(``biolink_model.json`` beside this module, written by ``scripts/reference_biolink.py`` from the
``biolink-model`` package).
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from painimmune.errors import DataError
from painimmune.export.biolink import (
    AGENT_TYPE,
    KNOWLEDGE_LEVEL,
    biolink_model,
    check_category,
    check_node,
    check_predicate,
    edge_id,
    fitting_predicate,
    node_id,
)
from painimmune.export.kgx_mappings import mapping_graph
from painimmune.export.namespace import BEYOND_BIOLINK, INFORES, PREFIX, PREFIXES, local_id
from painimmune.graph import assertion_rows, qualifier_names
from painimmune.loader import load
from painimmune.output import OutputFolder
from painimmune.package.composition import RELATIONS
from painimmune.package.descriptor import DataPackage
from painimmune.package.schemas import foreign_keys, xref_columns

NODE_COLUMNS = ["id", "category", "name", "description", "synonym", "xref", "provided_by"]
EDGE_HEAD = ["id", "subject", "predicate", "object", "original_predicate", "negated"]
EDGE_TAIL = ["painimmune_subject_examples", "painimmune_object_examples", "primary_knowledge_source", "knowledge_level", "agent_type",
             "publications", "supporting_text", "has_evidence"]
SUBCLASS_OF = "biolink:subclass_of"
MULTI = "|"
# A broad therapeutic predicate, narrowed by the evidence level of the row that states it.
EVIDENCE_PREDICATES = {
    ("biolink:treats_or_applied_or_studied_to_treat", "established_clinical"): "biolink:treats",
    ("biolink:ameliorates_condition", "established_clinical"): "biolink:treats",
    ("biolink:treats_or_applied_or_studied_to_treat", "clinical_trial"): "biolink:in_clinical_trials_for",
    ("biolink:studied_to_treat", "clinical_trial"): "biolink:in_clinical_trials_for",
}
# What a refuting row of a relation with one of these predicates denies.
REFUTED_PREDICATES = {"biolink:treats_or_applied_or_studied_to_treat": "biolink:ameliorates_condition"}
CONTEXT = "context.jsonld"
MODAL_SLOT = "qualifiers"  # where an edge says the modal verb its quote states it with


def write_kgx(package: DataPackage, out: OutputFolder) -> list[Path]:
    """Write ``nodes.tsv`` and ``edges.tsv`` (KGX TSV, multi-valued cells joined by ``|``) and
    ``context.jsonld`` (the JSON-LD context that declares the ``painimmune`` prefix)."""
    nodes = _nodes(package)
    qualifiers = _Qualifiers.of(package, nodes)
    mappings = mapping_graph(package, nodes.ids, nodes.categories)
    edges = _edges(package, nodes, qualifiers) + _subclass_edges(package, nodes) + list(mappings.edges.values())
    rows = nodes.rows + list(mappings.nodes.values())
    for row in rows:
        check_node(row["category"], row["id"])
    return [out.write_text("nodes.tsv", _tsv(NODE_COLUMNS, rows)),
            out.write_text("edges.tsv", _tsv([*EDGE_HEAD, *qualifiers.columns, *EDGE_TAIL], edges)),
            out.write_text(CONTEXT, json.dumps(context(), indent=2) + "\n")]


def context() -> dict[str, Any]:
    """The JSON-LD context of the export: the prefixes it writes that the Biolink Model's context
    does not declare (:data:`~painimmune.export.namespace.BEYOND_BIOLINK`: ``painimmune``, and
    ``icd11.code`` for the ICD-11 codes the conditions map to)."""
    return {"@context": {prefix: {"@id": PREFIXES[prefix], "@prefix": True} for prefix in BEYOND_BIOLINK}}


@dataclass
class _Nodes:
    """The nodes of the export, with the id and the category of each entity."""

    rows: list[dict[str, str]]
    ids: dict[tuple[str, str], str]
    categories: dict[str, str]  # node id -> category


def _nodes(package: DataPackage) -> _Nodes:
    nodes = _Nodes([], {}, {})
    owners: dict[str, str] = {}
    for table in package.entity_tables:
        spec = package.schema(table)["biolinkCategory"]
        columns = xref_columns(package.schema(table))
        for row in load(table, package.root).to_dict("records"):
            category = check_category(spec if isinstance(spec, str) else spec["values"][row[spec["column"]]])
            local = local_id(table, row["id"])
            xrefs = [row[column] for column in columns if isinstance(row[column], str)]
            identifier = node_id(category, local, xrefs)
            if identifier in owners:
                raise DataError(f"refused: {owners[identifier]} and {local} would both be the node {identifier}")
            owners[identifier] = local
            nodes.ids[(table, row["id"])] = identifier
            nodes.categories[identifier] = category
            nodes.rows.append({"id": identifier, "category": category, "name": row["name"], "description": row["description"],
                               "synonym": MULTI.join(row["synonyms"]),
                               "xref": MULTI.join(curie for curie in [local, *xrefs] if curie != identifier), "provided_by": INFORES})
    return nodes


@dataclass
class _Qualifiers:
    """How each qualifier column of the relationship tables becomes a Biolink edge property."""

    slots: dict[str, str]  # qualifier column -> KGX column (the Biolink slot's name)
    values: dict[str, dict[str, str]]  # qualifier column -> its value -> the CURIE exported (foreign keys)

    @classmethod
    def of(cls, package: DataPackage, nodes: _Nodes) -> _Qualifiers:
        """The qualifier columns of *package* and the CURIE of each value a foreign key allows: an
        entity's node id, or a lookup row's exact cross-reference (a species context's NCBITaxon term)."""
        table = package.relationship_tables[0]
        schema = package.schema(table)
        fields = {field["name"]: field for field in schema["fields"]}
        targets = {column: resource for column, resource, _ in foreign_keys(schema)}
        slots, values = {}, {}
        for column in qualifier_names(package):
            slot = str(fields[column]["qualifier"])
            if slot not in biolink_model()["qualifiers"]:
                raise DataError(f"refused: {column} is exported as {slot!r}, which is not a qualifier of the Biolink Model "
                                f"{biolink_model()['version']}")
            slots[column] = slot.removeprefix("biolink:")
            if column not in targets:
                continue
            target = targets[column]
            if target in package.entity_tables:
                values[column] = {entity: node for (name, entity), node in nodes.ids.items() if name == target}
            else:
                exact = xref_columns(package.schema(target))
                frame = load(target, package.root)
                values[column] = {row["id"]: next((row[c] for c in exact if isinstance(row[c], str)), "") for row in frame.to_dict("records")}
        return cls(slots, values)

    @property
    def columns(self) -> list[str]:
        """The KGX columns of the qualifiers, in the order of their fields (each once)."""
        return list(dict.fromkeys(self.slots.values()))

    def of_row(self, row: dict[str, Any]) -> dict[str, str]:
        """The qualifier properties of one assertion row, by KGX column (empty where it has none)."""
        found: dict[str, list[str]] = {column: [] for column in self.columns}
        for column, slot in self.slots.items():
            value = row[column]
            items = value if isinstance(value, list) else ([] if pd.isna(value) else [str(value)])
            if column in self.values:
                items = [self.values[column][item] for item in items if self.values[column].get(item)]
            elif slot == "qualifiers":  # a value of the package's own vocabulary (the phase)
                items = [f"{PREFIX}:{column}.{item}" for item in items]
            found[slot] += items
        return {slot: MULTI.join(items) for slot, items in found.items()}


def _edges(package: DataPackage, nodes: _Nodes, qualifiers: _Qualifiers) -> list[dict[str, str]]:
    relations = load(RELATIONS, package.root).set_index("id")["biolink_predicate"]
    levels = load("evidence_levels", package.root).set_index("id")["eco_id"]
    unknown = sorted({level for _, level in EVIDENCE_PREDICATES} - set(levels.index))
    if unknown:
        raise DataError(f"refused: the evidence levels {', '.join(unknown)} that decide Biolink predicates are not in evidence_levels")
    publications = _publication_ids(load("sources", package.root))
    ids = nodes.ids
    rows = []
    seen: set[str] = set()
    for row in assertion_rows(package).sort_values(["table", "row_id"]).to_dict("records"):
        negated = row["direction"] == "refutes"
        broad = relations[row["relation"]]
        predicate = check_predicate(REFUTED_PREDICATES.get(broad, broad) if negated
                                    else EVIDENCE_PREDICATES.get((broad, row["evidence_level_id"]), broad))
        subject, object_ = ids[(row["subject_type"], row["subject_id"])], ids[(row["object_type"], row["object_id"])]
        examples = {"subject": [ids[(row["subject_type"], e)] for e in row["subject_examples"]],
                    "object": [ids[(row["object_type"], e)] for e in row["object_examples"]]}
        if predicate in biolink_model()["canonical_inverses"]:  # stated the canonical way round
            predicate, subject, object_ = biolink_model()["canonical_inverses"][predicate], object_, subject
            examples = {"subject": examples["object"], "object": examples["subject"]}
        predicate = fitting_predicate(predicate, nodes.categories[subject], nodes.categories[object_])
        original = local_id(RELATIONS, row["relation"])
        context = qualifiers.of_row(row)
        if isinstance(row.get("modal_verb"), str) and row["modal_verb"]:  # ('can release': Biolink has no slot for it)
            context[MODAL_SLOT] = MULTI.join(filter(None, [context.get(MODAL_SLOT, ""), f"{PREFIX}:modal_verb.{row['modal_verb']}"]))
        identifier = edge_id(subject, predicate, object_, original, MULTI.join(context.values()), negated, row["source_id"], row["quote"])
        if identifier in seen:
            raise DataError(f"refused: {row['table']} row {row['row_id']} repeats the content of another row")
        seen.add(identifier)
        eco = levels[row["evidence_level_id"]]
        rows.append({
            "id": identifier, "subject": subject, "predicate": predicate, "object": object_, "original_predicate": original,
            "negated": "True" if negated else "False", **context,
            "painimmune_subject_examples": MULTI.join(examples["subject"]), "painimmune_object_examples": MULTI.join(examples["object"]),
            "primary_knowledge_source": INFORES, "knowledge_level": KNOWLEDGE_LEVEL, "agent_type": AGENT_TYPE,
            "publications": publications[row["source_id"]], "supporting_text": row["quote"].replace(MULTI, "/"),
            "has_evidence": eco if pd.notna(eco) else "",
        })
    return rows


def _subclass_edges(package: DataPackage, nodes: _Nodes) -> list[dict[str, str]]:
    """A ``biolink:subclass_of`` edge for each parent an entity names, curated by the project. Biolink
    admits it between ontology classes; between nodes of other categories (proteins, treatments)
    the edge takes the nearest predicate that admits them, ``original_predicate`` saying what it is."""
    rows = []
    check_predicate(SUBCLASS_OF)
    for table in package.entity_tables:
        for row in load(table, package.root).to_dict("records"):
            for parent in row.get("parents", []):
                subject, object_ = nodes.ids[(table, row["id"])], nodes.ids[(table, parent)]
                predicate = fitting_predicate(SUBCLASS_OF, nodes.categories[subject], nodes.categories[object_])
                rows.append({"id": edge_id(subject, predicate, object_, SUBCLASS_OF, "", False, "", ""), "subject": subject,
                             "predicate": predicate, "object": object_, "original_predicate": SUBCLASS_OF, "negated": "False",
                             "primary_knowledge_source": INFORES, "knowledge_level": KNOWLEDGE_LEVEL, "agent_type": AGENT_TYPE})
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
    writer = csv.DictWriter(buffer, columns, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_MINIMAL, restval="")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()
