"""A picture of an entity's neighbourhood, drawn at build time as an SVG with no script.

The entity sits in the middle; each entity its own rows relate it to sits on a circle around it,
joined by a line: solid where the rows support the relation, dashed (and its label marked ✕) where a
row refutes it. Each neighbour is a link to its page and its line is labelled with the relation
in words. The picture repeats what the page says in its list of rows; it adds nothing. A circle is
drawn by hand here (a few lines of trigonometry) rather than with a graph-layout library, which
would be a heavy dependency for a star.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from painimmune.escape import html

WIDTH, HEIGHT = 640, 420
RADIUS_X, RADIUS_Y = 230, 150
MAX_NEIGHBOURS = 16
LABEL_CHARACTERS = 28


@dataclass(frozen=True)
class Neighbour:
    """One entity joined to the centre: its name, page address, the relation in words, and whether
    any row refutes it."""

    name: str
    url: str
    relation: str
    refutes: bool


def _cut(text: str, limit: int = LABEL_CHARACTERS) -> str:
    """*text*, cut to *limit* characters with an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def svg(centre: str, neighbours: list[Neighbour], root: str) -> str:
    """The SVG of *centre* and its *neighbours* (at most :data:`MAX_NEIGHBOURS` drawn; the caption
    says how many are left out), with links relative to *root*. Every text is escaped.

    >>> picture = svg("TNF-α", [Neighbour("pain", "conditions/pain.html", "sustains", False)], "../")
    >>> picture.startswith("<svg") and 'href="../conditions/pain.html"' in picture and "TNF-α" in picture
    True
    """
    shown = neighbours[:MAX_NEIGHBOURS]
    cx, cy = WIDTH / 2, HEIGHT / 2
    parts = [f'<svg class="neighbourhood" viewBox="0 0 {WIDTH} {HEIGHT}" role="group" aria-labelledby="nb-title" '
             f'xmlns="http://www.w3.org/2000/svg"><title id="nb-title">{html(centre)} and the {len(neighbours)} '
             f'entities its rows relate it to</title>']
    for number, item in enumerate(shown):
        angle = 2 * math.pi * number / len(shown) - math.pi / 2
        x, y = cx + RADIUS_X * math.cos(angle), cy + RADIUS_Y * math.sin(angle)
        dash = ' stroke-dasharray="6 4"' if item.refutes else ""
        word = f"✕ {item.relation}" if item.refutes else item.relation
        parts.append(f'<line class="edge{" refutes" if item.refutes else ""}" x1="{cx:.0f}" y1="{cy:.0f}" x2="{x:.0f}" y2="{y:.0f}"{dash}/>')
        parts.append(f'<text class="relation" x="{(cx + x) / 2:.0f}" y="{(cy + y) / 2 - 4:.0f}" text-anchor="middle">{html(_cut(word, 22))}</text>')
        parts.append(f'<a href="{html(root + item.url)}"><text class="node" x="{x:.0f}" y="{y + 5:.0f}" text-anchor="middle">'
                     f'{html(_cut(item.name))}</text></a>')
    parts.append(f'<text class="centre" x="{cx:.0f}" y="{cy + 6:.0f}" text-anchor="middle">{html(_cut(centre, 44))}</text></svg>')
    return "".join(parts)
