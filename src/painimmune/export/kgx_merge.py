"""Merge painimmune's KGX export with a neighbour's by KGX's own merge, offline:
``python -m painimmune.export.kgx_merge OURS THEIRS OUT``.

OURS is a folder written by ``painimmune export --format kgx``; THEIRS holds a KGX graph as TSV
(``nodes.tsv``, ``edges.tsv``) or JSON Lines (one ``*nodes.jsonl`` and one ``*edges.jsonl``, as
dismech's export writes them). Both are read by kgx with the Biolink Model of the installed
``biolink-model`` package (:func:`painimmune.export.kgx_check.offline`), merged by
``kgx.graph_operations.graph_merge.merge_all_graphs`` (nodes of one id become one node, their
categories, names and sources combined; edges kept), and the merged graph is written to OUT as KGX
TSV (``merged_nodes.tsv``, ``merged_edges.tsv``; OUT is checked as every output folder is:
:mod:`painimmune.destination`). It prints one JSON line saying how each node of THEIRS joins painimmune's graph: on its id
(``joined``), through a painimmune mapping edge (``mapped``: exact, close, narrow or broad match) or
an ``xref`` of a painimmune node (``xref``), or not at all (``apart``); and every merged node whose
categories lie on different branches of the Biolink hierarchy (``clashes``), which a graph user
would read as two things sharing an id, and every category that is not the Biolink Model's
(``unknown_categories``). Needs ``pip install "painimmune[kgx]"``.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from painimmune.destination import StagedOutput, check_output_folder
from painimmune.errors import PainimmuneError
from painimmune.export.biolink import ancestry, biolink_model
from painimmune.export.kgx_check import offline

COMMAND = "python -m painimmune.export.kgx_merge"  # what the output folder's marker names
NEEDS = "painimmune: this merge needs kgx and biolink-model: pip install 'painimmune[kgx]'"
USAGE = ("usage: python -m painimmune.export.kgx_merge OURS THEIRS OUT  (OURS: a painimmune KGX export; THEIRS: a KGX graph "
         "as TSV or JSON Lines; OUT receives the merged graph)")
MATCHES = ("biolink:exact_match", "biolink:close_match", "biolink:narrow_match", "biolink:broad_match")


def merge(ours: Path, theirs: Path, out: Path) -> dict[str, Any]:
    """Merge the KGX exports in *ours* and *theirs* with kgx, write the result to *out*
    (``merged_nodes.tsv``, ``merged_edges.tsv``) and say how *theirs* joins *ours* (module docstring)."""
    offline(ours)
    from kgx.graph_operations.graph_merge import merge_all_graphs
    from kgx.transformer import Transformer

    logging.getLogger("KGX").setLevel(logging.WARNING)  # (kgx reports each step on stdout; the report is the output)

    transformers = []
    for folder in (ours, theirs):
        files, form = graph_files(folder) or ([], "")
        transformer = Transformer()
        transformer.transform(input_args={"filename": [str(file) for file in files], "format": form})
        transformers.append(transformer)
    graphs = [transformer.store.graph for transformer in transformers]
    their_nodes = {node for node, _ in graphs[1].nodes(data=True)}
    our_nodes = {node: dict(data) for node, data in graphs[0].nodes(data=True)}
    mapping = [(subject, data["predicate"], object_) for subject, object_, data in graphs[0].edges(data=True)
               if data.get("predicate") in MATCHES]
    merged = merge_all_graphs(graphs, preserve=True)
    writer = transformers[0]
    writer.store.graph = merged
    with StagedOutput(out, COMMAND, None) as staging:  # (checked before anything was read: main)
        writer.save(output_args={"filename": str(staging.root / "merged"), "format": "tsv",
                                 "node_properties": {key for t in transformers for key in t.store.node_properties},
                                 "edge_properties": {key for t in transformers for key in t.store.edge_properties}})
    return _report(their_nodes, our_nodes, mapping, {node: data.get("category", []) for node, data in merged.nodes(data=True)})


def graph_files(folder: Path) -> tuple[list[Path], str] | None:
    """The nodes and edges files of the KGX graph in *folder* and their kgx format: ``nodes.tsv``
    and ``edges.tsv``, or one ``*nodes.jsonl`` and one ``*edges.jsonl`` (as dismech's export writes
    ``kgx_export_nodes.jsonl``); None when it holds neither pair."""
    if (folder / "nodes.tsv").is_file() and (folder / "edges.tsv").is_file():
        return [folder / "nodes.tsv", folder / "edges.tsv"], "tsv"
    nodes, edges = sorted(folder.glob("*nodes.jsonl")), sorted(folder.glob("*edges.jsonl"))
    if len(nodes) == 1 and len(edges) == 1 and nodes[0].is_file() and edges[0].is_file():
        return [nodes[0], edges[0]], "jsonl"
    return None


def _report(theirs: set[str], ours: dict[str, dict[str, Any]], mapping: list[tuple[str, str, str]],
            categories: dict[str, list[str]]) -> dict[str, Any]:
    """How each node of the neighbour's graph joins painimmune's, and the merged nodes whose categories clash."""
    entities = {node for node, data in ours.items() if data.get("description")}  # (the terms they map to have none)
    report: dict[str, Any] = {"joined": [], "mapped": {}, "xref": {}, "apart": [], "clashes": {}}
    xrefs = {curie: node for node, data in ours.items() for curie in _values(data.get("xref"))}
    for node in sorted(theirs):
        links = [f"{subject} {predicate} {object_}" for subject, predicate, object_ in mapping
                 if node in (subject, object_) and {subject, object_} & entities]
        if node in entities:
            report["joined"].append(node)
        elif links:
            report["mapped"][node] = links
        elif node in xrefs:
            report["xref"][node] = xrefs[node]
        else:
            report["apart"].append(node)
    known = biolink_model()["classes"]
    report["unknown_categories"] = {}
    for node, found in categories.items():
        values = sorted(_values(found))
        unknown = [category for category in values if category not in known]
        if unknown:
            report["unknown_categories"][node] = unknown
        if _clash([category for category in values if category in known]):
            report["clashes"][node] = values
    return report


def _values(value: Any) -> Iterable[str]:
    return [value] if isinstance(value, str) else list(value or [])


def _clash(categories: list[str]) -> bool:
    """Whether two of *categories* (classes of the Biolink Model) lie on different branches (neither
    descends from the other)."""
    return any(a not in ancestry(b) and b not in ancestry(a) for a in categories for b in categories)


def main(argv: list[str] | None = None) -> int:
    """Run the merge on the folders named in *argv*; the exit status (0, or 1 when a node clashes)."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 3 or args[0] in ("-h", "--help"):
        print(USAGE, file=sys.stderr)
        return 0 if args and args[0] in ("-h", "--help") else 2
    ours, theirs, out = (Path(arg) for arg in args)
    if not (ours / "context.jsonld").is_file() or graph_files(ours) != ([ours / "nodes.tsv", ours / "edges.tsv"], "tsv"):
        print(f"painimmune: {ours}: no nodes.tsv, edges.tsv and context.jsonld (write them with painimmune export --format kgx)",
              file=sys.stderr)
        return 1
    if graph_files(theirs) is None:
        print(f"painimmune: {theirs}: no KGX graph (nodes.tsv and edges.tsv, or one *nodes.jsonl and one *edges.jsonl)", file=sys.stderr)
        return 1
    try:
        check_output_folder(out, COMMAND, None)
    except PainimmuneError as exc:
        print(f"painimmune: {exc}", file=sys.stderr)
        return 1
    try:
        import kgx  # noqa: F401
    except ImportError:
        print(NEEDS, file=sys.stderr)
        return 1
    try:
        report = merge(ours, theirs, out)
    except Exception as exc:  # noqa: BLE001 (kgx raises what its readers raise: said in one line, not a traceback)
        print(f"painimmune: kgx could not merge {ours} and {theirs}: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(report, sort_keys=True))
    return 1 if report["clashes"] else 0


if __name__ == "__main__":
    sys.exit(main())
