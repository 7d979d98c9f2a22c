"""What users look at: about(), the assertions view."""

from __future__ import annotations

import json

import pytest

import painimmune as pim
from conftest import run_cli
from painimmune.entities import UnknownEntityError
from painimmune.graph import qualifier_names


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
    treatments = [a for s in result["sections"] if s["kind"] in ("direct", "context") for g in s["groups"]
                  for a in g["assertions"] if a["table"] == "treatment_conditions"]
    rows = pim.load("treatment_conditions")
    expected = rows[(rows["condition_id"] == "crps") | (rows["disease_context_qualifier"] == "crps")]
    assert sorted(a["row_id"] for a in treatments) == sorted(expected["id"])
    for item in treatments:
        row = expected.set_index("id").loc[item["row_id"]]
        assert item["quote"] == row["quote"] and item["source_id"] == row["source_id"] and item["direction"] == row["direction"]
        assert item["evidence_level"] == pim.load("evidence_levels").set_index("id").at[row["evidence_level_id"], "label"]


def test_the_answer_to_how_sure_are_we_about_crps_is_in_the_first_line_and_never_stronger_than_its_rows():
    result = pim.about("crps")
    line = result["sections"][0]["profile_words"]
    assert line.startswith("5 rows from one clinician's article; none of them peer-reviewed; strongest evidence: expert statement")
    levels = pim.load("evidence_levels").set_index("id")
    for group in result["sections"][0]["groups"]:
        for sentence in group["summary"]:
            shown = [a for a in group["assertions"] if a["row_id"] in sentence["rows"]]
            assert shown and all(str(levels.at[a["evidence_level_id"], "reported_as"]).split("{s}")[-1].split("{object}")[0].strip()
                                 in sentence["text"] for a in shown)  # said as its rows' level says it
            assert (" not " in sentence["text"]) == any(a["direction"] == "refutes" for a in shown)


def test_a_refuting_row_reads_as_a_refutation_in_its_heading_and_summary():
    result = pim.about("cyclooxygenase inhibitors")  # 'NSAIDs ... have little effect in neuropathic pain'
    refuting = [g for s in result["sections"] for g in s["groups"] if g["assertions"][0]["direction"] == "refutes"]
    assert refuting
    for group in refuting:
        assert " not " in group["description"] and all(" not " in sentence["text"] for sentence in group["summary"])
        assert all(" not " in a["statement"] for a in group["assertions"])


def test_a_relation_the_quote_states_with_a_modal_verb_is_never_said_without_it():
    """'the immune system, which can drive, maintain, or even resolve pain': every heading, statement
    and summary says 'can', never 'the immune system resolves chronic pain'."""
    rows = pim.load_all()
    modal = {row_id: verb for name, frame in rows.items() if "modal_verb" in frame
             for row_id, verb in zip(frame["id"], frame["modal_verb"], strict=True) if isinstance(verb, str)}
    assert modal["cc0026"] == "can" and modal["cc0040"] == "may" and len(modal) == 26
    seen = 0
    for query in ("immune system", "regulatory T cell", "gut dysbiosis", "microglia"):
        for section in pim.about(query)["sections"]:
            for group in section["groups"]:
                modals = {modal[a["row_id"]] for a in group["assertions"] if a["row_id"] in modal}
                for item in group["assertions"]:
                    if item["row_id"] in modal:
                        assert f" {modal[item['row_id']]} " in f" {item['statement']} ", item["statement"]
                        seen += 1
                if modals and section["kind"] == "direct":
                    assert any(f" {word} " in group["description"] for word in modals), group["description"]
                    assert all(any(f" {word} " in sentence["text"] for word in modals) for sentence in group["summary"]
                               if set(sentence["rows"]) <= set(modal)), group["summary"]
    assert seen >= 6
    statement = next(a["statement"] for s in pim.about("immune system")["sections"] for g in s["groups"] for a in g["assertions"]
                     if a["row_id"] == "cc0026")
    assert statement == "immune cells can resolve chronic pain"  # (the immune system: immune cells, as the entity names it)


def test_every_assertion_touching_the_entity_is_shown_once():
    result = pim.about("tnf")
    direct = [a["row_id"] for g in result["sections"][0]["groups"] for a in g["assertions"]]
    rows = pim.assertions().explode("row_ids")
    touching = rows[((rows["subject_type"] == "mediators") & (rows["subject_id"] == "tnf"))
                    | ((rows["object_type"] == "mediators") & (rows["object_id"] == "tnf"))]
    assert sorted(direct) == sorted(touching["row_ids"])
    shown = [a["row_id"] for s in result["sections"] for g in s["groups"] for a in g["assertions"]]
    assert len(shown) == len(set(shown))  # a row shows in one part only


@pytest.mark.parametrize(("query", "kinds", "row"), [
    ("IL-6", ["direct", "example", "class"], "mc0019"),  # 'pro-inflammatory cytokines like IL-6 sustains pain in ... osteoarthritis'
    ("T cell", ["direct", "example", "class"], "cc0038"),  # 'T-cell and B-cell involvement: Adaptive immunity ...'
    ("ADRB2", ["direct"], "mi0005"),  # autoantibodies target it, in CRPS
    ("arthritis", ["direct", "context"], "mc0026"),  # IL-17, pain-promoting, in arthritis models
])
def test_about_answers_through_examples_classes_and_context_each_labelled(query, kinds, row):
    result = pim.about(query)
    found = [section["kind"] for section in result["sections"]]
    assert all(kind in found for kind in kinds), found
    where = {a["row_id"]: section for section in result["sections"] for g in section["groups"] for a in g["assertions"]}
    assert row in where
    section = where[row]
    words = {"example": "as an example of a class", "class": "a class", "context": "disease context", "direct": "What the sources say"}
    assert words[section["kind"]] in section["heading"]
    if query == "ADRB2":
        found = next(a for g in section["groups"] for a in g["assertions"] if a["row_id"] == row)
        assert {"column": "disease_context_qualifier", "title": "Disease context", "values": ["complex regional pain syndrome"]} in (
            found["qualifiers"])
    if query == "arthritis":
        il17 = next(a for g in section["groups"] for a in g["assertions"] if a["row_id"] == row)
        species = next(q for q in il17["qualifiers"] if q["column"] == "species_context_qualifier")
        assert [e["id"] for e in il17["subject_examples"]] == ["il17"] and species["values"] == ["animals (species not named)"]


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
    key = ["subject_type", "subject_id", "relation", "object_type", "object_id", *qualifier_names()]
    assert not view.astype(str).duplicated(key).any()
    relationship = pim.DataPackage().relationship_tables
    assert sorted(view.explode("row_ids")["row_ids"]) == sorted(i for t in relationship for i in pim.load(t)["id"])
    negative = view[(view["subject_id"] == "cox_inhibitor") & (view["object_id"] == "neuropathic_pain")].iloc[0]
    assert (negative["supporting_sources"], negative["refuting_sources"]) == (0, 1)
    assert negative["strongest_evidence_level"] == "clinical_observation"
    acute = view[(view["subject_id"] == "immune_cell") & (view["object_id"] == "nociception")].iloc[0]
    assert (acute["supporting_sources"], acute["refuting_sources"]) == (0, 1)  # 'does not seem to have an active role'
    chronic = view[(view["subject_id"] == "immune_cell") & (view["object_id"] == "chronic_pain") & (view["relation"] == "contributes to")
                   & view["phase"].isna() & view["disease_context_qualifier"].isna()].iloc[0]
    assert chronic["supporting_sources"] == 2 and chronic["refuting_sources"] == 0  # the review and the physician's article
    target = view[view["row_ids"].map(lambda ids: "tt0001" in ids)].iloc[0]
    assert (target["subject_type"], target["object_type"], target["object_id"]) == ("treatments", "mediators", "tnf")
