"""Crystallisation of Ni, Co and Mn sulfates from a sulfuric leachate (sulfate products).

The sulfate-product variant of hydrometallurgy: instead of precipitating a mixed hydroxide,
the Ni, Co and Mn sulfates of the leachate are recovered as battery-grade salts (NiSO4,
CoSO4, MnSO4), as in the route of Ma et al., Nat. Commun. 15 (2024), doi:10.1038/s41467-024-52030-0
(their public model sells the three sulfates and Li2CO3: NMCRecycle.m line 42). In a plant the
metals are first separated by solvent extraction and each strip liquor is crystallised; here
that train is one step: the share ``recovery`` of each sulfate leaves as the dry anhydrous salt,
the rest stays in the mother liquor, which goes on to Li2CO3 precipitation. Amounts in mol
per batch row. Not modelled, and said in a note: the extractants and strip acid of solvent
extraction, the water evaporated to crystallise (its heat), and the hydrate water of the
salts sold (NiSO4.6H2O, CoSO4.7H2O, MnSO4.H2O: prices are per kg of anhydrous salt).
Other dissolved metals (Al, Cu, In, Y) stay in the liquor (solvent extraction rejects them).
"""
from __future__ import annotations

import numpy as np

from .base import Context, Param, Step, StepOutcome, electricity_param

SULFATES = ("NiSO4(s)", "CoSO4(s)", "MnSO4(s)")


class Crystallise(Step):
    type = "crystallise"
    summary = "Recover Ni, Co, Mn sulfates from a sulfuric leachate as salts (solvent extraction + crystallisation); liquor on."
    inlets = ("leachate",)
    outlets = ("sulfates", "liquor")
    params = (
        Param("recovery", "fraction", 0.98, "share of each dissolved Ni, Co, Mn sulfate recovered as salt",
              source="estimate of this project (S): solvent extraction and crystallisation with bleed recycle; "
                     "Ma et al. 2024 assume 94 % over the whole hydro route (NMCRecycle.m line 42)"),
        Param("temperature", "quantity", "40 degC", "crystallisation temperature (heat is evaluated here)",
              dimension="temperature", maximum=373.15,
              source="estimate of this project (S): cooling/evaporative crystallisers of NiSO4.6H2O run near 40 C"),
        electricity_param("100 kWh/t"),
    )

    def run(self, inlets, ctx: Context) -> StepOutcome:
        db = ctx.db
        feed = inlets["leachate"]
        sulfates = np.zeros_like(feed)
        for name in SULFATES:
            i = db.index[name]
            sulfates[:, i] = feed[:, i] * self["recovery"]
        liquor = feed - sulfates
        notes = []
        if sulfates.max() > 0:
            notes.append("solvent extraction reagents and the water evaporated to crystallise are not modelled; "
                         "salts counted anhydrous")
        per = ctx.per
        quantities = {"sulfates": (db.mass(sulfates), "kg" + per, "Ni, Co, Mn sulfates recovered (anhydrous)")}
        return StepOutcome({"sulfates": sulfates, "liquor": liquor}, np.zeros_like(feed), self["temperature"],
                           notes=notes, quantities=quantities, aqueous_outlets=("liquor",),
                           media=("aqueous_H2SO4",))   # the leach liquor, unchanged but for the salts taken out
