"""Which routes apply to a chemistry, and why others do not.

Each route is run on 1 kg of the catalogue cell (state of charge ``soc``) and judged from its
own balances, not from a table typed in: a route whose regeneration step cannot treat the
cell's main electrolyte (>= 5 wt % of the cell) does not apply; a route that applies but makes
toxic or acid gas (H2S, HCl, Cl2, HF, NH3, SO2) says so, with the amount per kg of cells.
"""
from __future__ import annotations

from dataclasses import dataclass, field


from .flowsheet import available_routes
from .inventory import Inventory, InventoryRow

TOXIC = ("H2S", "HCL", "CL2", "HF", "NH3", "SO2")
MAIN_ELECTROLYTE = 0.05   # mass fraction of the cell above which an electrolyte must be recovered


@dataclass
class Fit:
    route: str
    status: str                     # applies | applies with hazards | does not apply
    reasons: list[str] = field(default_factory=list)


def route_fit(planner, cell_id: str, route: str, soc: float = 0.1) -> Fit:
    """Judge ``route`` for 1 kg of catalogue cell ``cell_id`` at ``soc``."""
    db = planner.db
    bom = planner.catalogue[cell_id].bill_of_materials(soc, db)
    inv = Inventory(f"1 kg of {cell_id}", [InventoryRow(cell_id, cell_id, 1.0, soc, bom)])
    result = planner.plan(inv, route, basis="1 kg")
    reasons, blocking = [], False
    main = {sp for sp, w in bom.items() if w >= MAIN_ELECTROLYTE and db.species[db.index[sp]].role == "electrolyte"}
    for step in result.steps.values():
        for note in step.outcome.notes:
            if "not regenerated" in note:
                species = note.split(" ", 1)[0]
                if species in main:
                    blocking = True
                    reasons.append(f"{step.id}: {note}")
    for step in result.steps.values():
        gas = step.gas_generated[0]
        for name in TOXIC:
            grams = gas[db.index[name]] * db.molar_mass[db.index[name]] * 1000
            if grams >= 0.01:
                reasons.append(f"{step.id}: {name} {grams:.3g} g per kg of cells")
    status = "does not apply" if blocking else ("applies with hazards" if reasons else "applies")
    return Fit(route, status, reasons)


def fits(planner, cell_id: str, soc: float = 0.1) -> list[Fit]:
    """:func:`route_fit` for every shipped route."""
    return [route_fit(planner, cell_id, r, soc) for r in available_routes()]


__all__ = ["Fit", "fits", "route_fit"]
