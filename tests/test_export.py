"""Each export opens in the tool it is meant for."""

from __future__ import annotations

import csv
import json
import sqlite3
import subprocess
import sys
from importlib.resources import files
from pathlib import Path

import pandas as pd
import pytest
import yaml

import painimmune as pim
from conftest import run_cli, tool_venv
from painimmune.export import export

BIN = Path(sys.executable).parent
PACKAGE = pim.DataPackage()
RELATIONSHIP_ROWS = sum(len(pim.load(t)) for t in PACKAGE.relationship_tables)


def read_tsv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader((line for line in handle if not line.startswith("#")), delimiter="\t"))


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
    columns = metadata["databases"]["painimmune"]["tables"]["mediators"]["columns"]
    assert list(columns) == list(pim.load("mediators").columns) and all(columns.values())


@pytest.fixture(scope="module")
def datasette(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tool_venv(tmp_path_factory, "datasette>=0.64,<1") / "datasette"


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
    assert "column-descriptions" in page and description.split("'")[0] in page


def test_kgx_export_uses_the_biolink_model(tmp_path):
    export("kgx", tmp_path)
    model = yaml.safe_load((files("biolink_model") / "schema" / "biolink_model.yaml").read_text(encoding="utf-8"))
    classes = {"biolink:" + "".join(word[:1].upper() + word[1:] for word in name.split()) for name in model["classes"]}
    predicates = {"biolink:" + name.replace(" ", "_") for name, slot in model["slots"].items() if _is_predicate(model["slots"], name)}
    enums = model["enums"]
    nodes = read_tsv(tmp_path / "nodes.tsv")
    edges = read_tsv(tmp_path / "edges.tsv")
    node_ids = {node["id"] for node in nodes}
    assert len(node_ids) == len(nodes) == sum(len(pim.load(t)) for t in PACKAGE.entity_tables)
    assert {node["category"] for node in nodes} <= classes
    assert {edge["predicate"] for edge in edges} <= predicates
    assert {edge["knowledge_level"] for edge in edges} <= set(enums["KnowledgeLevelEnum"]["permissible_values"])
    assert {edge["agent_type"] for edge in edges} <= set(enums["AgentTypeEnum"]["permissible_values"])
    assert all(edge["subject"] in node_ids and edge["object"] in node_ids and edge["publications"] and edge["supporting_text"]
               for edge in edges)
    assert sum(len(edge["id"].split(":", 1)[1].split("+")) for edge in edges) == RELATIONSHIP_ROWS  # every row in one edge
    negated = [edge for edge in edges if edge["negated"] == "True"]
    assert len(negated) == (pim.assertions()["refuting_sources"] > 0).sum()
    marchand = next(edge for edge in edges if edge["subject"] == "painimmune:treatments.tnf_inhibitor"
                    and edge["object"] == "painimmune:conditions.rheumatoid_arthritis")
    assert marchand["publications"] == "PMID:15995723" and marchand["predicate"] == "biolink:treats_or_applied_or_studied_to_treat"


def _is_predicate(slots: dict, name: str) -> bool:
    """A Biolink slot under 'related to' (the predicate hierarchy)."""
    seen = set()
    while name and name not in seen:
        if name == "related to":
            return True
        seen.add(name)
        name = (slots.get(name) or {}).get("is_a")
    return False


@pytest.fixture(scope="module")
def sssom(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tool_venv(tmp_path_factory, "sssom>=0.4,<0.5") / "sssom"


def test_sssom_export_validates_with_sssom_py(sssom, tmp_path):
    export("sssom", tmp_path)
    target = tmp_path / "painimmune.sssom.tsv"
    result = subprocess.run([str(sssom), "validate", str(target)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-2000:]
    mappings = read_tsv(target)
    tnf = {row["object_id"] for row in mappings if row["subject_id"] == "painimmune:mediators.tnf"}
    assert tnf == {value for value in pim.load("mediators").set_index("id").loc["tnf", ["hgnc_id", "uniprot_id", "mesh_id"]]}
    predicates = {(row["subject_id"], row["object_id"]): row["predicate_id"] for row in mappings}
    assert set(predicates.values()) == {"skos:exactMatch", "skos:closeMatch", "skos:broadMatch"}
    # A close match stays close: HPO's Dysesthesia for hyperalgesia, CL's leukocyte for immune cells.
    assert predicates[("painimmune:conditions.hyperalgesia", "HP:0012534")] == "skos:closeMatch"
    assert predicates[("painimmune:cell_types.immune_cell", "CL:0000738")] == "skos:closeMatch"
    assert predicates[("painimmune:conditions.fibromyalgia", "icd11.code:MG30.01")] == "skos:broadMatch"


def test_unknown_format_is_refused(tmp_path):
    with pytest.raises(ValueError, match="choose one of csv, json, parquet, sqlite, kgx, sssom"):
        export("xml", tmp_path)
