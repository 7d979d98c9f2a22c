"""The cross-references as an SSSOM mapping set (TSV with its YAML metadata block).

Each entity's CURIE columns hold exact matches (``skos:exactMatch``); its ``close_matches``,
``narrow_matches`` and ``broad_matches`` hold close, narrower and broader terms, and a protein's
``hgnc_id`` its gene (``skos:relatedMatch``), each exported with its own predicate (declared by the
field's ``mappingPredicate``). Every
mapping is a manual curation (``semapv:ManualMappingCuration``) by the painimmune curators
(``creator_id`` ``painimmune:curators``), dated by the release (``mapping_date``, the descriptor's
``created``). The subject is the entity's local id and its Biolink category; ``object_label`` is
the official label from the verified reference tables of the installed painimmune
(:func:`~painimmune.package.reference.installed_root`: its checkout, or the wheel's
``painimmune/_data/reference/ontologies``), never those of the exported package, so a release
data zip or an installed copy (which hold no ``reference/``) gets every label. A term verified
without a label (UniProt) leaves it empty, and the row's ``comment`` says why. The metadata block declares every prefix used, so
``sssom parse`` and ``sssom validate`` accept the file with their default options.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from painimmune.export.biolink import check_category
from painimmune.export.namespace import BASE_IRI, CURATORS, PREFIXES, local_id
from painimmune.loader import load
from painimmune.output import OutputFolder
from painimmune.package.descriptor import DataPackage
from painimmune.package.reference import Term, installed_root, read_terms
from painimmune.package.schemas import mapping_columns, mapping_curies

COLUMNS = ["subject_id", "subject_label", "subject_category", "predicate_id", "object_id", "object_label", "mapping_justification",
           "creator_id", "mapping_date", "comment"]
FILE = "painimmune.sssom.tsv"
REFERENCE = "reference/ontologies"
JUSTIFICATION = "semapv:ManualMappingCuration"


def write_sssom(package: DataPackage, out: OutputFolder) -> list[Path]:
    """Write ``painimmune.sssom.tsv``: the metadata block (``#``-prefixed YAML), then the mappings."""
    terms = read_terms(installed_root(), REFERENCE)
    date = str(package.descriptor.get("created", ""))[:10]
    rows = []
    for table in package.entity_tables:
        columns = mapping_columns(package.schema(table))
        spec = package.schema(table)["biolinkCategory"]
        for entity in load(table, package.root).to_dict("records"):
            category = check_category(spec if isinstance(spec, str) else spec["values"][entity[spec["column"]]])
            for column, predicate in columns.items():
                for curie in mapping_curies(entity[column]):
                    label, comment = _object_label(terms, curie)
                    rows.append({"subject_id": local_id(table, entity["id"]), "subject_label": entity["name"],
                                 "subject_category": category, "predicate_id": predicate, "object_id": curie,
                                 "object_label": label, "mapping_justification": JUSTIFICATION, "creator_id": CURATORS,
                                 "mapping_date": date, "comment": comment})
    licence = package.licence.url or package.licence.name
    header = [
        "curie_map:",
        *[f"  {prefix}: {json.dumps(iri)}" for prefix, iri in PREFIXES.items()],
        f"mapping_set_id: {json.dumps(f'{BASE_IRI}mappings/{package.version}')}",
        f"mapping_set_version: {json.dumps(package.version)}",
        f"mapping_set_title: {json.dumps('cross-references of the painimmune entities (exact, close, narrow, broad and related matches)')}",
        f"license: {json.dumps(licence)}",
    ]
    body = io.StringIO(newline="")
    writer = csv.DictWriter(body, COLUMNS, delimiter="\t", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return [out.write_text(FILE, "".join(f"#{line}\n" for line in header) + body.getvalue())]


def _object_label(terms: dict[str, Term] | None, curie: str) -> tuple[str, str]:
    """The official label of *curie* and, where there is none, the reason as a comment."""
    if terms is None:
        return "", f"object label not written: the installed painimmune has no {REFERENCE} (reinstall it)"
    term = terms.get(curie)
    if term is None or not term.label:
        return "", f"no verified label for {curie} in {REFERENCE} (see UNVERIFIED.md there)"
    return term.label, ""
