"""Which routes apply to a chemistry or an inventory, and why others do not.

A route is judged from its own balances, not from a table typed in: a route whose
regeneration step cannot treat a main electrolyte of the feed (>= 5 wt % of the cells) does
not apply; a route that applies but makes toxic or acid gas (H2S, HCl, Cl2, HF, NH3, SO2)
says so, with the amount per kg of cells.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .cases import Case
from .flowsheet import available_routes
from .inventory import Inventory, InventoryRow
from .results import internal
from .simulate import RouteResult

TOXIC = ("H2", "H2S", "HCL", "CL2", "HF", "NH3", "SO2")   # H2: flammable, listed too
MAIN_ELECTROLYTE = 0.05   # mass fraction of the cells above which an electrolyte must be recovered


DOES_NOT_APPLY = "does not apply"   # the status that keeps a route out of "best" and the Pareto front


@dataclass(frozen=True)
class Fit:
    route: str = internal()         # the comparison names the route; its JSON holds status and reasons
    status: str                     # applies | applies with hazards | does not apply
    reasons: list[str] = field(default_factory=list)


def judge(result: RouteResult) -> Fit:
    """Verdict on a planned route from its steps' flags and gas balances (expected case)."""
    db = result.db
    feed_kg = result.feed[Case.EXPECTED] * db.molar_mass
    total = feed_kg.sum()
    main = {db.names[i] for i, kg in enumerate(feed_kg)
            if kg >= MAIN_ELECTROLYTE * total and db.species[i].role == "electrolyte"}
    reasons, blocking = [], False
    for step in result.steps.values():
        for flag in step.outcome.flags:
            if flag.code == "not_regenerated" and flag.species in main:
                blocking = True
                reasons.append(f"{step.id}: {flag.message}")
    for step in result.steps.values():
        gas = step.gas_generated[Case.EXPECTED]
        for name in TOXIC:
            grams = gas[db.index[name]] * db.molar_mass[db.index[name]] * 1000 / total
            if grams >= 1e-3:
                reasons.append(f"{step.id}: {name} {grams:.3g} g per kg of cells")
    status = DOES_NOT_APPLY if blocking else ("applies with hazards" if reasons else "applies")
    return Fit(result.route.id, status, reasons)


def route_fit(planner, cell_id: str, route: str, soc: float = 0.1) -> Fit:
    """Judge ``route`` for 1 kg of catalogue cell ``cell_id`` at ``soc``."""
    bom = planner.catalogue[cell_id].bill_of_materials(soc, planner.db)
    inv = Inventory(f"1 kg of {cell_id}", [InventoryRow(cell_id, cell_id, 1.0, soc, bom)])
    return judge(planner.plan(inv, route, basis="1 kg"))


def fits(planner, cell_id: str, soc: float = 0.1) -> list[Fit]:
    """:func:`route_fit` for every shipped route."""
    from .errors import InputError, closest

    if cell_id not in planner.catalogue:
        raise InputError("--chemistry", f"unknown chemistry {cell_id!r}; {closest(cell_id, planner.catalogue)}")
    return [route_fit(planner, cell_id, r, soc) for r in available_routes()]
