"""The cross-references as an SSSOM mapping set (TSV with its YAML metadata block).

Each entity's CURIE columns hold exact matches (``skos:exactMatch``); its ``close_matches`` and
``broad_matches`` hold close and broader terms, each exported with its own predicate
(``skos:closeMatch``, ``skos:broadMatch``, declared by the field's ``mappingPredicate``). Every
mapping is a manual curation.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from painimmune.export.kgx import node_id
from painimmune.loader import load
from painimmune.output import OutputFolder
from painimmune.package.descriptor import DataPackage
from painimmune.package.schemas import mapping_columns

LOCAL_PREFIX = "painimmune"
# A URN, not a web address: the package has no registered namespace, and a made-up URL would
# claim one. OBO, SKOS, UniProt and MeSH expansions are the published ones (as in the Biolink
# model 4.4.6); HGNC, DrugBank and ICD-11 codes go through the Bioregistry resolver.
PREFIXES = {
    LOCAL_PREFIX: "urn:painimmune:",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "semapv": "https://w3id.org/semapv/vocab/",
    "CL": "http://purl.obolibrary.org/obo/CL_",
    "CHEBI": "http://purl.obolibrary.org/obo/CHEBI_",
    "GO": "http://purl.obolibrary.org/obo/GO_",
    "HP": "http://purl.obolibrary.org/obo/HP_",
    "MAXO": "http://purl.obolibrary.org/obo/MAXO_",
    "MONDO": "http://purl.obolibrary.org/obo/MONDO_",
    "UniProtKB": "http://purl.uniprot.org/uniprot/",
    "MESH": "http://id.nlm.nih.gov/mesh/",
    "HGNC": "https://bioregistry.io/hgnc:",
    "DRUGBANK": "https://bioregistry.io/drugbank:",
    "icd11.code": "https://bioregistry.io/icd11.code:",
}
COLUMNS = ["subject_id", "subject_label", "predicate_id", "object_id", "mapping_justification", "subject_category"]
FILE = "painimmune.sssom.tsv"


def write_sssom(package: DataPackage, out: OutputFolder) -> list[Path]:
    """Write ``painimmune.sssom.tsv``: the metadata block (``#``-prefixed YAML), then the mappings."""
    rows = []
    for table in package.entity_tables:
        columns = mapping_columns(package.schema(table))
        for entity in load(table, package.root).to_dict("records"):
            for column, predicate in columns.items():
                value = entity[column]
                for curie in (value if isinstance(value, list) else [value] if isinstance(value, str) else []):
                    rows.append({"subject_id": node_id(table, entity["id"]), "subject_label": entity["name"],
                                 "predicate_id": predicate, "object_id": curie,
                                 "mapping_justification": "semapv:ManualMappingCuration", "subject_category": table})
    licence = package.descriptor["licenses"][0]["path"]
    header = [
        "curie_map:",
        *[f"  {prefix}: {json.dumps(iri)}" for prefix, iri in PREFIXES.items()],
        f"mapping_set_id: {json.dumps(f'urn:painimmune:mappings:{package.version}')}",
        f"mapping_set_version: {json.dumps(package.version)}",
        f"mapping_set_title: {json.dumps('cross-references of the painimmune entities (exact, close and broad matches)')}",
        f"license: {json.dumps(licence)}",
    ]
    body = io.StringIO(newline="")
    writer = csv.DictWriter(body, COLUMNS, delimiter="\t", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return [out.write_text(FILE, "".join(f"#{line}\n" for line in header) + body.getvalue())]
