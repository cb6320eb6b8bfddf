"""Conversion of the quench liquor to Li2CO3: hydrolysis of the lithium alkoxides, carbonation.

The alcohol quench leaves the metallic Li as lithium ethoxide or isopropoxide (or lithium ethyl
carbonate after a DEC quench) dissolved in the alcohol, a liquor with no traded market. Here it
meets water: everything in it reacts as chemistry/reactivity.yaml says it does in water
(medium ``water``: LiOC2H5 + H2O -> LiOH + C2H5OH, LiEtCO3 -> Li2CO3, residual Li metal -> H2,
borate esters -> LiBO2), and the LiOH is carbonated with bought CO2 (reactions tagged
``carbonate``: 2 LiOH + CO2 -> Li2CO3 + H2O), the surplus CO2 venting. Li2CO3 is filtered off
(``recovery``; what stays dissolved in the water-alcohol filtrate is lost with it); the filtrate
(alcohol, water, dissolved salts) leaves for solvent recovery. The heat follows from Cantera at
the step temperature; CO2 and water are fed at 25 C.
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
    react_in_medium,
    split,
)

LI2CO3 = "Li2CO3(s)"


class Carbonate(Step):
    type = "carbonate"
    summary = "Turn the alkoxide quench liquor into Li2CO3: hydrolyse with water, carbonate with CO2, filter."
    inlets = ("liquor",)
    outlets = ("lithium_carbonate", "filtrate", "off_gas")
    params = (
        Param("co2_excess", "number", 1.2, "CO2 fed per mol the carbonation takes (mol/mol)",
              source="estimate of this project (S): gas-liquid carbonation in a stirred tank needs a surplus"),
        Param("recovery", "fraction", 0.95, "share of the Li2CO3 filtered off as product",
              source="estimate of this project (S): Li2CO3 is sparingly soluble (1.3 g per 100 g water at 25 C, "
                     "Seidell 1940) and less so in the alcohol-rich filtrate"),
        Param("temperature", "quantity", "40 degC", "hydrolysis and carbonation temperature", maximum=343.15,
              dimension="temperature", source="estimate of this project (S): below the ethanol-water azeotrope"),
        electricity_param("100 kWh/t"),
    )

    def run(self, inlets, ctx: Context) -> StepOutcome:
        db = ctx.db
        amounts = inlets["liquor"].copy()
        reagents = np.zeros_like(amounts)
        amounts, flags = react_in_medium(amounts, "water", self["temperature"], ctx, reagents, step=self.id)
        for reaction in ctx.reactions_tagged("carbonate"):
            amounts = react_fed(amounts, reagents, reaction, extent(amounts, reaction, db), db, "CO2",
                                self["co2_excess"])
        gas, rest = split(amounts, db.is_gas)
        li2co3 = db.index[LI2CO3]
        product = np.zeros_like(rest)
        product[:, li2co3] = rest[:, li2co3] * self["recovery"]
        filtrate = rest - product
        notes = []
        lost = filtrate[:, li2co3] * db.molar_mass[li2co3]
        if np.any(lost > 0):
            notes.append(f"Li2CO3 left in the filtrate: {lost.max():.3g} kg{ctx.per}")
        h2 = gas[:, db.index["H2"]]
        if np.any(h2 > 0):
            notes.append("residual Li metal in the liquor gives H2 with the water: vent to the flare")
        return StepOutcome({"lithium_carbonate": product, "filtrate": filtrate, "off_gas": gas}, reagents,
                           self["temperature"], notes=notes, media=("water",), flags=flags,
                           aqueous_outlets=("filtrate",),
                           quantities={"li2co3": (product[:, li2co3] * db.molar_mass[li2co3], "kg" + ctx.per,
                                                  "Li2CO3 filtered off")})
