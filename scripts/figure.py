"""Draw the network of assertions into docs/network.svg (needs matplotlib: pip install ".[figure]").

    python scripts/figure.py               # write docs/network.svg
    python scripts/figure.py --out x.png   # any format matplotlib writes, e.g. to look at it

Four columns of nodes, one colour each: treatments, mediators, cell types, conditions. Each
assertion of `painimmune.assertions()` is one edge, coloured by the pair of node groups it links,
drawn in the line style of its strongest evidence level; refuted assertions are drawn in grey
with a cross at their middle. Nodes are ordered in each column to keep edges short. The SVG is
deterministic, so CI can check that the committed figure is current.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))  # draw this checkout's data, never an installed copy

import painimmune as pim  # noqa: E402

COLUMNS = ["treatments", "mediators", "cell_types", "conditions"]
TITLES = {"treatments": "treatments", "mediators": "mediators", "cell_types": "cell types", "conditions": "conditions"}
NODE_COLOURS = {"treatments": "#1b9e77", "mediators": "#d95f02", "cell_types": "#7570b3", "conditions": "#e7298a"}
EDGE_COLOURS = {
    "treatment_targets": "#1b9e77", "treatment_conditions": "#66a61e", "cell_mediators": "#d95f02",
    "mediator_interactions": "#a6761d", "cell_conditions": "#7570b3", "mediator_conditions": "#e6ab02",
}
LINE_STYLES = {  # strongest evidence level -> (line style, width)
    "established_clinical": ("-", 2.6), "clinical_trial": ("-", 1.8), "clinical_observation": ("-", 1.2),
    "preclinical": ((0, (5, 2)), 1.0), "expert_statement": ((0, (1, 1.5)), 0.9), "hypothesis": ((0, (4, 1.5, 1, 1.5)), 0.9),
}
OUT = ROOT / "docs" / "network.svg"


def layout(names: dict[str, dict[str, str]], edges: list[tuple[str, str, str, str]]) -> dict[tuple[str, str], tuple[float, float]]:
    """Node positions: x by column, y by a few rounds of barycentre ordering (deterministic)."""
    order = {table: sorted(names[table], key=lambda i: names[table][i].casefold()) for table in COLUMNS}
    neighbours: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for subject_type, subject_id, object_type, object_id in edges:
        neighbours.setdefault((subject_type, subject_id), []).append((object_type, object_id))
        neighbours.setdefault((object_type, object_id), []).append((subject_type, subject_id))
    for _ in range(8):
        position = {(t, i): rank / max(len(order[t]) - 1, 1) for t in COLUMNS for rank, i in enumerate(order[t])}
        for table in COLUMNS:
            def centre(entity: str, table: str = table) -> tuple[float, str]:
                linked = [position[n] for n in neighbours.get((table, entity), []) if n[0] != table]
                return (sum(linked) / len(linked) if linked else position[(table, entity)], entity)
            order[table] = sorted(order[table], key=centre)
    return {(t, i): (COLUMNS.index(t) * 3.0, 1 - rank / max(len(order[t]) - 1, 1)) for t in COLUMNS for rank, i in enumerate(order[t])}


def draw(out: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D
    from matplotlib.patches import FancyArrowPatch

    plt.rcParams.update({"svg.hashsalt": "painimmune", "svg.fonttype": "none", "font.family": "DejaVu Sans"})
    frames = {table: pim.load(table) for table in COLUMNS}
    names = {table: dict(zip(frames[table]["id"], frames[table]["name"])) for table in COLUMNS}
    view = pim.assertions()
    edges = [(r.subject_type, r.subject_id, r.object_type, r.object_id) for r in view.itertuples(index=False)]
    where = layout(names, edges)

    fig, ax = plt.subplots(figsize=(16, 13))
    for row in view.itertuples(index=False):
        (x1, y1), (x2, y2) = where[(row.subject_type, row.subject_id)], where[(row.object_type, row.object_id)]
        style, width = LINE_STYLES[row.strongest_evidence_level]
        refuted = row.supporting_sources == 0
        colour = "#888888" if refuted else EDGE_COLOURS[row.table]
        bend = 0.35 if x1 == x2 else (0.08 if abs(x2 - x1) > 3 else 0.0)  # arcs within a column and across two
        ax.add_patch(FancyArrowPatch((x1, y1), (x2, y2), connectionstyle=f"arc3,rad={bend}", arrowstyle="-",
                                     linestyle=style, linewidth=width, color=colour, alpha=0.75, zorder=1))
        if refuted:
            ax.plot([(x1 + x2) / 2], [(y1 + y2) / 2], marker="x", color="#444444", markersize=7, zorder=3)
    for table in COLUMNS:
        for entity, label in names[table].items():
            x, y = where[(table, entity)]
            ax.scatter([x], [y], s=70, color=NODE_COLOURS[table], edgecolor="white", linewidth=0.8, zorder=2)
            left = table in ("treatments",)
            ax.text(x - 0.12 if left else x + 0.12, y, label, ha="right" if left else "left", va="center", fontsize=8.5, zorder=4,
                    bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.85, "pad": 0.6})
        ax.text(COLUMNS.index(table) * 3.0, 1.05, TITLES[table], ha="center", fontsize=12, fontweight="bold", color=NODE_COLOURS[table])

    level_handles = [Line2D([], [], color="#333333", linestyle=LINE_STYLES[level][0], linewidth=LINE_STYLES[level][1],
                            label=level.replace("_", " ")) for level in LINE_STYLES]
    level_handles.append(Line2D([], [], color="#888888", marker="x", markeredgecolor="#444444", label="refuted only"))
    relation_handles = [Line2D([], [], color=colour, linewidth=2, label=table.replace("_", " ")) for table, colour in EDGE_COLOURS.items()]
    first = ax.legend(handles=level_handles, title="strongest evidence", loc="upper left", bbox_to_anchor=(0.0, -0.01),
                      ncol=4, fontsize=9, frameon=False)
    ax.add_artist(first)
    ax.legend(handles=relation_handles, title="relation table", loc="upper right", bbox_to_anchor=(1.0, -0.01), ncol=2,
              fontsize=9, frameon=False)
    ax.set_title(f"painimmune {pim.__version__}: {len(view)} assertions between treatments, mediators, cell types and conditions",
                 fontsize=13)
    ax.set_xlim(-2.2, 11.2)
    ax.set_ylim(-0.04, 1.09)
    ax.axis("off")
    fig.tight_layout()
    fig.savefig(out, metadata={"Date": None} if out.suffix == ".svg" else None, dpi=110)
    plt.close(fig)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT, help=f"file to write (default: {OUT.relative_to(ROOT)})")
    args = parser.parse_args(argv)
    try:
        draw(args.out)
    except ImportError as exc:
        print(f"figure: {exc}; install it with pip install '.[figure]'", file=sys.stderr)
        return 1
    print(f"wrote: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
