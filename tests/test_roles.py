"""A table's role comes from its schema, and everything that reads the package asks the package.

Adding a relationship table is: its schema (only its own fields: the shared ones come from
``schemas/shared/fields.json``), its CSV, its resource entry, its rows and a changelog line. The
test below does exactly that with a throwaway table and checks that the build, validation, the
views, the exports, the curation report and the figure all pick it up.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import sqlite3
from pathlib import Path

import pytest

import painimmune as pim
from conftest import ROOT, run_build, run_cli
from painimmune.package.composition import compose, shared_definitions
from painimmune.package.descriptor import DataPackage
from painimmune.package.schemas import field_names

QUOTE = "Neutrophils and macrophages release chemokines (e.g. CCL2) that recruit more immune cells"


def own_schema() -> dict:
    """The throwaway table's schema as a curator writes it: its own fields, keys and assertion only."""
    def entity(name: str, title: str) -> dict:
        return {"name": name, "type": "string", "title": title, "description": "cell_types.id", "constraints": {"required": True}}

    return {
        "$schema": "https://datapackage.org/profiles/2.0/tableschema.json",
        "fields": [
            entity("subject_cell_type_id", "Cell type"),
            {"name": "relation", "type": "string", "title": "Relation", "description": "How one cell type acts on the other.",
             "constraints": {"required": True, "enum": ["recruits"]}},
            entity("object_cell_type_id", "Recruited cell type"),
        ],
        "foreignKeys": [{"fields": [column], "reference": {"resource": "cell_types", "fields": ["id"]}}
                        for column in ("subject_cell_type_id", "object_cell_type_id")],
        "missingValues": [""],
        "assertion": {"subject": "subject_cell_type_id", "predicate": "relation", "object": ["object_cell_type_id"], "idPrefix": "ci"},
    }


def add_cell_interactions(package: Path) -> None:
    schema = own_schema()
    (package / "schemas" / "cell_interactions.json").write_text(json.dumps(schema, indent=2), encoding="utf-8")
    descriptor_path = package / "datapackage.json"
    descriptor = json.loads(descriptor_path.read_text(encoding="utf-8"))
    descriptor["resources"].append({
        "name": "cell_interactions", "type": "table", "title": "Cell interactions",
        "description": "One cell type acting on another, as one source states it.",
        "path": "tables/cell_interactions.csv", "scheme": "file", "format": "csv", "mediatype": "text/csv",
        "encoding": "utf-8", "schema": "schemas/cell_interactions.json"})
    descriptor_path.write_text(json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    # The columns are the composed schema's: the throwaway rows fill the shared ones as any row does.
    header = field_names(compose(schema, shared_definitions(DataPackage(package))))
    start = (package / "sources" / "tannenbaum.txt").read_text(encoding="utf-8").index(QUOTE)
    common = {"relation": "recruits", "object_cell_type_id": "immune_cell", "source_id": "tannenbaum", "quote": QUOTE,
              "quote_start": str(start), "object_mention": "immune cells", "cited_refs": "tannenbaum_ref3",
              "evidence_level_id": "expert_statement", "direction": "supports", "species_context_qualifier": "not_stated", "note": ""}
    rows = [{**common, "id": "ci0001", "subject_cell_type_id": "macrophage", "subject_mention": "macrophages"},
            {**common, "id": "ci0002", "subject_cell_type_id": "neutrophil", "subject_mention": "Neutrophils"}]
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, header, lineterminator="\n", restval="")
    writer.writeheader()
    writer.writerows(rows)
    (package / "tables" / "cell_interactions.csv").write_text(buffer.getvalue(), encoding="utf-8")
    with (package / "tables" / "relations.csv").open("a", encoding="utf-8") as relations:  # the new relation, mapped once
        relations.write("recruits,One cell type attracts the other to a site.,{subject} recruit{s} {object},"
                        "{subject} {does} not recruit {object},,,,biolink:affects,skos:broadMatch,"
                        "No verified RO relation for recruitment.\n")
    changelog = package / "CHANGELOG.md"
    text = changelog.read_text(encoding="utf-8")
    changelog.write_text(text.replace("### Data\n\n", "### Data\n\n- Table added: cell_interactions (2 rows).\n", 1), encoding="utf-8")


@pytest.fixture(scope="module")
def extended(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the checkout (package, docs, build) with a throwaway relationship table, built."""
    package = tmp_path_factory.mktemp("roles")
    for part in ("datapackage.json", "tables", "schemas", "sources", "curation", "reference", "docs", "CITATION.cff",
                 "CHANGELOG.md", ".zenodo.json"):
        source = ROOT / part
        if source.is_dir():
            shutil.copytree(source, package / part)
        else:
            shutil.copy2(source, package / part)
    add_cell_interactions(package)
    build = run_build(package)
    assert build.returncode == 0, build.stdout + build.stderr
    return package


def test_the_build_writes_the_shared_fields_into_the_new_schema_and_records_its_hash(extended):
    package = DataPackage(extended)
    assert package.relationship_tables[-1] == "cell_interactions"
    schema = package.schema("cell_interactions")
    assert [f["name"] for f in schema["fields"]][:4] == ["id", "subject_cell_type_id", "relation", "object_cell_type_id"]
    assert "quote" in field_names(schema) and schema["uniqueKeys"][0][-2:] == ["source_id", "quote"]
    assert package.resource("cell_interactions")["hash"].startswith("sha256:")
    check = run_build(extended, "--check")
    assert check.returncode == 0, check.stdout + check.stderr


def test_validation_checks_the_new_table(extended, tmp_path):
    assert run_cli("validate", extended).stdout.strip() == "valid"
    broken = tmp_path / "broken"
    shutil.copytree(extended, broken)
    path = broken / "tables" / "cell_interactions.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",neutrophil,", ",neutrophils,"), encoding="utf-8")
    result = run_cli("validate", broken)
    assert result.returncode == 1
    assert "cell_interactions: row ci0002: column subject_cell_type_id: value 'neutrophils': foreign-key" in result.stderr


def test_the_views_show_the_new_assertions(extended):
    view = pim.assertions(extended)
    mine = view[view["table"] == "cell_interactions"]
    assert sorted(mine["subject_id"]) == ["macrophage", "neutrophil"] and set(mine["object_type"]) == {"cell_types"}
    about = pim.about("macrophage", extended)
    recruits = [group for group in about["sections"][0]["groups"] if group["relation"] == "recruits"]
    assert recruits and recruits[0]["description"] == "macrophages recruit immune cells"  # the new relation's phrase
    assert [a["row_id"] for a in recruits[0]["assertions"]] == ["ci0001"]


def test_the_exports_carry_the_new_table(extended, tmp_path):
    from painimmune.export import export

    export("kgx", tmp_path / "kgx", extended)
    edges = (tmp_path / "kgx" / "edges.tsv").read_text(encoding="utf-8")
    assert "painimmune:cell_interactions" not in edges  # (node ids name entity tables, not relationship tables)
    recruits = [line for line in edges.splitlines() if "\tpainimmune:relations.recruits\t" in line]
    assert len(recruits) == 2 and all("\tbiolink:affects\t" in line for line in recruits)  # one edge per row
    export("sqlite", tmp_path / "sqlite", extended)
    with sqlite3.connect(tmp_path / "sqlite" / "painimmune.db") as connection:
        assert connection.execute("SELECT count(*) FROM cell_interactions").fetchone() == (2,)
    connection.close()


def test_the_report_and_the_figure_show_the_new_table(extended):
    report = (extended / "docs" / "curation-report.md").read_text(encoding="utf-8")
    before = len(pim.assertions().explode("row_ids"))
    tables = len(DataPackage(extended).relationship_tables)
    assert "| cell_interactions |" in report and f"{before + 2} assertions in {tables} relationship tables" in report
    figure = (extended / "docs" / "network.svg").read_text(encoding="utf-8")
    assert "cell interactions" in figure


def test_tests_parametrised_by_role_cover_every_table_of_that_role():
    """Tests that run once per table of a role take the list from the package, never from a list of their own."""
    package = DataPackage()
    assert set(package.entity_tables) | set(package.relationship_tables) | set(package.lookup_tables) == set(package.table_names)
    assert package.lookup_tables == ["evidence_levels", "directions", "species_contexts", "relations", "sources", "not_encoded",
                                     "withdrawn_rows"]


# ---- a new shared field is one edit ---------------------------------------------------------------

NEW_QUALIFIER = {"name": "sex_qualifier", "type": "string", "title": "Sex",
                 "description": "The sex the sentence names the finding in.", "constraints": {"enum": ["female", "male"]},
                 "qualifier": "biolink:sex_qualifier"}


@pytest.fixture(scope="module")
def with_new_qualifier(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the checkout whose shared fields gain one qualifier column, the data filled in one
    row (cc0010), and nothing else changed: no list of columns anywhere in the code is edited."""
    package = tmp_path_factory.mktemp("qualifier")
    for part in ("datapackage.json", "tables", "schemas", "sources", "curation", "reference", "docs", "CITATION.cff",
                 "CHANGELOG.md", ".zenodo.json"):
        source = ROOT / part
        (shutil.copytree if source.is_dir() else shutil.copy2)(source, package / part)
    fields_path = package / "schemas" / "shared" / "fields.json"
    shared = json.loads(fields_path.read_text(encoding="utf-8"))
    tail = shared["roles"]["relationship"]["tail"]
    tail.insert(next(i for i, f in enumerate(tail) if isinstance(f, dict) and f["name"] == "phase") + 1, NEW_QUALIFIER)
    fields_path.write_text(json.dumps(shared, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    descriptor = DataPackage(package)
    for table in descriptor.relationship_tables:
        header = field_names(compose(descriptor.schema(table), shared))
        path = package / "tables" / f"{table}.csv"
        rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
        for row in rows:
            row["sex_qualifier"] = "female" if row["id"] == "cc0010" else ""
        buffer = io.StringIO(newline="")
        writer = csv.DictWriter(buffer, header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        path.write_text(buffer.getvalue(), encoding="utf-8")
    build = run_build(package)
    assert build.returncode == 0, build.stdout + build.stderr
    return package


def test_a_new_shared_qualifier_reaches_every_view_and_export(with_new_qualifier, tmp_path):
    from painimmune.curate.worksheet import Finder
    from painimmune.export import export
    from painimmune.site import build_site

    package = with_new_qualifier
    assert run_cli("validate", package).stdout.strip() == "valid"
    assert "sex_qualifier" in Finder(package).columns  # the curation worksheet
    view = pim.assertions(package)  # the assertion view, where it is part of an assertion's key
    assert view.loc[view["row_ids"].map(lambda ids: "cc0010" in ids), "sex_qualifier"].tolist() == ["female"]
    export("kgx", tmp_path / "kgx", package)  # the knowledge graph, as the Biolink slot it declares
    edges = list(csv.DictReader(io.StringIO((tmp_path / "kgx" / "edges.tsv").read_text(encoding="utf-8")), delimiter="\t"))
    assert [edge["sex_qualifier"] for edge in edges if edge["sex_qualifier"]] == ["female"]
    about = pim.about("immune cells", package)  # about(), in words
    [row] = [a for s in about["sections"] for g in s["groups"] for a in g["assertions"] if a["row_id"] == "cc0010"]
    assert {"column": "sex_qualifier", "title": "Sex", "values": ["female"]} in row["qualifiers"]
    build_site(tmp_path / "site", package)  # the website's card of the row
    page = (tmp_path / "site" / "cell_types" / "immune_cell.html").read_text(encoding="utf-8")
    card = page[page.index('id="cc0010"'):]
    assert "<dt>Sex</dt><dd>female</dd>" in card[:card.index("</article>")]
