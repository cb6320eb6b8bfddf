"""Discharge of spent cells before opening them.

Resistive discharge runs the cell reaction (Li from the anode back into the cathode,
reactions tagged ``discharge``) until ``remaining`` of the stored charge is left; the
electrical energy -dG (Gibbs energy of the cell reaction, from Cantera) is dissipated in the
resistor bank, and the open-circuit voltage -dG/F is reported as a check of the data.
Brine discharge (immersion in NaCl solution) is modelled as the hazardous option it is for
Li-metal and sulfide cells (not in the review; estimate of this project, S, no primary source):
brine enters breached cells and the metallic Li and the electrolyte hydrolyse (H2, H2S, HCl,
NH3).
"""
from __future__ import annotations

import numpy as np

from .base import (
    FARADAY,
    Context,
    Param,
    Step,
    StepOutcome,
    react,
    react_in_medium,
    split,
)


class Discharge(Step):
    type = "discharge"
    treats_cells = False
    summary = "Resistive discharge to a remaining charge (cell reaction; -dG as heat); brine discharge as a hazardous option (H2, H2S)."
    inlets = ("cells",)
    outlets = ("cells", "off_gas")
    params = (
        Param("method", "choice", "resistive", "resistive load, or immersion in brine (hazardous for Li metal and sulfides)",
              choices=("resistive", "brine"), source="not in the review, no primary source (S): brine discharge is unsafe for Li metal and sulfides"),
        Param("remaining", "fraction", 0.0, "share of the stored charge left after discharge"),
        Param("temperature", "quantity", "25 degC", "cell temperature", dimension="temperature"),
        Param("brine_ingress", "fraction", 0.05,
              "brine method: share of the metallic Li and electrolyte reached by brine in breached cells",
              source="estimate of this project (S)"),
    )

    def run(self, inlets, ctx: Context) -> StepOutcome:
        db = ctx.db
        amounts = inlets["cells"].copy()
        reagents = np.zeros_like(amounts)
        T = self["temperature"]
        work = np.zeros(len(amounts))
        quantities = {}
        notes: list[str] = []
        # Charge to give up per cathode: (1 - remaining) of its delithiated form. Li metal gives
        # its Li first, then Li-In alloy (reactions in file order).
        todo = {r.key: (1.0 - self["remaining"]) * amounts[:, db.index[r.key]]
                for r in ctx.reactions_tagged("discharge")}
        wanted = {k: v.copy() for k, v in todo.items()}
        for reaction in ctx.reactions_tagged("discharge"):
            if not todo[reaction.key].any():
                continue
            anode = next(db.names[i] for i in np.flatnonzero(reaction.stoich < 0) if db.names[i] != reaction.key)
            xi = np.minimum(todo[reaction.key], amounts[:, db.index[anode]] / -reaction.coefficient(db, anode))
            todo[reaction.key] = todo[reaction.key] - xi
            dg = reaction.gibbs_energy(db, T)                       # J per mol Li
            work += -dg * xi
            amounts = react(amounts, reaction, xi)
            if xi.any():
                quantities[f"voltage_{reaction.id}"] = (
                    np.full(len(amounts), -dg / FARADAY), "V", f"open-circuit voltage of {reaction.id} from Cantera -dG/F")
        for key in (k for k, v in todo.items() if np.any(v > 1e-9 * wanted[k])):
            notes.append(f"{key}: not fully discharged, the anode holds too little Li")
        quantities["energy_dissipated"] = (work / 1000.0, "kJ" if not ctx.rate_basis else "kW",
                                           "electrical energy dissipated in the load (-dG)")
        media, flags = ("sealed_cell",), []
        if self["method"] == "brine":
            # Brine reaches a share of the material in breached cells; there every species reacts
            # as chemistry/reactivity.yaml says it does in brine (Li and LiIn give H2, sulfides H2S ...).
            f = ctx.pick(self["brine_ingress"], min(1.0, 4 * self["brine_ingress"]))
            amounts, flags = react_in_medium(amounts, "brine", T, ctx, reagents, step=self.id, step_fraction=f)
            media = ("brine",)
            notes.append("brine discharge: Li metal and electrolyte hydrolyse in breached cells (hazardous)")
        gas, cells = split(amounts, db.is_gas)
        if self["method"] == "resistive":         # closed cells keep the gas they hold (receive step)
            cells, gas = cells + gas, np.zeros_like(gas)
        return StepOutcome({"cells": cells, "off_gas": gas}, reagents, T, quantities=quantities, notes=notes,
                           media=media, flags=flags)
