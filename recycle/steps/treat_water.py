"""Wastewater neutralisation: free acid with NaOH, free base with H2SO4; solids to sludge.

What it does, in mol per batch row (reactions in ``chemistry/reactions_hydromet.yaml``):
1. free acid (H2SO4, HCl(aq), H3PO4) is neutralised with NaOH (``neutralise.NaOH``); NaOH
   already in the water is used first, only the shortfall is fed;
2. dissolved Ni, Co, Mn are precipitated as hydroxides (``precipitate.hydroxide``), as they are
   when wastewater is brought to pH 8-9 (flag ``precipitate_metals``);
3. free base left (NaOH, Na2CO3) is neutralised with H2SO4 (``neutralise.H2SO4``); carbonate is
   taken to bicarbonate (pH ~8.3), so no CO2 is released.
Reagents are fed at the stoichiometric amount (the end point is neutral, not an excess).
Undissolved species leave as sludge (counted dry), the rest as effluent. Not modelled, and
said in a note when it matters: sulfide oxidation (Na2S/NaHS give H2S if acidified), removal of
Al, Cu, In, Y and ammonium, and heats of dilution.
"""
from __future__ import annotations

import numpy as np

from .base import Context, Param, Step, StepOutcome, electricity_param, react_in_medium
from .leach import dissolved_mask, run_reactions
from .precipitate import IMPURITIES

NAOH = "NaOH(a)"
ACID = "H2SO4(L)"
SULFIDES = ("Na2S(1)", "NaHS(s)")


class TreatWater(Step):
    type = "treat_water"
    summary = "Neutralise process water (NaOH for acid, H2SO4 for base), precipitate Ni/Co/Mn; effluent and sludge."
    inlets = ("water",)
    outlets = ("effluent", "sludge")
    params = (
        Param("precipitate_metals", "flag", "true", "precipitate dissolved Ni, Co, Mn as hydroxides to the sludge",
              source="neutralisation to pH 8-9 precipitates heavy-metal hydroxides (textbook practice)"),
        Param("temperature", "quantity", "25 degC", "treatment temperature", dimension="temperature", maximum=373.15),
        electricity_param("50 kWh/t"),
    )

    def run(self, inlets, ctx: Context) -> StepOutcome:
        db = ctx.db
        water = inlets["water"]
        taken = np.zeros_like(water)     # what the water's other species take from the medium
        amounts, flags = react_in_medium(water, "effluent_neutralisation", self["temperature"], ctx, taken,
                                         step=self.id)
        free_base = water[:, db.index[NAOH]]
        amounts, added = run_reactions(amounts, ctx.reactions_tagged("neutralise.NaOH"), db,
                                       lambda r: 1.0, (NAOH,))
        naoh = added[NAOH]
        if self["precipitate_metals"]:
            amounts, more = run_reactions(amounts, ctx.reactions_tagged("precipitate.hydroxide"), db,
                                          lambda r: 1.0, (NAOH,))
            naoh = naoh + more[NAOH]
        own = np.minimum(naoh, free_base)       # the water's own NaOH goes first
        amounts[:, db.index[NAOH]] -= own
        naoh_fed = naoh - own
        amounts, acid = run_reactions(amounts, ctx.reactions_tagged("neutralise.H2SO4"), db,
                                      lambda r: 1.0, (ACID,))
        reagents = taken.copy()
        reagents[:, db.index[NAOH]] += naoh_fed
        reagents[:, db.index[ACID]] += acid[ACID]

        liquid = dissolved_mask(db) | db.is_gas
        effluent = np.where(liquid, amounts, 0.0)
        sludge = amounts - effluent
        notes = []
        if any(water[:, db.index[s]].max() > 0 for s in SULFIDES):
            notes.append("sulfide in the water (Na2S/NaHS): acidifying releases H2S; oxidise it first (not modelled)")
        left = [n for n in IMPURITIES if effluent[:, db.index[n]].max() > 0]
        if left:
            notes.append("left dissolved in the effluent (not treated here): " + ", ".join(left))
        if water[:, db.is_gas].max() > 0:
            notes.append("gases in the water inlet pass to the effluent")
        if water[:, db.index["Na2CO3(I)"]].max() > 0 and np.any(naoh > free_base):
            notes.append("carbonate in acid water releases CO2 (not modelled)")
        per = ctx.per
        quantities = {
            "caustic": (naoh_fed * db.molar_mass[db.index[NAOH]], "kg" + per, "NaOH fed (as 100 %)"),
            "acid": (acid[ACID] * db.molar_mass[db.index[ACID]], "kg" + per, "H2SO4 fed (as 100 %)"),
            "sludge": (db.mass(sludge), "kg" + per, "dry sludge"),
        }
        return StepOutcome({"effluent": effluent, "sludge": sludge}, reagents, self["temperature"],
                           notes=notes, quantities=quantities, media=("effluent_neutralisation",), flags=flags,
                           aqueous_outlets=("effluent",), dissolved_reagents=(NAOH,))
