"""The curation conventions of CURATION.md, held on every row."""

from __future__ import annotations

import csv
import re
import unicodedata
from pathlib import Path

import pandas as pd
import pytest

import painimmune as pim
from conftest import ROOT
from painimmune.validation.package_rules import squash

ONTOLOGIES = ROOT / "reference" / "ontologies"
RELATIONSHIP_TABLES = ["cell_mediators", "mediator_conditions", "cell_conditions", "treatment_targets",
                       "treatment_conditions", "mediator_interactions"]
XREF_COLUMNS = {  # column -> the verified ontology table its CURIEs must come from
    "hgnc_id": "hgnc", "uniprot_id": "uniprot", "chebi_id": "chebi", "mesh_id": "mesh", "cl_id": "cl",
    "mondo_id": "mondo", "icd11_code": "icd11_mms", "hp_id": "hp", "drugbank_id": "drugbank", "maxo_id": "maxo",
}


def verified_curies(table: str) -> dict[str, str]:
    with (ONTOLOGIES / f"{table}.tsv").open(encoding="utf-8") as handle:
        return {row["curie"]: row["label"] for row in csv.DictReader(handle, delimiter="\t")}


@pytest.mark.parametrize("table", ["mediators", "cell_types", "conditions", "treatments"])
def test_every_cross_reference_is_a_verified_identifier(table):
    frame = pim.load(table)
    for column, ontology in XREF_COLUMNS.items():
        if column not in frame:
            continue
        known = verified_curies(ontology)
        for entity, curie in frame[["id", column]].dropna().itertuples(index=False):
            assert curie in known, f"{table}.{entity}.{column}: {curie} is not in reference/ontologies/{ontology}.tsv"


def test_evidence_levels_map_to_real_eco_terms_with_their_official_labels():
    eco = verified_curies("eco")
    for level in pim.load("evidence_levels").itertuples():
        assert eco.get(level.eco_id) == level.eco_label, level.id


def test_evidence_ranks_are_consecutive_from_one():
    assert sorted(pim.load("evidence_levels")["rank"]) == list(range(1, len(pim.load("evidence_levels")) + 1))


@pytest.mark.parametrize("table", ["mediators", "cell_types", "conditions", "treatments"])
def test_slugs_are_lower_case_ascii_and_names_nfc(table):
    for row in pim.load(table).itertuples():
        assert re.fullmatch(r"[a-z][a-z0-9_]*[a-z0-9]", row.id)
        assert unicodedata.is_normalized("NFC", row.name)


def test_unicode_names_have_an_ascii_synonym():
    for table in ["mediators", "cell_types", "conditions", "treatments"]:
        for row in pim.load(table).itertuples():
            if not row.name.isascii():
                assert any(s.isascii() for s in row.synonyms), f"{table}.{row.id} has no ASCII synonym"


def test_documents_have_their_text_and_cited_references_their_document():
    sources = pim.load("sources").set_index("id")
    for source_id, source in sources.iterrows():
        if source["type"] == "cited reference":
            assert source["cited_by"] in sources.index and pd.isna(source["sha256"])
        else:
            assert (ROOT / "sources" / f"{source_id}.txt").is_file()


@pytest.mark.parametrize("table", RELATIONSHIP_TABLES)
def test_quotes_are_short_spans(table):
    for row in pim.load(table).itertuples():
        assert len(row.quote) <= 320, f"{table}.{row.id}: quote of {len(row.quote)} characters"


def test_negative_findings_are_recorded_as_refuting_rows():
    rows = pim.load("treatment_conditions")
    cox = rows[(rows["treatment_id"] == "cox_inhibitor") & (rows["condition_id"] == "neuropathic_pain")]
    assert list(cox["direction"]) == ["refutes"]
    assert "lack of effect" in cox["quote"].item()


def test_every_relationship_table_has_rows_from_the_lancet_abstract():
    counts = {table: (pim.load(table)["source_id"] == "calvo2012").sum() for table in ["cell_conditions", "cell_mediators", "mediator_conditions"]}
    assert all(count > 0 for count in counts.values()), counts


def test_statements_not_encoded_are_verbatim_and_explained():
    with (ROOT / "curation" / "not_encoded.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert {row["source_id"] for row in rows} == {"calvo2012", "fmpm", "marchand2005", "tannenbaum"}
    for row in rows:
        text = squash((ROOT / "sources" / f"{row['source_id']}.txt").read_text(encoding="utf-8"))
        assert squash(row["quote"]) in text, row["quote"]
        assert row["reason"].strip()


@pytest.mark.parametrize("table", RELATIONSHIP_TABLES)
def test_hedged_quotes_are_never_graded_established(table):
    hedges = re.compile(r"\b(may|might|could|seems?|suggest\w*|shows? promise|emerging|circumstantial)\b", re.IGNORECASE)
    for row in pim.load(table).itertuples():
        if hedges.search(row.quote):
            assert row.evidence_level_id not in {"established_clinical", "clinical_trial", "clinical_observation"}, row.id
