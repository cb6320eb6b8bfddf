"""Tornado chart of a one-at-a-time sensitivity (PNG bytes, matplotlib Agg, imported lazily)."""
from __future__ import annotations

import io


def tornado_png(rows: list, route: str) -> bytes:
    """Horizontal bars of net value (USD/kg) at each input's low and high value around the base
    (``rows``: recycle.uncertainty.Swing, largest first)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    rows = list(reversed(rows))
    base = rows[0].net_value_base if rows else 0.0
    fig = Figure(figsize=(8, 0.4 * len(rows) + 1.5))      # its own canvas: no pyplot state, no backend switch
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    for i, r in enumerate(rows):
        lo, hi = r.net_value_low - base, r.net_value_high - base
        ax.barh(i, lo, left=base, color="#4c72b0")
        ax.barh(i, hi, left=base, color="#dd8452")
    ax.set_yticks(range(len(rows)), [r.input for r in rows], fontsize=8)
    ax.axvline(base, color="k", lw=0.8)
    ax.set_xlabel("net value [USD/kg of cells] (blue: input low, orange: input high)")
    ax.set_title(f"Sensitivity of {route}")
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110)
    return buf.getvalue()
