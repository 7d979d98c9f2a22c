"""The KGX graph joins its neighbours': mapping edges, term nodes, genes of proteins, and node
categories that agree with node ids (issue 23)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import painimmune as pim
from conftest import ROOT, read_tsv, run_cli, tool_venv
from painimmune.errors import DataError
from painimmune.export import biolink, export, kgx
from painimmune.output import OutputFolder
from painimmune.package.descriptor import DataPackage
from painimmune.package.schemas import mapping_columns
from rows import edit_rows, refresh_hash

MATCHES = {"skos:exactMatch": "biolink:exact_match", "skos:closeMatch": "biolink:close_match",
           "skos:narrowMatch": "biolink:narrow_match", "skos:broadMatch": "biolink:broad_match"}


@pytest.fixture(scope="module")
def graph(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, dict[str, str]], list[dict[str, str]]]:
    out = tmp_path_factory.mktemp("kgx")
    export("kgx", out)
    return {node["id"]: node for node in read_tsv(out / "nodes.tsv")}, read_tsv(out / "edges.tsv")


def entity_node(nodes: dict[str, dict[str, str]], table: str, entity: str) -> str:
    local = f"painimmune:{table}.{entity}"
    return next(node_id for node_id, node in nodes.items() if node_id == local or local in node["xref"].split("|"))


def test_every_mapping_of_every_entity_is_an_edge_and_every_exact_id_an_xref(graph):
    nodes, edges = graph
    stated = {(edge["subject"], edge["predicate"], edge["object"]): edge for edge in edges}
    package = DataPackage()
    count = 0
    for table in package.entity_tables:
        columns = mapping_columns(package.schema(table))
        for row in pim.load(table).to_dict("records"):
            node = entity_node(nodes, table, row["id"])
            for column, skos in columns.items():
                if skos not in MATCHES:
                    continue
                value = row[column]
                for curie in value if isinstance(value, list) else [value] if isinstance(value, str) else []:
                    if curie == node:
                        continue
                    predicate = MATCHES[skos]
                    inverse = biolink.biolink_model()["canonical_inverses"].get(predicate)  # narrow_match: the canonical broad_match
                    edge = stated[(curie, inverse, node)] if inverse else stated[(node, predicate, curie)]
                    assert (edge["original_predicate"], edge["knowledge_level"], edge["agent_type"]) == \
                        (skos, "knowledge_assertion", "manual_agent")
                    assert curie in nodes  # the term is a node: the edge leads somewhere a merge can join
                    if skos == "skos:exactMatch":
                        assert curie in nodes[node]["xref"].split("|")
                    count += 1
    assert count > 80


def test_the_concepts_the_issue_names_now_join(graph):
    nodes, edges = graph
    stated = {(edge["subject"], edge["predicate"], edge["object"]) for edge in edges}
    # CRPS: the sources say only 'CRPS'; graphs keyed on its types reach it by narrow matches,
    # stated the canonical way round as Biolink asks (the narrower term broad_match CRPS).
    assert ("MONDO:0011441", "biolink:broad_match", "MONDO:0019369") in stated
    assert ("MONDO:0020572", "biolink:broad_match", "MONDO:0019369") in stated
    assert (nodes["MONDO:0011441"]["category"], nodes["MONDO:0011441"]["name"]) == \
        ("biolink:Disease", "complex regional pain syndrome type 1")
    # Immune cells reach leukocyte, NSAIDs the NSAID therapy, corticosteroids glucocorticoid.
    assert (entity_node(nodes, "cell_types", "immune_cell"), "biolink:close_match", "CL:0000738") in stated
    assert (entity_node(nodes, "treatments", "nsaid"), "biolink:close_match", "MAXO:0000221") in stated
    assert ("CHEBI:24261", "biolink:broad_match", entity_node(nodes, "treatments", "corticosteroid")) in stated
    # A protein and its gene: the gene a node of its own, the relation stated the canonical way.
    assert ("UniProtKB:P01375", "biolink:gene_product_of", "HGNC:11892") in stated
    assert (nodes["HGNC:11892"]["category"], nodes["HGNC:11892"]["name"]) == ("biolink:Gene", "TNF")
    assert "HGNC:11892" not in nodes["UniProtKB:P01375"]["xref"]  # a gene is no exact match of a protein


def test_every_node_category_agrees_with_its_id(graph):
    nodes, _ = graph
    assert all(biolink.admits(node["category"], node_id) for node_id, node in nodes.items())
    # Arthritis: a disease in the tables, HP's term a phenotypic feature; the entity keeps its own
    # id and reaches the HP node by an exact match, so no node is both.
    arthritis = entity_node(nodes, "conditions", "arthritis")
    assert arthritis == "painimmune:conditions.arthritis" and nodes[arthritis]["category"] == "biolink:Disease"
    assert nodes["HP:0001369"]["category"] == "biolink:PhenotypicFeature"
    assert not {node["category"] for node_id, node in nodes.items() if node_id.startswith("HP:")} & {"biolink:Disease"}
    assert {node["category"] for node_id, node in nodes.items() if node_id.startswith("MONDO:")} <= {
        "biolink:Disease", "biolink:DiseaseOrPhenotypicFeature"}


def test_the_rule_of_categories_and_ids():
    assert biolink.admits("biolink:PhenotypicFeature", "HP:0001369")
    assert biolink.admits("biolink:DiseaseOrPhenotypicFeature", "HP:0012532")  # an ancestor of HP's category
    assert not biolink.admits("biolink:Disease", "HP:0001369")  # Biolink lists HP for Disease, but HP terms are phenotypes
    assert not biolink.admits("biolink:PhenotypicFeature", "MONDO:0019369")
    assert biolink.admits("biolink:Drug", "CHEBI:35475") and not biolink.admits("biolink:Treatment", "CHEBI:25681")
    assert not biolink.admits("biolink:Procedure", "MESH:D010951")  # Biolink: procedures are CPT or MAXO
    assert biolink.admits("biolink:Treatment", "MAXO:0000088") and biolink.admits("biolink:Disease", "painimmune:conditions.x")
    with pytest.raises(DataError, match=r"the node HP:0001369 cannot be a biolink:Disease \(HP terms are biolink:PhenotypicFeature"):
        biolink.check_node("biolink:Disease", "HP:0001369")


def test_the_exporter_refuses_a_node_whose_category_contradicts_its_id(monkeypatch, tmp_path):
    monkeypatch.setattr(kgx, "node_id", lambda category, local, xrefs: xrefs[0] if xrefs else local)  # ids chosen blindly
    with pytest.raises(DataError, match=r"refused: the node \S+ cannot be a biolink:\w+ \("):
        kgx.write_kgx(DataPackage(), OutputFolder(tmp_path))
    assert not list(tmp_path.iterdir())


def test_a_gene_whose_record_names_another_protein_is_refused(package_copy, tmp_path):
    """Validation already refuses a gene whose label is not the mediator's (xref-label); the exporter
    states a gene-product relation only where the gene's verified record names the protein."""
    with edit_rows(package_copy, "mediators") as rows:
        rows.set("tnf", hgnc_id="HGNC:5992")  # IL1B's gene, whose HGNC record names IL-1β's UniProtKB entry
    refresh_hash(package_copy, "mediators")
    assert "xref-label" in run_cli("validate", package_copy).stderr
    with pytest.raises(DataError, match=r"mediators tnf: the verified record of HGNC:5992 names none of .*UniProtKB:P01375.*"
                                        r"biolink:gene_product_of is not stated"):
        kgx.write_kgx(DataPackage(package_copy), OutputFolder(tmp_path / "out"))


def test_sssom_carries_narrow_matches_and_genes_as_related(tmp_path):
    export("sssom", tmp_path)
    rows = read_tsv(tmp_path / "painimmune.sssom.tsv")
    by_object = {(row["subject_id"], row["object_id"]): row["predicate_id"] for row in rows}
    assert by_object[("painimmune:conditions.crps", "MONDO:0011441")] == "skos:narrowMatch"
    assert by_object[("painimmune:treatments.corticosteroid", "CHEBI:24261")] == "skos:narrowMatch"
    assert by_object[("painimmune:mediators.tnf", "HGNC:11892")] == "skos:relatedMatch"
    assert by_object[("painimmune:mediators.tnf", "UniProtKB:P01375")] == "skos:exactMatch"


def test_narrow_matches_are_documented_where_they_are_recorded():
    crps = pim.load("conditions").set_index("id").loc["crps"]
    assert crps["narrow_matches"] == ["MONDO:0011441", "MONDO:0020572"] and "narrow match" in crps["note"]
    assert "narrow_matches" in (ROOT / "docs" / "data-dictionary.md").read_text(encoding="utf-8")


PEER = ROOT / "tests" / "data" / "dismech"


@pytest.fixture(scope="module")
def kgx_tool(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tool_venv(tmp_path_factory, "kgx>=2.6,<3", f"biolink-model=={biolink.biolink_model()['version']}") / "python"


@pytest.mark.tools
def test_the_graph_merged_with_the_peers_by_kgx_joins_every_shared_concept(kgx_tool, tmp_path, offline):
    """painimmune's KGX merged with a pinned snapshot of monarch-initiative/dismech's (its entries for
    CRPS type 1, fibromyalgia, RA, OA, Guillain-Barré syndrome and MS) by kgx's own merge, offline:
    every concept the two share joins on a node id or through a painimmune mapping edge, and no
    merged node's categories lie on different branches of Biolink."""
    env, log = offline
    export("kgx", tmp_path / "kgx")
    env = {**env, "PYTHONPATH": os.pathsep.join([env["PYTHONPATH"], str(ROOT / "src")])}
    result = subprocess.run([str(kgx_tool), "-m", "painimmune.export.kgx_merge", str(tmp_path / "kgx"), str(PEER), str(tmp_path / "merged")],
                            capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr[-3000:] + result.stdout[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["clashes"] == {} and report["unknown_categories"] == {}
    shared = read_tsv(PEER / "shared.tsv")
    ours = {node["id"]: node for node in read_tsv(tmp_path / "kgx" / "nodes.tsv")}
    for row in shared:
        table, entity = row["painimmune"].split(".")
        node = entity_node(ours, table, entity)
        if row["join"] == "id":
            assert node == row["peer_id"] and row["peer_id"] in report["joined"], row
        else:
            assert any(node in link.split(" ") for link in report["mapped"][row["peer_id"]]), (row, report["mapped"])
    assert not set(report["apart"]) & {row["peer_id"] for row in shared}
    merged = {node["id"]: node for node in read_tsv(tmp_path / "merged" / "merged_nodes.tsv")}
    assert set(merged["MONDO:0008383"]["provided_by"].split("|")) == {"infores:painimmune", "infores:dismech"}
    assert log.read_text() == ""  # no network


def test_the_merge_command_names_what_is_missing_in_one_line(tmp_path):
    export("kgx", tmp_path / "kgx")
    merge = "import sys; {} from painimmune.export.kgx_merge import main; sys.exit(main(sys.argv[1:]))"
    no_peer = subprocess.run([sys.executable, "-c", merge.format(""), str(tmp_path / "kgx"), str(tmp_path / "none"), str(tmp_path / "m")],
                             capture_output=True, text=True)
    assert (no_peer.returncode, no_peer.stderr.strip()) == \
        (1, f"painimmune: {tmp_path / 'none'}: no KGX graph (nodes.tsv and edges.tsv, or one *nodes.jsonl and one *edges.jsonl)")
    no_kgx = subprocess.run([sys.executable, "-c", merge.format("sys.modules['kgx'] = None;"), str(tmp_path / "kgx"), str(PEER),
                             str(tmp_path / "m")], capture_output=True, text=True)
    assert (no_kgx.returncode, no_kgx.stderr.strip()) == (1, "painimmune: this merge needs kgx and biolink-model: pip install 'painimmune[kgx]'")
    for out, why in (("/", "is the file-system root"), (str(tmp_path / "kgx"), "it is an earlier output of `painimmune export --format kgx`")):
        refused = subprocess.run([sys.executable, "-c", merge.format(""), str(tmp_path / "kgx"), str(PEER), out], capture_output=True,
                                 text=True)
        assert refused.returncode == 1 and refused.stderr.startswith(f"painimmune: {out}: refused as an output folder") and \
            why in refused.stderr and len(refused.stderr.strip().splitlines()) == 1, refused.stderr
    usage = subprocess.run([sys.executable, "-m", "painimmune.export.kgx_merge"], capture_output=True, text=True)
    assert usage.returncode == 2 and usage.stderr.startswith("usage: python -m painimmune.export.kgx_merge OURS THEIRS OUT")
    assert not (tmp_path / "m").exists()
