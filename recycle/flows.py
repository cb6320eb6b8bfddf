"""Mass and element flows between the nodes of a planned route, and where each element ends up.

Analysis for the drawings and reports (recycle.report): flows of the expected case in display
units (kg per batch, or kg/h on a throughput basis; :class:`recycle.quantities.Units`); element
flows are kg of the element (mol x molar mass of the element, Cantera atomic weights).
"""
from __future__ import annotations

import numpy as np

from .cases import Case
from .flowsheet import FEED
from .quantities import Units
from .simulate import RouteResult

CLOSED_CELLS = "cells"     # the outlet of a step whose cells stay closed (receive, discharge)


def vented(step, db) -> np.ndarray:
    """Gas a step lets out (rows, species; mol or mol/s): the gas species of every outlet except
    closed cells, which carry the gas they hold on to the step that opens them."""
    gas = np.zeros_like(step.gas_generated)
    gas[:, db.is_gas] = vented_gas(step, db)
    return gas


def vented_gas(step, db) -> np.ndarray:
    """:func:`vented` in the gas species' columns only (rows, gases; the gases in the order of
    ``np.flatnonzero(db.is_gas)``), mol or mol/s: a Monte Carlo batch reads these columns only."""
    gas = np.zeros((len(step.gas_generated), int(np.count_nonzero(db.is_gas))))
    for port, amounts in step.outlets.items():
        if port != CLOSED_CELLS:
            gas = gas + amounts[:, db.is_gas]
    return gas


def node_kind(node: str) -> str:
    """'feed', 'step', 'product', 'waste', 'stack' or 'reagents' for a route-graph node."""
    if node == FEED:
        return "feed"
    head = node.split(":", 1)[0]
    return head if head in ("product", "waste", "stack", "reagents") else "step"


def edge_masses(result: RouteResult, element: str | None = None) -> dict[tuple[str, str], tuple[float, str]]:
    """(source node, target node) -> (flow in display units, dominant phase).

    Flows of the edges between the same two nodes are added. ``element`` (e.g. 'Li') gives
    the mass of that element instead of the total mass.
    """
    db, units = result.db, Units(result.rate_basis)
    weight = _weights(result, element)
    out: dict[tuple[str, str], list] = {}
    for edge, amounts, _ in result.streams.values():
        w = amounts[Case.EXPECTED] * weight
        key = (edge.source, edge.target)
        acc = out.setdefault(key, [0.0, np.zeros(db.n_species)])
        acc[0] += units.kg(float(w.sum()))
        acc[1] = acc[1] + np.maximum(w, 0.0)
    return {k: (v, dominant_phase(result, w)) for k, (v, w) in out.items()}


def _weights(result: RouteResult, element: str | None) -> np.ndarray:
    """kg per mol of each species: its molar mass, or the mass of ``element`` it contains."""
    db = result.db
    if element is None:
        return db.molar_mass
    j = db.elements.index(element)
    return db.element_matrix[j] * db.element_molar_mass[j]


def dominant_phase(result: RouteResult, weights: np.ndarray) -> str:
    """The phase ('gas', 'liquid', 'solid') carrying most of ``weights`` (kg per species)."""
    db = result.db
    totals = {p: float(weights[db.phase_is(p)].sum()) for p in ("gas", "liquid", "solid")}
    best = max(totals, key=totals.get)
    return best if totals[best] > 0 else "none"


def element_fate(result: RouteResult, elements: tuple[str, ...] = ("Li", "S", "Cl")) -> list[dict]:
    """Where each element ends up: one row per sink, kg (or kg/h) and % of what left the route."""
    units = Units(result.rate_basis)
    present = [e for e in elements if e in result.db.elements]
    rows: dict[str, dict] = {}
    for e in present:
        flows = edge_masses(result, e)
        total = sum(v for (s, t), (v, _) in flows.items() if node_kind(t) in ("product", "waste", "stack"))
        for (_s, t), (v, _) in flows.items():
            if node_kind(t) not in ("product", "waste", "stack"):
                continue
            row = rows.setdefault(t, {"sink": t})
            row[f"{e} [{units.mass}]"] = row.get(f"{e} [{units.mass}]", 0.0) + v
            row[f"{e} [%]"] = row.get(f"{e} [%]", 0.0) + (100.0 * v / total if total > 0 else 0.0)
    return [r for r in rows.values() if any(v for k, v in r.items() if k != "sink")]
