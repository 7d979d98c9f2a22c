"""The names the exports give to things: the ``painimmune`` prefix, its base IRI, and the expansion
of every prefix the exports write.

Entities without an ontology identifier, relations, edges' original predicates and the curators
are named under the ``painimmune`` prefix, which expands to :data:`BASE_IRI`. It is a w3id.org
address because w3id gives a project a permanent, host-independent namespace under which the
names can stay the same whoever serves them. **The redirect is not registered yet** (that takes a
pull request to https://github.com/perma-id/w3id.org): until it is, these IRIs are stable names
that do not resolve.

OBO, SKOS, UniProt and MeSH expansions are the published ones (as in the Biolink model 4.4.6);
HGNC, DrugBank and ICD-11 codes go through the Bioregistry resolver.
"""

from __future__ import annotations

PREFIX = "painimmune"
BASE_IRI = "https://w3id.org/painimmune/"
# The Translator Information Resource id the KGX export names as knowledge source. It is NOT
# registered in the Information Resource Registry (https://github.com/biolink/information-resource-registry).
INFORES = "infores:painimmune"
CURATORS = f"{PREFIX}:curators"  # the creator of the curation (no ORCID stands for the team)

PREFIXES = {
    PREFIX: BASE_IRI,
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


# The prefixes the exports write that the Biolink Model's JSON-LD context does not declare: the KGX
# export's context.jsonld declares them.
BEYOND_BIOLINK = (PREFIX, "icd11.code")


def local_id(table: str, entity: str) -> str:
    """The package's own CURIE of a row: ``painimmune:<table>.<id>`` (ids are unique within a table
    only); spaces, which relation ids hold, become underscores (``painimmune:relations.reduces_pain``)."""
    return f"{PREFIX}:{table}.{entity.replace(' ', '_')}"
