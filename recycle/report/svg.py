"""Pure-Python SVG drawings of a route: the flowsheet and Sankey diagrams of mass flows.

No system binary (graphviz) and no JavaScript: nodes are laid out in columns by topological
generation (longest path from the feed) and ordered within a column by the barycentre of their
neighbours, which keeps crossings few for routes of tens of steps.

Flows are drawn in display units: kg per batch, or kg/h on a throughput basis
(:class:`recycle.report.Units`). Element flows are kg of the element (mol x molar mass of the
element, Cantera atomic weights).
"""
from __future__ import annotations

from dataclasses import dataclass
from html import escape

import networkx as nx
import numpy as np

from ..flows import edge_masses, node_kind
from ..flowsheet import FEED
from ..simulate import RouteResult
from . import Units

PHASE_COLOUR = {"gas": "#5b8fd6", "liquid": "#3aa39a", "solid": "#a07a4f", "none": "#b8b8b8"}
NODE_COLOUR = {"step": "#2f4b7c", "feed": "#222222", "product": "#2e8b57", "waste": "#b5651d",
               "stack": "#6b6b6b", "reagents": "#7a5aa6"}
FONT = "font-family:system-ui,-apple-system,'Segoe UI',Helvetica,Arial,sans-serif"


def node_label(node: str) -> str:
    """What a reader sees for a node: the step id, 'cells in' for the feed, the sink name."""
    if node == FEED:
        return "spent cells"
    return node.split(":", 1)[1] if ":" in node else node


def fmt_flow(value: float, unit: str) -> str:
    """A flow with 3 significant figures and its unit ('0' for exactly nothing)."""
    return f"0 {unit}" if value == 0 else f"{value:.3g} {unit}"


def is_waypoint(node: str) -> bool:
    """True for the invisible nodes that carry a long edge through a column."""
    return node.startswith("~")


def layout(graph: nx.DiGraph, extra_before: dict[str, str] | None = None
           ) -> tuple[list[list[str]], dict[tuple[str, str], list[str]]]:
    """Nodes in columns, left to right, ordered to reduce crossings; and each edge's path.

    A node's column is its topological generation. ``extra_before`` maps added nodes (e.g.
    reagent inflows) to the node they feed; each is placed one column before it. An edge that
    spans several columns passes through one waypoint node (see :func:`is_waypoint`) per
    column, so that it is routed between the boxes instead of through them (Sugiyama layout).
    Returns ``(columns, paths)`` with ``paths[(source, target)] = [source, waypoints..., target]``.
    """
    layer = {n: i for i, gen in enumerate(nx.topological_generations(graph)) for n in gen}
    g = graph.copy()
    for node, target in (extra_before or {}).items():
        layer[node] = max(layer[target] - 1, 0)
        g.add_edge(node, target)
    paths: dict[tuple[str, str], list[str]] = {}
    h = nx.DiGraph()
    h.add_nodes_from(g.nodes)  # insertion order: feed, steps as in the file, then sinks
    for s, t in g.edges:
        path = [s] + [f"~{s}~{t}~{k}" for k in range(layer[s] + 1, layer[t])] + [t]
        for k, w in enumerate(path[1:-1]):
            layer[w] = layer[s] + 1 + k
        nx.add_path(h, path)
        paths[(s, t)] = path
    cols: list[list[str]] = [[] for _ in range(max(layer.values()) + 1)]
    for n in h.nodes:
        cols[layer[n]].append(n)
    for _ in range(4):  # barycentre sweeps, down then up
        for neighbours in (h.predecessors, h.successors):
            rank = {n: (j + 0.5) / len(c) for c in cols for j, n in enumerate(c)}
            for c in cols:
                keys = {}
                for n in c:
                    near = [rank[m] for m in neighbours(n)]
                    keys[n] = float(np.mean(near)) if near else rank[n]
                c.sort(key=keys.get)
    return [c for c in cols if c], paths


@dataclass
class _Box:
    x: float
    y: float
    w: float
    h: float


def _svg_open(svg_id: str, width: float, height: float, title: str) -> list[str]:
    return [f'<svg id="{svg_id}" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height:.0f}" '
            f'width="{width:.0f}" height="{height:.0f}" style="max-width:100%;height:auto;{FONT}" '
            f'role="img" aria-label="{escape(title)}">', f"<title>{escape(title)}</title>"]


def _wrap(text: str, width: int = 20) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    return lines[:2] if len(lines) <= 2 else [lines[0], " ".join(lines[1:])[: width - 1] + "…"]


def _curve(x0: float, y0: float, x1: float, y1: float) -> str:
    """Path commands of a horizontal S-curve from the current point (x0, y0) to (x1, y1)."""
    xm = (x0 + x1) / 2
    return f"C{xm:.1f},{y0:.1f} {xm:.1f},{y1:.1f} {x1:.1f},{y1:.1f}"


def flowsheet_svg(result: RouteResult, svg_id: str = "flowsheet") -> str:
    """The route's flowsheet: boxes for the feed, steps and sinks, arrows labelled with flows.

    Gas streams are dashed blue, empty streams dotted; labels give the total mass flow of the
    stream (kg, or kg/h on a throughput basis).
    """
    units = Units(result.rate_basis)
    route = result.route
    flows = edge_masses(result)
    cols, paths = layout(route.graph)
    ports_out = {n: [paths[k][1] for k in flows if k[0] == n] for c in cols for n in c}
    ports_in = {n: [paths[k][-2] for k in flows if k[1] == n] for c in cols for n in c}
    bw, gap_x, gap_y, pad = 136.0, 86.0, 18.0, 16.0
    boxes: dict[str, _Box] = {}
    heights = []
    for i, col in enumerate(cols):
        y = pad + 10
        for n in col:
            if is_waypoint(n):
                h = 6.0
            else:
                h = max(44.0 if node_kind(n) in ("step", "feed") else 34.0,
                        16.0 * max(len(ports_out[n]), len(ports_in[n])) + 8)
            boxes[n] = _Box(pad + i * (bw + gap_x), y, bw, h)
            y += h + gap_y
        heights.append(y)
    height = max(heights) + pad
    for i, col in enumerate(cols):  # centre each column vertically
        for n in col:
            boxes[n].y += (height - heights[i]) / 2
    width = pad * 2 + len(cols) * bw + (len(cols) - 1) * gap_x
    parts = _svg_open(svg_id, width, height, f"Flowsheet of route {route.id}")
    parts.append(f'<defs><marker id="{svg_id}-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
                 'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#444"/></marker></defs>')

    def port_y(node: str, other: str, side: dict) -> float:
        b = boxes[node]
        others = sorted(side[node], key=lambda o: boxes[o].y + boxes[o].h / 2)
        return b.y + b.h * (others.index(other) + 1) / (len(others) + 1)

    labels = []
    for (s, t), (mass, phase) in flows.items():
        path = paths[(s, t)]
        x, y = boxes[s].x + bw, port_y(s, path[1], ports_out)
        d = [f"M{x:.1f},{y:.1f}"]
        for w in path[1:-1]:
            b = boxes[w]
            d += [_curve(x, y, b.x, b.y + b.h / 2), f"L{b.x + bw:.1f},{b.y + b.h / 2:.1f}"]
            x, y = b.x + bw, b.y + b.h / 2
        d.append(_curve(x, y, boxes[t].x - 2, port_y(t, path[-2], ports_in)))
        colour = PHASE_COLOUR[phase] if phase == "gas" else "#555"
        dash = ' stroke-dasharray="2 3"' if mass == 0 else ' stroke-dasharray="6 3"' if phase == "gas" else ""
        text = fmt_flow(mass, units.mass)
        parts.append(f'<path class="stream" d="{" ".join(d)}" fill="none" stroke="{colour}" stroke-width="1.6"{dash} '
                     f'marker-end="url(#{svg_id}-arrow)"><title>{escape(s)} → {escape(t)}: {text} ({phase})</title></path>')
        x0, y0 = boxes[s].x + bw, port_y(s, path[1], ports_out)
        labels.append(f'<text x="{x0 + 4:.1f}" y="{y0 - 3:.1f}" font-size="10" fill="#333" '
                      f'paint-order="stroke" stroke="#fff" stroke-width="3">{escape(text)}</text>')
    for n, bx in boxes.items():
        if is_waypoint(n):
            continue
        kind = node_kind(n)
        colour = NODE_COLOUR[kind]
        fill, ink = (colour, "#fff") if kind in ("step", "feed") else ("#fff", colour)
        parts.append(f'<g class="node {kind}"><rect x="{bx.x:.1f}" y="{bx.y:.1f}" width="{bx.w:.1f}" height="{bx.h:.1f}" '
                     f'rx="{4 if kind == "step" else 16}" fill="{fill}" stroke="{colour}" stroke-width="1.5">'
                     f'<title>{escape(n)}</title></rect>')
        lines = _wrap(node_label(n))
        sub = route.steps[n].type if kind == "step" else ("" if kind in ("feed", "stack") else kind)
        if sub and sub != lines[0] and len(lines) == 1:
            lines.append(f"({sub})")
        cy = bx.y + bx.h / 2 - 6.5 * (len(lines) - 1) + 4
        for k, line in enumerate(lines):
            parts.append(f'<text x="{bx.x + bw / 2:.1f}" y="{cy + 13 * k:.1f}" font-size="12" '
                         f'font-weight="{600 if k == 0 else 400}" text-anchor="middle" fill="{ink}">{escape(line)}</text>')
        parts.append("</g>")
    parts += labels + ["</svg>"]
    return "\n".join(parts)


def sankey_svg(result: RouteResult, element: str | None = None, svg_id: str = "sankey") -> str:
    """Sankey diagram: band widths proportional to the mass flow (or the flow of ``element``).

    Reagents (and air) a step takes in are drawn as inflows from a 'reagents' node beside it,
    so every step balances as it does in the model. Bands are coloured by the phase that
    carries most of the flow.
    """
    units = Units(result.rate_basis)
    what = f"{element} flows" if element else "Mass flows"
    flows = {k: v for k, v in edge_masses(result, element).items() if v[0] > 0}
    nodes = result.route.graph.nodes
    total_in = {n: sum(v for (s, t), (v, _) in flows.items() if t == n) for n in nodes}
    total_out = {n: sum(v for (s, t), (v, _) in flows.items() if s == n) for n in nodes}
    scale_ref = max([*total_in.values(), *total_out.values(), 0.0])
    if scale_ref <= 0:
        return "\n".join(_svg_open(svg_id, 400, 40, what) + [
            f'<text x="10" y="25" font-size="13">No {escape(element or "mass")} flows in this route.</text></svg>'])
    extra = {}
    for n in result.route.steps:
        delta = total_out[n] - total_in[n]
        if delta > 1e-6 * scale_ref:  # reagents and air taken in by the step
            extra[f"reagents:{n}"] = n
            flows[(f"reagents:{n}", n)] = (delta, "reagents")
    g = nx.DiGraph()
    g.add_nodes_from(n for n in nodes if total_in[n] + total_out[n] > 0)
    g.add_edges_from(k for k in flows if k[0] in nodes)
    cols, paths = layout(g, extra)
    segments = [(a, b, v, phase, k) for k, (v, phase) in flows.items()
                for a, b in zip(paths[k][:-1], paths[k][1:])]
    value = {n: max(sum(v for a, b, v, *_ in segments if b == n), sum(v for a, b, v, *_ in segments if a == n))
             for c in cols for n in c}
    nw, col_gap, gap, pad, avail = 14.0, 190.0, 20.0, 24.0, 480.0
    scale = min((avail - gap * (len(c) - 1)) / max(sum(value[n] for n in c), 1e-300) for c in cols)
    h_of = {n: max(value[n] * scale, 1.0) for n in value}
    y_of: dict[str, float] = {}
    col_h = []
    for c in cols:
        y = pad + 10
        for n in c:
            y_of[n] = y
            y += h_of[n] + (gap / 3 if is_waypoint(n) else gap)
        col_h.append(y)
    height = max(col_h) + pad
    x_of = {n: pad + i * col_gap for i, c in enumerate(cols) for n in c}
    width = pad * 2 + (len(cols) - 1) * col_gap + nw + 190
    parts = _svg_open(svg_id, width, height, f"{what} through route {result.route.id} ({units.mass})")
    start = {}
    out_used = {n: 0.0 for n in value}
    for a, b, v, _phase, k in sorted(segments, key=lambda sg: (y_of[sg[0]], y_of[sg[1]])):
        start[(a, b, k)] = y_of[a] + out_used[a]
        out_used[a] += v * scale
    in_used = {n: 0.0 for n in value}
    for a, b, v, phase, k in sorted(segments, key=lambda sg: (y_of[sg[1]], start[(sg[0], sg[1], sg[4])])):
        ys, yt, w = start[(a, b, k)], y_of[b] + in_used[b], max(v * scale, 0.6)
        in_used[b] += v * scale
        x0, x1 = x_of[a] + (0 if is_waypoint(a) else nw), x_of[b] + (nw if is_waypoint(b) else 0)
        colour = NODE_COLOUR["reagents"] if phase == "reagents" else PHASE_COLOUR[phase]
        label = f"{node_label(k[0])} → {node_label(k[1])}: {fmt_flow(v, units.mass)}"
        parts.append(f'<path class="band" d="M{x0:.1f},{ys:.1f} {_curve(x0, ys, x1, yt)} L{x1:.1f},{yt + w:.1f} '
                     f'{_curve(x1, yt + w, x0, ys + w)} Z" fill="{colour}" fill-opacity="0.55" stroke="none">'
                     f'<title>{escape(label)}</title></path>')
    for n in value:
        if is_waypoint(n):
            continue
        kind = node_kind(n)
        x, y, h = x_of[n], y_of[n], h_of[n]
        parts.append(f'<rect class="node {kind}" x="{x:.1f}" y="{y:.1f}" width="{nw:.0f}" height="{h:.1f}" '
                     f'fill="{NODE_COLOUR[kind]}"><title>{escape(n)}: {fmt_flow(value[n], units.mass)}</title></rect>')
        name = "reagents, air" if kind == "reagents" else node_label(n)
        parts.append(f'<text x="{x + nw + 4:.1f}" y="{y + h / 2 + 4:.1f}" font-size="11" fill="#222" '
                     f'paint-order="stroke" stroke="#fff" stroke-width="3">'
                     f'{escape(name)} {escape(fmt_flow(value[n], units.mass))}</text>')
    parts += [_legend(height - 12, pad), "</svg>"]
    return "\n".join(parts)


def _legend(y: float, x: float) -> str:
    items = [("gas", PHASE_COLOUR["gas"]), ("liquid", PHASE_COLOUR["liquid"]), ("solid", PHASE_COLOUR["solid"]),
             ("reagents, air", NODE_COLOUR["reagents"])]
    out = []
    for label, colour in items:
        out.append(f'<rect x="{x:.0f}" y="{y - 9:.0f}" width="12" height="10" fill="{colour}" fill-opacity="0.7"/>'
                   f'<text x="{x + 16:.0f}" y="{y:.0f}" font-size="11" fill="#333">{label}</text>')
        x += 30 + 7 * len(label)
    return "".join(out)
