"""Direct cathode regeneration: relithiation of the delithiated cathode and re-annealing.

Delithiated (charged or aged) layered oxides and FePO4 are relithiated with LiOH (reactions
tagged ``relithiate``; hydrothermal relithiation in LiOH solution followed by a short anneal,
the direct route of Luo 2024 section 4.2) and the active material is recovered as product;
everything else (carbon, binder, electrolyte residue, foil fines) goes to the residue. The
anneal's heat duty is the enthalpy of heating the product to the anneal temperature.
"""
from __future__ import annotations

import numpy as np

from .base import (
    Context,
    Param,
    Step,
    StepOutcome,
    electricity_param,
    extent,
    react_fed,
    split,
)


class RelithiateCathode(Step):
    type = "relithiate_cathode"
    summary = "Relithiate delithiated cathode (NCM, LCO, FePO4) with LiOH and re-anneal; other solids to residue."
    inlets = ("feed",)
    outlets = ("cathode", "residue", "off_gas")
    params = (
        Param("lithium_excess", "number", 1.05, "LiOH fed per mol needed (mol/mol)",
              source="estimate of this project (S): a few % Li excess compensates volatilisation"),
        Param("recovery", "fraction", 0.95, "share of the cathode active material recovered",
              source="estimate of this project (S)"),
        Param("anneal_temperature", "quantity", "800 degC", "anneal temperature after relithiation",
              dimension="temperature", source="estimate of this project (S); layered oxides are annealed at 700-850 C"),
        Param("temperature", "quantity", "220 degC", "hydrothermal relithiation temperature",
              dimension="temperature", source="estimate of this project (S)"),
        electricity_param("150 kWh/t"),
    )

    def run(self, inlets, ctx: Context) -> StepOutcome:
        db = ctx.db
        amounts = inlets["feed"].copy()
        reagents = np.zeros_like(amounts)
        notes = []
        metal = amounts[:, db.index["Li(cr)"]] + amounts[:, db.index["LiIn(s)"]]
        if metal.any():   # the hydrothermal LiOH solution is water: metallic Li gives H2 and heat
            for reaction in ctx.reactions_tagged("quench.water"):
                amounts = react_fed(amounts, reagents, reaction, extent(amounts, reaction, db), db, "H2O(L)")
            notes.append("metallic Li reaches the hydrothermal LiOH solution and reacts with its water "
                         "(H2, heat): quench it upstream")
        for reaction in ctx.reactions_tagged("relithiate"):
            amounts = react_fed(amounts, reagents, reaction, extent(amounts, reaction, db), db, "LiOH(s)",
                                self["lithium_excess"])
        gas, solids = split(amounts, db.is_gas)
        cathode, residue = split(solids, db.mask(role="cathode"), self["recovery"])
        if cathode[:, db.index["TiS2(s)"]].any() or cathode[:, db.index["LiTiS2(s)"]].any():
            notes.append("TiS2 cathode recovered as is (no relithiation route in this step)")
        h_hot = db.enthalpy(self["anneal_temperature"])
        h_cold = db.enthalpy(self["temperature"])
        anneal = cathode @ (h_hot - h_cold)
        return StepOutcome({"cathode": cathode, "residue": residue, "off_gas": gas}, reagents,
                           self["temperature"], utilities={"heat": anneal}, notes=notes)
