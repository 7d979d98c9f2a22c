"""What users look at: about(), the assertions view."""

from __future__ import annotations

import json

import pytest

import painimmune as pim
from conftest import run_cli
from painimmune.entities import UnknownEntityError


@pytest.mark.parametrize("query, entity", [
    ("crps", "crps"), ("CRPS", "crps"), ("complex regional pain syndrome", "crps"), ("TNF-alpha", "tnf"), ("tnfa", "tnf"),
    ("TNF-α", "tnf"), ("tnf", "tnf"), ("guillain barre syndrome", "guillain_barre_syndrome"), ("IL-1beta", "il1b"),
])
def test_an_entity_is_found_by_id_name_or_synonym_ignoring_case_and_accents(query, entity):
    assert pim.about(query)["entity"]["id"] == entity


def test_unknown_names_suggest_the_closest():
    with pytest.raises(UnknownEntityError, match=r"did you mean: TNF-α\?"):
        pim.about("tnff")
    result = run_cli("about", "Guillain Barre")
    assert result.returncode == 1 and result.stderr.strip() == (
        "painimmune: no mediator, cell type, condition or treatment is called 'Guillain Barre'; did you mean: Guillain-Barré syndrome?")


def test_about_crps_answers_which_treatments_how_strong_and_who_says_so():
    result = pim.about("crps")
    treatments = [a for g in result["groups"] if g["description"].startswith("treatment") for a in g["assertions"]]
    rows = pim.load("treatment_conditions")
    expected = rows[rows["condition_id"] == "crps"]
    assert sorted(a["row_id"] for a in treatments) == sorted(expected["id"])
    for item in treatments:
        row = expected.set_index("id").loc[item["row_id"]]
        assert item["quote"] == row["quote"] and item["source_id"] == row["source_id"] and item["direction"] == row["direction"]
        assert item["evidence_level"] == pim.load("evidence_levels").set_index("id").at[row["evidence_level_id"], "label"]


def test_every_assertion_touching_the_entity_is_shown_once():
    result = pim.about("tnf")
    shown = [a["row_id"] for g in result["groups"] for a in g["assertions"]]
    rows = pim.assertions().explode("row_ids")
    touching = rows[((rows["subject_type"] == "mediators") & (rows["subject_id"] == "tnf"))
                    | ((rows["object_type"] == "mediators") & (rows["object_id"] == "tnf"))]
    assert sorted(shown) == sorted(touching["row_ids"]) and len(shown) == len(set(shown))


@pytest.mark.parametrize("fmt", ["text", "markdown", "json"])
def test_about_formats(fmt):
    result = run_cli("about", "crps", "--format", fmt)
    assert result.returncode == 0
    if fmt == "json":
        assert json.loads(result.stdout)["entity"]["name"] == "complex regional pain syndrome"
    else:
        assert "complex regional pain syndrome" in result.stdout and "Bisphosphonates/IVIG: Immune-modulating in CRPS" in result.stdout
        assert ("# complex regional pain syndrome" in result.stdout) == (fmt == "markdown")


def test_assertions_view_holds_each_assertion_once_with_support_counts():
    view = pim.assertions()
    key = ["subject_type", "subject_id", "relation", "object_type", "object_id", "qualifiers"]
    assert not view.duplicated(key).any()
    relationship = pim.DataPackage().relationship_tables
    assert sorted(view.explode("row_ids")["row_ids"]) == sorted(i for t in relationship for i in pim.load(t)["id"])
    negative = view[(view["subject_id"] == "cox_inhibitor") & (view["object_id"] == "neuropathic_pain")].iloc[0]
    assert (negative["supporting_sources"], negative["refuting_sources"]) == (0, 1)
    assert negative["strongest_evidence_level"] == "clinical_observation"
    acute = view[(view["subject_id"] == "immune_cell") & (view["object_id"] == "nociception")].iloc[0]
    assert (acute["supporting_sources"], acute["refuting_sources"]) == (0, 1)  # 'does not seem to have an active role'
    chronic = view[(view["subject_id"] == "immune_cell") & (view["object_id"] == "chronic_pain") & (view["relation"] == "contributes to")
                   & (view["qualifiers"] == "")].iloc[0]
    assert chronic["supporting_sources"] == 2 and chronic["refuting_sources"] == 0  # the review and the physician's article
    target = view[view["row_ids"].map(lambda ids: "tt0001" in ids)].iloc[0]
    assert (target["subject_type"], target["object_type"], target["object_id"]) == ("treatments", "mediators", "tnf")
