"""Facts from the documents that the curated rows must keep.

Every curation *rule* (verified identifiers, ECO labels, rank order, quote length, hedges, ASCII
synonyms, documents and cited references, the not-encoded list) is a validation rule: the real
package passes them (``test_validation.test_real_package_is_valid``) and a crafted fault fails each
(``test_faults``). What is left here are facts a reader of the four documents can check.
"""

from __future__ import annotations

import painimmune as pim


def test_negative_findings_are_recorded_as_refuting_rows():
    rows = pim.load("treatment_conditions")
    cox = rows[(rows["treatment_id"] == "cox_inhibitor") & (rows["condition_id"] == "neuropathic_pain")]
    assert list(cox["direction"]) == ["refutes"]
    assert "lack of effect" in cox["quote"].item()


def test_the_lancet_abstract_is_curated_into_every_table_it_speaks_to():
    counts = {table: int((pim.load(table)["source_id"] == "calvo2012").sum())
              for table in ["cell_conditions", "cell_mediators", "mediator_conditions"]}
    assert all(count > 0 for count in counts.values()), counts


def test_tnf_antibodies_are_established_treatment_of_rheumatoid_arthritis_pain():
    rows = pim.load("treatment_conditions")
    row = rows[(rows["treatment_id"] == "tnf_inhibitor") & (rows["condition_id"] == "pain")
               & (rows["disease_context_qualifier"] == "rheumatoid_arthritis")]
    assert list(row["evidence_level_id"]) == ["established_clinical"] and list(row["source_id"]) == ["marchand2005"]
