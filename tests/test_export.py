"""Each export opens in the tool it is meant for."""

from __future__ import annotations

import importlib.metadata
import importlib.util
import json
import os
import sqlite3
import subprocess
import sys
from importlib.resources import files
from pathlib import Path

import pandas as pd
import pytest
import yaml

import painimmune as pim
from conftest import ROOT, read_tsv, run_cli, tool_venv
from painimmune.errors import DataError
from painimmune.export import biolink, croissant, export, kgx
from painimmune.graph import assertion_rows
from painimmune.output import OutputFolder
from painimmune.package.schemas import foreign_keys

BIN = Path(sys.executable).parent
TOOLS = Path(__file__).parent / "tools"
# scripts/reference_biolink.py reads the Biolink Model's predicate hierarchy; the tests read it the same way.
_SPEC = importlib.util.spec_from_file_location("reference_biolink", ROOT / "scripts" / "reference_biolink.py")
assert _SPEC is not None and _SPEC.loader is not None
REFERENCE_BIOLINK = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(REFERENCE_BIOLINK)
PACKAGE = pim.DataPackage()
RELATIONSHIP_ROWS = sum(len(pim.load(t)) for t in PACKAGE.relationship_tables)


def test_csv_export_is_a_valid_data_package(tmp_path):
    result = run_cli("export", "--format", "csv", "--out", tmp_path)
    assert result.returncode == 0, result.stderr
    validated = subprocess.run([str(BIN / "frictionless"), "validate", str(tmp_path / "datapackage.json")], capture_output=True, text=True)
    assert validated.returncode == 0, validated.stdout[-2000:]
    for name in pim.tables():
        pd.testing.assert_frame_equal(pim.load(name, tmp_path), pim.load(name))


def test_json_export_holds_typed_records(tmp_path):
    export("json", tmp_path)
    document = json.loads((tmp_path / "painimmune.json").read_text(encoding="utf-8"))
    assert document["version"] == pim.__version__
    assert {name: len(rows) for name, rows in document["tables"].items()} == {name: len(pim.load(name)) for name in pim.tables()}
    calvo = next(row for row in document["tables"]["sources"] if row["id"] == "calvo2012")
    assert calvo["year"] == 2012 and calvo["authors"] == ["Calvo M", "Dawes JM", "Bennett DLH"] and calvo["doi"] is None
    assert next(row for row in document["tables"]["mediators"] if row["id"] == "tnf")["is_class"] is False


def test_parquet_export_reads_back_with_the_same_types(tmp_path):
    export("parquet", tmp_path)
    for name in pim.tables():
        pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / f"{name}.parquet"), pim.load(name), check_dtype=False)
    import pyarrow.parquet as pq

    schema = pq.read_schema(tmp_path / "mediators.parquet")
    assert str(schema.field("synonyms").type) == "list<element: string>"
    assert str(schema.field("category").type).startswith("dictionary")
    assert schema.field("name").metadata[b"description"].decode().startswith("Preferred name")


def test_a_missing_optional_dependency_is_one_clear_line(tmp_path):
    code = ("import sys; sys.modules['pyarrow'] = None; sys.argv = ['painimmune', 'export', '--format', 'parquet', '--out', sys.argv[1]];"
            "from painimmune.cli import main; main()")
    result = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True)
    assert result.returncode == 1
    assert result.stderr.strip() == "painimmune: this export needs pyarrow: pip install 'painimmune[parquet]'"


def test_sqlite_export_declares_and_enforces_keys(tmp_path):
    export("sqlite", tmp_path)
    with sqlite3.connect(tmp_path / "painimmune.db") as db:
        assert db.execute("SELECT count(*) FROM cell_mediators").fetchone() == (len(pim.load("cell_mediators")),)
        references = {(row[2], row[3]) for row in db.execute("PRAGMA foreign_key_list(treatment_targets)")}
        assert ("mediators", "target_mediator_id") in references and ("cell_types", "target_cell_type_id") in references
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []
        db.execute("PRAGMA foreign_keys = ON")
        with pytest.raises(sqlite3.IntegrityError):
            db.execute("UPDATE cell_mediators SET mediator_id = 'no_such_mediator' WHERE id = 'cm0001'")
        assert db.execute("SELECT is_class, synonyms FROM mediators WHERE id = 'tnf'").fetchone()[0] == 0
    metadata = json.loads((tmp_path / "metadata.json").read_text(encoding="utf-8"))
    assert metadata["license"] == "CC0-1.0"
    tables = metadata["databases"]["painimmune"]["tables"]
    for column in pim.load("mediators").columns:  # every column described, folded under the table's description
        assert f"<dt><code>{column}</code></dt><dd>" in tables["mediators"]["description_html"]
    assert tables["evidence_levels"]["label_column"] == "label" and tables["mediators"]["label_column"] == "name"
    pointed_to = {ref for other in PACKAGE.table_names for _, ref, _ in foreign_keys(PACKAGE.schema(other))}
    named = {name for name in pointed_to if {"name", "label", "title"} & set(pim.load(name).columns)}
    assert named and all("label_column" in tables[name] for name in named)  # (relations: the id is the relation's words)


def test_sqlite_export_puts_direction_beside_the_relation_and_states_every_assertion_in_words(tmp_path):
    export("sqlite", tmp_path)
    with sqlite3.connect(tmp_path / "painimmune.db") as db:
        columns = [row[1] for row in db.execute("PRAGMA table_info(treatment_conditions)")]
        assert columns[:5] == ["id", "treatment_id", "effect", "direction", "condition_id"]
        rows = db.execute("SELECT subject, relation, direction, object, evidence_level, source FROM assertions WHERE row_id = 'tc0002'")
        assert rows.fetchall() == [("cyclooxygenase inhibitors", "reduces", "refutes", "neuropathic pain", "clinical observation",
                                    "Role of the immune system in chronic pain")]
        assert db.execute("SELECT count(*) FROM assertions").fetchone()[0] == RELATIONSHIP_ROWS
        modal = db.execute("SELECT subject, modal_verb, relation, object FROM assertions WHERE row_id = 'cc0040'").fetchall()
        assert modal == [("regulatory T cell", "may", "resolves", "pain")]  # 'regulatory T-cells ... may resolve pain'


def test_sqlite_export_searches_names_synonyms_and_quotes_and_stays_byte_identical(tmp_path):
    export("sqlite", tmp_path / "a")
    export("sqlite", tmp_path / "b")
    assert (tmp_path / "a" / "painimmune.db").read_bytes() == (tmp_path / "b" / "painimmune.db").read_bytes()
    with sqlite3.connect(tmp_path / "a" / "painimmune.db") as db:
        found = db.execute("SELECT id FROM cell_types WHERE rowid IN (SELECT rowid FROM cell_types_fts WHERE cell_types_fts MATCH 'microglia')")
        assert ("microglia",) in found.fetchall()
        quotes = db.execute("SELECT quote FROM cell_mediators_fts WHERE cell_mediators_fts MATCH 'microglia'").fetchall()
        assert quotes and all("microglia" in quote.lower() for (quote,) in quotes)
        assert db.execute("SELECT count(*) FROM mediators_fts WHERE mediators_fts MATCH 'synonyms:TNF'").fetchone()[0] >= 1
        fts = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE name LIKE '%\\_fts' ESCAPE '\\'")}
        assert fts == {f"{table}_fts" for table in [*PACKAGE.entity_tables, *PACKAGE.relationship_tables]}


@pytest.fixture(scope="module")
def datasette(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tool_venv(tmp_path_factory, "datasette>=0.64,<1") / "datasette"


@pytest.mark.tools
def test_sqlite_export_serves_in_datasette_with_descriptions(datasette, tmp_path):
    export("sqlite", tmp_path)
    def get(url: str) -> str:
        result = subprocess.run([str(datasette), str(tmp_path / "painimmune.db"), "--metadata", str(tmp_path / "metadata.json"),
                                 "--get", url], capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
        return result.stdout
    rows = json.loads(get("/painimmune/treatment_conditions.json?_shape=array&_size=max"))
    assert len(rows) == len(pim.load("treatment_conditions"))
    page = get("/painimmune/mediators")
    description = pim.schema("mediators").set_index("column").at["inflammatory_role", "description"]
    assert "<details><summary>What each column means</summary>" in page and description.split("'")[0] in page
    table = get("/painimmune/treatment_conditions")  # foreign keys shown by their labels
    assert "cyclooxygenase inhibitors" in table and "clinical observation" in table
    view = json.loads(get("/painimmune/assertions.json?_shape=array&_size=max"))
    assert len(view) == RELATIONSHIP_ROWS and list(view[0])[:7] == ["row_id", "relationship_table", "subject", "modal_verb", "relation",
                                                                    "direction", "object"]
    assert "data:text/css," in get("/painimmune/treatment_conditions/tc0002")  # the row page's layout of labelled fields
    searched = json.loads(get("/painimmune/cell_types.json?_search=microglia&_shape=array"))  # the FTS index as the search box
    assert "microglia" in {row["id"] for row in searched}


def test_kgx_export_uses_the_biolink_model(tmp_path):
    export("kgx", tmp_path)
    model = yaml.safe_load((files("biolink_model") / "schema" / "biolink_model.yaml").read_text(encoding="utf-8"))
    classes = {"biolink:" + "".join(word[:1].upper() + word[1:] for word in name.split()) for name in model["classes"]}
    predicates = {REFERENCE_BIOLINK.predicate_curie(name) for name in model["slots"] if REFERENCE_BIOLINK.is_predicate(model["slots"], name)}
    enums = model["enums"]
    nodes = read_tsv(tmp_path / "nodes.tsv")
    edges = read_tsv(tmp_path / "edges.tsv")
    node_ids = {node["id"] for node in nodes}
    entities = [node for node in nodes if node["description"]]  # (the terms they map to have none)
    assert len(node_ids) == len(nodes) and len(entities) == sum(len(pim.load(t)) for t in PACKAGE.entity_tables)
    assert {node["category"] for node in nodes} <= classes
    assert {edge["predicate"] for edge in edges} <= predicates
    assert {edge["knowledge_level"] for edge in edges} <= set(enums["KnowledgeLevelEnum"]["permissible_values"])
    assert {edge["agent_type"] for edge in edges} <= set(enums["AgentTypeEnum"]["permissible_values"])
    assert all(edge["subject"] in node_ids and edge["object"] in node_ids and edge["primary_knowledge_source"] == "infores:painimmune"
               for edge in edges)
    hierarchy = [edge for edge in edges if edge["original_predicate"] == "biolink:subclass_of"]
    statements = [edge for edge in edges if edge["original_predicate"].startswith("painimmune:relations.")]
    assert all(edge["publications"] and edge["supporting_text"] for edge in statements)
    assert len(statements) == len({edge["id"] for edge in statements}) == RELATIONSHIP_ROWS  # one edge per statement
    assert len(hierarchy) == sum(len(parents) for t in PACKAGE.entity_tables for parents in pim.load(t)["parents"])
    assert sum(edge["predicate"] == "biolink:subclass_of" for edge in hierarchy) >= 20
    negated = [edge for edge in edges if edge["negated"] == "True"]
    assert len(negated) == (assertion_rows()["direction"] == "refutes").sum()
    # The pain of rheumatoid arthritis: pain the object, the disease its context, established clinical use: treats.
    marchand = next(edge for edge in edges if edge["subject"] == "MESH:D000079424" and edge["disease_context_qualifier"] == "MONDO:0008383")
    assert marchand["publications"] == "PMID:15995723" and marchand["predicate"] == "biolink:treats" and marchand["object"] == "HP:0012531"
    assert marchand["species_context_qualifier"] == "NCBITaxon:9606"
    # Context with ontology ids: anatomical (UBERON), species on every preclinical edge (NCBITaxon).
    assert sum(bool(edge["anatomical_context_qualifier"]) for edge in statements) >= 25
    assert all(curie.startswith("UBERON:") for edge in statements for curie in filter(None, edge["anatomical_context_qualifier"].split("|")))
    preclinical = [edge for edge in statements if edge["has_evidence"] == "ECO:0000304"]
    assert preclinical and all(edge["species_context_qualifier"].startswith("NCBITaxon:") for edge in preclinical)
    # Every edge in Biolink's canonical direction: 'cells are activated by a mediator' is 'the mediator affects the cells'.
    assert not {edge["predicate"] for edge in edges} & set(biolink.biolink_model()["canonical_inverses"])
    reversed_rows = [row for row in assertion_rows().to_dict("records") if row["relation"] == "is activated by"]
    assert reversed_rows
    nodes_by_local = {local: node["id"] for node in nodes for local in [*node["xref"].split("|"), node["id"]] if local}
    for row in reversed_rows:
        cell = nodes_by_local[f"painimmune:{row['subject_type']}.{row['subject_id']}"]
        mediator = nodes_by_local[f"painimmune:{row['object_type']}.{row['object_id']}"]
        assert any(edge["subject"] == mediator and edge["predicate"] == "biolink:affects" and edge["object"] == cell
                   and edge["original_predicate"] == "painimmune:relations.is_activated_by" for edge in edges), row["row_id"]


def test_kgx_node_ids_are_ontology_curies_in_the_documented_order(tmp_path):
    export("kgx", tmp_path)
    nodes = {node["id"]: node for node in read_tsv(tmp_path / "nodes.tsv")}
    tnf = nodes["UniProtKB:P01375"]  # a protein: Biolink prefers UniProtKB to HGNC and MeSH
    assert tnf["category"] == "biolink:Protein" and tnf["xref"].split("|") == ["painimmune:mediators.tnf", "MESH:D014409"]
    assert nodes["CL:0000129"]["name"] == "microglial cell" and nodes["MONDO:0019369"]["xref"].startswith("painimmune:conditions.crps")
    assert nodes["painimmune:cell_types.innate_immune_cell"]["xref"] == ""  # no exact cross-reference: the local id
    context = json.loads((tmp_path / "context.jsonld").read_text(encoding="utf-8"))["@context"]
    assert context["painimmune"]["@id"] == "https://w3id.org/painimmune/"
    assert biolink.prefix_order("biolink:Protein")[:2] == ["UniProtKB", "PR"]
    assert biolink.prefix_order("biolink:DiseaseOrPhenotypicFeature")[:2] == ["MONDO", "HP"]  # no Biolink id_prefixes: ours


def test_kgx_predicates_respect_biolink_domains_and_ranges(tmp_path):
    export("kgx", tmp_path)
    categories = {node["id"]: node["category"] for node in read_tsv(tmp_path / "nodes.tsv")}
    model = biolink.biolink_model()
    for edge in read_tsv(tmp_path / "edges.tsv"):
        term = model["predicates"][edge["predicate"]]
        assert term["domain"] is None or term["domain"] in biolink.ancestry(categories[edge["subject"]]), edge
        assert term["range"] is None or term["range"] in biolink.ancestry(categories[edge["object"]]), edge
    # A cell resolving a condition, a treatment reducing a process: affects, as ameliorates_condition does not admit them.
    assert biolink.fitting_predicate("biolink:ameliorates_condition", "biolink:Cell", "biolink:DiseaseOrPhenotypicFeature") == "biolink:affects"
    assert biolink.fitting_predicate("biolink:ameliorates_condition", "biolink:Drug", "biolink:PathologicalProcess") == "biolink:affects"
    assert biolink.fitting_predicate("biolink:treats", "biolink:Drug", "biolink:Disease") == "biolink:treats"


def test_kgx_predicates_follow_the_evidence():
    broad = "biolink:treats_or_applied_or_studied_to_treat"
    relations = pim.load("relations").set_index("id")["biolink_predicate"]
    assert relations["shows promise for"] == broad
    assert kgx.EVIDENCE_PREDICATES[(broad, "established_clinical")] == "biolink:treats"
    assert kgx.EVIDENCE_PREDICATES[(broad, "clinical_trial")] == "biolink:in_clinical_trials_for"
    assert all(predicate in biolink.biolink_model()["predicates"] for predicate in kgx.EVIDENCE_PREDICATES.values())
    assert set(relations.values) <= set(biolink.biolink_model()["predicates"])


def test_kgx_edge_ids_are_derived_from_content(tmp_path):
    export("kgx", tmp_path / "a")
    export("kgx", tmp_path / "b")
    assert (tmp_path / "a" / "edges.tsv").read_bytes() == (tmp_path / "b" / "edges.tsv").read_bytes()
    one = biolink.edge_id("CL:0000097", "biolink:produces", "CHEBI:18295", "painimmune:relations.releases", "", False, "s", "quote")
    assert one == biolink.edge_id("CL:0000097", "biolink:produces", "CHEBI:18295", "painimmune:relations.releases", "", False, "s", "quote")
    assert one.startswith("urn:uuid:") and one != biolink.edge_id("CL:0000097", "biolink:produces", "CHEBI:18295",
                                                              "painimmune:relations.releases", "", True, "s", "quote")


def test_kgx_export_refuses_what_the_biolink_model_lacks(monkeypatch, tmp_path):
    with pytest.raises(DataError, match="'biolink:Celll' is not a category of the Biolink Model"):
        biolink.check_category("biolink:Celll")
    with pytest.raises(DataError, match="'biolink:induces' is not a predicate"):
        biolink.check_predicate("biolink:induces")
    model = biolink.biolink_model()
    # A model without the predicate the relations table maps 'releases' to: the exporter itself refuses.
    monkeypatch.setattr(biolink, "biolink_model", lambda: {**model, "predicates": {p: t for p, t in model["predicates"].items()
                                                                               if p != "biolink:produces"}})
    with pytest.raises(DataError, match="'biolink:produces' is not a predicate"):
        kgx.write_kgx(PACKAGE, OutputFolder(tmp_path))
    assert not list(tmp_path.iterdir())  # nothing written


def test_shipped_biolink_terms_are_those_of_the_biolink_model_package():
    model = yaml.safe_load((files("biolink_model") / "schema" / "biolink_model.yaml").read_text(encoding="utf-8"))
    shipped = biolink.biolink_model()
    assert shipped["version"] == importlib.metadata.version("biolink-model")
    assert set(shipped["predicates"]) == {REFERENCE_BIOLINK.predicate_curie(name) for name in model["slots"]
                                          if REFERENCE_BIOLINK.is_predicate(model["slots"], name)}
    assert shipped["canonical_inverses"]["biolink:affected_by"] == "biolink:affects"
    assert model["slots"]["affects"]["annotations"]["canonical_predicate"] is True
    assert shipped["classes"]["biolink:Cell"]["id_prefixes"] == list(dict.fromkeys(model["classes"]["cell"]["id_prefixes"]))


@pytest.fixture(scope="module")
def kgx_tool(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tool_venv(tmp_path_factory, "kgx>=2.6,<3", f"biolink-model=={biolink.biolink_model()['version']}") / "python"


def _sssom_labels(out: Path) -> list[dict[str, str]]:
    mappings = read_tsv(out / "painimmune.sssom.tsv")
    assert mappings and all(row["object_label"] or row["object_id"].startswith("UniProtKB:") for row in mappings)
    assert next(row["object_label"] for row in mappings if row["object_id"] == "CL:0000129") == "microglial cell"
    return mappings


def test_sssom_labels_come_from_the_installed_reference_tables_not_the_package(package_copy, tmp_path, monkeypatch):
    import shutil

    from painimmune.package import locate

    shutil.rmtree(package_copy / "reference")  # as a release data zip or an installed copy holds it: no reference/
    result = run_cli("export", "--format", "sssom", "--out", tmp_path / "copy", "--path", package_copy)
    assert result.returncode == 0, result.stderr
    from_copy = _sssom_labels(tmp_path / "copy")
    # As a wheel lays it out: no checkout, the data and its reference tables under painimmune/_data.
    data = tmp_path / "site" / "_data"
    shutil.copytree(package_copy, data)
    shutil.copytree(ROOT / "reference" / "ontologies", data / "reference" / "ontologies")
    monkeypatch.setattr(locate, "_checkout_root", lambda: None)
    monkeypatch.setattr(locate, "_INSTALLED_DATA", data)
    export("sssom", tmp_path / "installed")
    assert _sssom_labels(tmp_path / "installed") == from_copy


@pytest.mark.tools
def test_documented_offline_kgx_check_reports_no_error(kgx_tool, tmp_path, offline):
    env, log = offline
    export("kgx", tmp_path / "kgx")
    env = {**env, "PYTHONPATH": os.pathsep.join([env["PYTHONPATH"], str(ROOT / "src")])}  # painimmune as installed beside kgx
    result = subprocess.run([str(kgx_tool), "-m", "painimmune.export.kgx_check", str(tmp_path / "kgx")], capture_output=True, text=True,
                            env=env)
    assert result.returncode == 0, result.stderr[-3000:]
    assert json.loads(result.stdout.strip().splitlines()[-1]) == {"errors": {}}
    assert log.read_text() == ""
    assert "python -m painimmune.export.kgx_check" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_kgx_check_without_kgx_names_the_extra_in_one_line(tmp_path):
    export("kgx", tmp_path)
    code = "import sys; sys.modules['kgx'] = None; from painimmune.export.kgx_check import main; sys.exit(main(sys.argv[1:]))"
    result = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True)
    assert result.returncode == 1
    assert result.stderr.strip() == "painimmune: this check needs kgx and biolink-model: pip install 'painimmune[kgx]'"


@pytest.fixture(scope="module")
def sssom(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tool_venv(tmp_path_factory, "sssom>=0.4,<0.5") / "sssom"


@pytest.mark.tools
def test_sssom_export_validates_with_sssom_py(sssom, tmp_path):
    export("sssom", tmp_path, ROOT)  # labels: the installed reference tables (see the test above)
    target = tmp_path / "painimmune.sssom.tsv"
    for command in (["validate", str(target)], ["parse", str(target), "--output", str(tmp_path / "parsed.tsv")]):
        result = subprocess.run([str(sssom), *command], capture_output=True, text=True)  # default options
        assert result.returncode == 0, result.stderr[-2000:]
    mappings = read_tsv(target)
    assert all(row["mapping_justification"] == "semapv:ManualMappingCuration" and row["creator_id"] == "painimmune:curators"
               and row["mapping_date"] == str(PACKAGE.descriptor["created"])[:10] for row in mappings)
    assert all(row["object_label"] or row["object_id"].startswith("UniProtKB:") for row in mappings)  # UniProt: no verified label
    assert next(row["object_label"] for row in mappings if row["object_id"] == "HGNC:11892") == "TNF"
    tnf = {row["object_id"] for row in mappings if row["subject_id"] == "painimmune:mediators.tnf"}
    assert tnf == {value for value in pim.load("mediators").set_index("id").loc["tnf", ["hgnc_id", "uniprot_id", "mesh_id"]]}
    predicates = {(row["subject_id"], row["object_id"]): row["predicate_id"] for row in mappings}
    assert set(predicates.values()) == {"skos:exactMatch", "skos:closeMatch", "skos:broadMatch", "skos:narrowMatch", "skos:relatedMatch"}
    # A close match stays close: HPO's Dysesthesia for hyperalgesia, CL's leukocyte for immune cells.
    assert predicates[("painimmune:conditions.hyperalgesia", "HP:0012534")] == "skos:closeMatch"
    assert predicates[("painimmune:cell_types.immune_cell", "CL:0000738")] == "skos:closeMatch"
    assert predicates[("painimmune:conditions.fibromyalgia", "icd11.code:MG30.01")] == "skos:broadMatch"


def test_unknown_format_is_refused(tmp_path):
    with pytest.raises(ValueError, match="choose one of csv, json, parquet, sqlite, kgx, sssom"):
        export("xml", tmp_path)


def test_croissant_document_describes_every_table():
    document = croissant.croissant(PACKAGE)
    assert document["conformsTo"] == "http://mlcommons.org/croissant/1.1" and document["version"] == pim.__version__
    assert [record_set["@id"] for record_set in document["recordSet"]] == PACKAGE.table_names
    built = json.loads((ROOT / "croissant.json").read_text(encoding="utf-8"))
    assert built == croissant.croissant(pim.DataPackage(ROOT))  # the build keeps the checkout's croissant.json current


@pytest.fixture(scope="module")
def mlcroissant(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tool_venv(tmp_path_factory, "mlcroissant>=1.1,<2") / "python"


@pytest.mark.tools
def test_croissant_validates_and_loads_every_record_set(mlcroissant, tmp_path):
    export("csv", tmp_path)
    (tmp_path / "croissant.json").write_text(json.dumps(croissant.croissant(PACKAGE)), encoding="utf-8")
    validated = subprocess.run([str(mlcroissant.parent / "mlcroissant"), "validate", "--jsonld", str(tmp_path / "croissant.json")],
                               capture_output=True, text=True)
    assert validated.returncode == 0, validated.stderr[-2000:]
    result = subprocess.run([str(mlcroissant), str(TOOLS / "croissant_records.py"), str(tmp_path / "croissant.json")],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-2000:]
    assert json.loads(result.stdout.strip().splitlines()[-1]) == {name: len(pim.load(name)) for name in pim.tables()}



def test_a_kgx_edge_says_the_modal_verb_its_quote_states_it_with(tmp_path):
    export("kgx", tmp_path)
    edges = read_tsv(tmp_path / "edges.tsv")
    modal = [edge for edge in edges if "painimmune:modal_verb." in edge["qualifiers"]]
    rows = assertion_rows()
    assert len(modal) == rows["modal_verb"].notna().sum() == 26
    resolving = next(edge for edge in modal if "or even resolve pain" in edge["supporting_text"]
                     and edge["original_predicate"] == "painimmune:relations.resolves")
    assert "painimmune:modal_verb.can" in resolving["qualifiers"].split("|")
