"""Charts as PNG bytes (matplotlib, Agg canvas; imported only when a chart is drawn).

The figure is built on a :class:`matplotlib.figure.Figure` with its own Agg canvas, not through
``pyplot``, so no global figure state or backend switch is involved.
"""
from __future__ import annotations

import io

from ..applicability import DOES_NOT_APPLY
from ..compare import Comparison, pareto_front


def compare_chart(comparison: Comparison) -> bytes:
    """PNG of the routes of a comparison (recycle.compare.Comparison): route risk (the worst scenario's
    severity x likelihood, the aggregate risk as a fraction that breaks ties) against net value
    (USD per kg of cells), with the Pareto front marked."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    points = {r.route: (r.safety.risk.number, r.economics.net_value) for r in comparison.routes}
    out = {r.route for r in comparison.routes if r.applicability.status == DOES_NOT_APPLY}
    front = pareto_front({k: v for k, v in points.items() if k not in out})      # only routes that apply
    fig = Figure(figsize=(7.0, 4.6), dpi=110)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    for name, (s, v) in points.items():
        on = name in front
        ax.scatter([s], [v], s=70, zorder=3, color="#2e8b57" if on else "#8a8a8a",
                   edgecolor="#1d5c39" if on else "#555", marker="o" if on else "s")
        ax.annotate(name + (" (does not apply)" if name in out else ""), (s, v), xytext=(6, 6),
                    textcoords="offset points", fontsize=9)
    if len(front) > 1:
        ax.plot([points[n][0] for n in front], [points[n][1] for n in front], color="#2e8b57",
                linestyle="--", linewidth=1.2, zorder=2, label="Pareto front")
    ax.scatter([], [], color="#2e8b57", marker="o", label="on the Pareto front")
    ax.scatter([], [], color="#8a8a8a", marker="s", label="dominated")
    ax.set_xlabel("route risk: worst scenario severity x likelihood (lower is safer)")
    ax.set_ylabel("net value [USD/kg cells] (higher is better)")
    ax.set_title(f"Routes at {comparison.throughput}: risk and net value", fontsize=11)
    ax.grid(True, color="#e4e4e4", zorder=0)
    xs = [p[0] for p in points.values()]
    ax.set_xlim(min(xs) - 2, max(xs) + 4)
    ax.legend(fontsize=8, loc="best")
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()
