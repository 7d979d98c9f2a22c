"""docs/network.svg: the network of assertions, drawn with matplotlib (``pip install ".[figure]"``).

    python scripts/figure.py --out x.png   # any format matplotlib writes, e.g. to look at it

One column of nodes per entity table, ordered so that assertions run from left to right as far as
the relationship tables allow (treatments, then cell types and mediators, then conditions), each
column in its own colour. Each assertion of :func:`painimmune.assertions` is one edge, coloured by
its relationship table and drawn in the line style of its strongest evidence level (solid and thick
for the strongest ranks, thinner and broken for the weaker ones); assertions that are only refuted
are grey with a cross at their middle. Tables, their colours and the evidence ranks all come from
the package, so a new table is drawn without a change here. The SVG is deterministic, so the build
can check that the committed figure is current.
"""

from __future__ import annotations

import argparse
import io
import sys
from functools import partial
from pathlib import Path

from painimmune.destination import check_output_file
from painimmune.errors import PainimmuneError
from painimmune.graph import assertions, entity_type
from painimmune.loader import load
from painimmune.output import OutputFolder
from painimmune.package.descriptor import DataPackage
from painimmune.package.schemas import assertion_columns, entity_labels

FIGURE = "docs/network.svg"
# Colour-blind-safe qualitative palettes (ColorBrewer Dark2 for nodes, Set2-like for edges), taken in order.
NODE_PALETTE = ["#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#666666"]
EDGE_PALETTE = ["#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#1f78b4", "#b15928", "#6a3d9a"]
# Line style and width by evidence rank (1 strongest); ranks beyond the list take its last entry.
RANK_STYLES = [("-", 2.6), ("-", 1.8), ("-", 1.2), ((0, (5, 2)), 1.0), ((0, (1, 1.5)), 0.9), ((0, (4, 1.5, 1, 1.5)), 0.9)]
REFUTED = "#888888"


def column_order(package: DataPackage) -> list[str]:
    """The entity tables as columns: each placed after the tables whose assertions point at it
    (a topological order of subject table -> object table; descriptor order breaks ties and cycles)."""
    tables = package.entity_tables
    before: dict[str, set[str]] = {table: set() for table in tables}
    for name in package.relationship_tables:
        roles = assertion_columns(package.schema(name))
        subject = entity_type(package, name, roles.subject)
        for column in roles.objects:
            target = entity_type(package, name, column)
            if target != subject:
                before[target].add(subject)
    order: list[str] = []
    while len(order) < len(tables):
        ready = [t for t in tables if t not in order and before[t] <= set(order)]
        order.append(ready[0] if ready else next(t for t in tables if t not in order))
    return order


def layout(columns: list[str], names: dict[str, dict[str, str]],
           edges: list[tuple[str, str, str, str]]) -> dict[tuple[str, str], tuple[float, float]]:
    """Node positions: x by column, y by a few rounds of barycentre ordering (deterministic)."""
    order = {table: sorted(names[table], key=lambda i: names[table][i].casefold()) for table in columns}
    neighbours: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for subject_type, subject_id, object_type, object_id in edges:
        neighbours.setdefault((subject_type, subject_id), []).append((object_type, object_id))
        neighbours.setdefault((object_type, object_id), []).append((subject_type, subject_id))
    for _ in range(8):
        position = {(t, i): rank / max(len(order[t]) - 1, 1) for t in columns for rank, i in enumerate(order[t])}
        for table in columns:
            order[table] = sorted(order[table], key=partial(_centre, table=table, position=position, neighbours=neighbours))
    return {(t, i): (columns.index(t) * 3.0, 1 - rank / max(len(order[t]) - 1, 1)) for t in columns for rank, i in enumerate(order[t])}


def _centre(entity: str, table: str, position: dict[tuple[str, str], float],
            neighbours: dict[tuple[str, str], list[tuple[str, str]]]) -> tuple[float, str]:
    """The mean position of *entity*'s neighbours in other columns (its own where it has none)."""
    linked = [position[n] for n in neighbours.get((table, entity), []) if n[0] != table]
    return (sum(linked) / len(linked) if linked else position[(table, entity)], entity)


def render(package: DataPackage, image_format: str = "svg") -> bytes:
    """The figure of *package* in *image_format*.

    Raises:
        ImportError: matplotlib is not installed.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D
    from matplotlib.patches import FancyArrowPatch

    plt.rcParams.update({"svg.hashsalt": "painimmune", "svg.fonttype": "none", "font.family": "DejaVu Sans"})
    columns = column_order(package)
    node_colours = dict(zip(columns, NODE_PALETTE, strict=False))
    edge_colours = dict(zip(package.relationship_tables, EDGE_PALETTE, strict=False))
    names = {table: dict(zip(frame["id"], frame["name"], strict=True)) for table in columns for frame in [load(table, package.root)]}
    levels = load("evidence_levels", package.root).sort_values("rank")
    styles = {level: RANK_STYLES[min(rank, len(RANK_STYLES)) - 1] for level, rank in zip(levels["id"], levels["rank"], strict=True)}
    view = assertions(package.root)
    edges = [(r.subject_type, r.subject_id, r.object_type, r.object_id) for r in view.itertuples(index=False)]
    where = layout(columns, names, edges)

    fig, ax = plt.subplots(figsize=(16, 13))
    for row in view.itertuples(index=False):
        (x1, y1), (x2, y2) = where[(row.subject_type, row.subject_id)], where[(row.object_type, row.object_id)]
        style, width = styles[row.strongest_evidence_level]
        refuted = row.supporting_sources == 0
        colour = REFUTED if refuted else edge_colours[row.table]
        bend = 0.35 if x1 == x2 else (0.08 if abs(x2 - x1) > 3 else 0.0)  # arcs within a column and across two
        ax.add_patch(FancyArrowPatch((x1, y1), (x2, y2), connectionstyle=f"arc3,rad={bend}", arrowstyle="-",
                                     linestyle=style, linewidth=width, color=colour, alpha=0.75, zorder=1))
        if refuted:
            ax.plot([(x1 + x2) / 2], [(y1 + y2) / 2], marker="x", color="#444444", markersize=7, zorder=3)
    for table in columns:
        for entity, label in names[table].items():
            x, y = where[(table, entity)]
            ax.scatter([x], [y], s=70, color=node_colours[table], edgecolor="white", linewidth=0.8, zorder=2)
            left = table == columns[0]
            ax.text(x - 0.12 if left else x + 0.12, y, label, ha="right" if left else "left", va="center", fontsize=8.5, zorder=4,
                    bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.85, "pad": 0.6})
        title = entity_labels(package.schema(table)).plural
        ax.text(columns.index(table) * 3.0, 1.05, title, ha="center", fontsize=12, fontweight="bold", color=node_colours[table])

    level_handles = [Line2D([], [], color="#333333", linestyle=styles[level][0], linewidth=styles[level][1], label=label)
                     for level, label in zip(levels["id"], levels["label"], strict=True)]
    level_handles.append(Line2D([], [], color=REFUTED, marker="x", markeredgecolor="#444444", label="refuted only"))
    relation_handles = [Line2D([], [], color=colour, linewidth=2, label=table.replace("_", " ")) for table, colour in edge_colours.items()]
    first = ax.legend(handles=level_handles, title="strongest evidence", loc="upper left", bbox_to_anchor=(0.0, -0.01),
                      ncol=4, fontsize=9, frameon=False)
    ax.add_artist(first)
    ax.legend(handles=relation_handles, title="relation table", loc="upper right", bbox_to_anchor=(1.0, -0.01), ncol=2,
              fontsize=9, frameon=False)
    plurals = ", ".join(entity_labels(package.schema(table)).plural for table in columns)
    ax.set_title(f"painimmune {package.version}: {len(view)} assertions between {plurals}", fontsize=13)
    ax.set_xlim(-2.2, (len(columns) - 1) * 3.0 + 2.2)
    ax.set_ylim(-0.04, 1.09)
    ax.axis("off")
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format=image_format, metadata={"Date": None} if image_format == "svg" else None, dpi=110)
    plt.close(fig)
    return buffer.getvalue()


def main(argv: list[str] | None = None, default_root: Path | None = None) -> int:
    """The ``scripts/figure.py`` command: draw the figure into a file of any format matplotlib writes."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="file to write, e.g. network.png")
    parser.add_argument("--root", type=Path, default=default_root or Path.cwd(), help="package directory")
    args = parser.parse_args(argv)
    try:
        target = check_output_file(args.out, None, "figure", lambda head: True)  # (not into a system folder)
        content = render(DataPackage(args.root), args.out.suffix.lstrip(".") or "svg")
        OutputFolder(target.parent).write_bytes(target.name, content)
    except ImportError as exc:
        print(f"figure: {exc}; install it with pip install '.[figure]'", file=sys.stderr)
        return 1
    except PainimmuneError as exc:
        print(f"figure: {exc}", file=sys.stderr)
        return 1
    print(f"wrote: {args.out}")
    return 0
