"""Direct cathode regeneration: relithiation of the delithiated cathode and re-annealing.

Delithiated (charged or aged) layered oxides and FePO4 are relithiated with LiOH (reactions
tagged ``relithiate``; hydrothermal relithiation in LiOH solution followed by a short anneal,
the direct route of Luo 2024 section 4.2) and the active material is recovered as product;
everything else (carbon, binder, electrolyte residue, foil fines) goes to the residue. The heat
the step draws (its fuel) is the autoclave's duty, feed and LiOH solution from 25 C to the
products at the step temperature, plus the anneal's, the product heated on to the anneal
temperature.

The LiOH is fed as a solution (``liquor_molality``) and heated with it to the step
temperature; the spent liquor (water, the surplus LiOH and what dissolves in it) leaves with the
residue. Dissolved species are computed at infinite dilution with the HKF heat capacities of
chemistry/aqueous_hkf.yaml (valid to 250 C), so the heat of solution of LiOH at 220 C follows.

The liquor is hot concentrated LiOH: every other species in the feed reacts as
chemistry/reactivity.yaml says it does there (medium ``hydrothermal_LiOH``). Metallic Li gives
H2, Al foil gives H2 (2 Al + 2 LiOH + 2 H2O -> 2 LiAlO2 + 3 H2), thiophosphate electrolytes
hydrolyse and their sulfide stays in the alkaline liquor as Li2S (consuming LiOH), nitrides give
NH3. The sulfide left in the residue is reported as latent H2S: it is released when the liquor
or residue is acidified.
"""
from __future__ import annotations

import numpy as np

from ..constants import T_STANDARD
from ..flags import Flag
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
              dimension="temperature",
              source="recalled (U): hydrothermal relithiation of NCM in 4 M LiOH at 220 C, Shi et al. 2018, "
                     "ACS Energy Lett. 3, 1683"),
        Param("liquor_molality", "quantity", "4 mol/kg", "LiOH in the solution fed (mol per kg of water)",
              dimension="molality",
              source="recalled (U): 4 M LiOH, Shi et al. 2018, ACS Energy Lett. 3, 1683; the liquor is made up "
                     "once per batch (its reuse is not modelled)"),
        electricity_param("150 kWh/t"),
    )

    def run(self, inlets, ctx: Context) -> StepOutcome:
        db = ctx.db
        amounts = inlets["feed"].copy()
        reagents = np.zeros_like(amounts)
        notes = []
        amounts, flags = react_in_medium(amounts, "hydrothermal_LiOH", self["temperature"], ctx, reagents,
                                         step=self.id)
        if inlets["feed"][:, db.index["Li(cr)"]].any() or inlets["feed"][:, db.index["LiIn(s)"]].any():
            notes.append("metallic Li reaches the hydrothermal LiOH solution and reacts with its water "
                         "(H2, heat): quench it upstream")
        for name in ("AL(cr)", "Li3PS4(s)", "Li7P3S11(s)", "Li6PS5Cl(s)", "Li6PS5Br(s)", "Li6PS5I(s)", "Li10GeP2S12(s)",
                     "Li3N(s)", "LiBH4(s)"):
            kg = inlets["feed"][:, db.index[name]] * db.molar_mass[db.index[name]]
            if np.any(kg > 0):
                notes.append(f"{name} ({kg.max():.3g} kg{ctx.per}) reacts in the hot LiOH liquor")
        for reaction in ctx.reactions_tagged("relithiate"):
            amounts = react_fed(amounts, reagents, reaction, extent(amounts, reaction, db), db, "LiOH(s)",
                                self["lithium_excess"])
        # every mol of LiOH the step takes (relithiation and the reactions of the liquor) comes as solution
        water = reagents[:, db.index["LiOH(s)"]] / self["liquor_molality"] / db.molar_mass[db.index["H2O(L)"]]
        amounts[:, db.index["H2O(L)"]] += water
        reagents[:, db.index["H2O(L)"]] += water
        gas, solids = split(amounts, db.is_gas)
        cathode, residue = split(solids, db.mask(role="cathode"), self["recovery"])
        if cathode[:, db.index["TiS2(s)"]].any() or cathode[:, db.index["LiTiS2(s)"]].any():
            notes.append("TiS2 cathode recovered as is (no relithiation route in this step)")
        li2s = db.index["Li2S(s)"]
        sulfide = cathode[:, li2s] + residue[:, li2s]
        if np.any(sulfide > 0):
            h2s_kg = sulfide * db.molar_mass[db.index["H2S"]]
            flags.append(Flag("latent_sulfide", self.id, "H2S", h2s_kg, "kg" + ctx.per,
                              "sulfide held in the alkaline liquor and residue as Li2S: released as H2S "
                              "when they are acidified or neutralised"))
            notes.append(f"sulfide retained in the alkaline liquor as Li2S: {h2s_kg.max():.3g} kg{ctx.per} H2S "
                         "if acidified")
        T = self["temperature"]
        h_T, h_supply = db.enthalpy(T), db.enthalpy(T_STANDARD)
        dissolved = db.index["LiOH(s)"]
        supplied = reagents @ h_supply + reagents[:, dissolved] * (db.enthalpy_aqueous(T_STANDARD) - h_supply)[dissolved]
        # the autoclave's duty: feed and solution from 25 C to products at T, the liquor dissolved
        hydrothermal = ((cathode + gas) @ h_T + residue @ db.enthalpy_aqueous(T)
                        - inlets["feed"] @ h_supply - supplied)
        anneal = cathode @ (db.enthalpy(self["anneal_temperature"]) - h_T)
        return StepOutcome({"cathode": cathode, "residue": residue, "off_gas": gas}, reagents,
                           T, utilities={"heat": np.maximum(hydrothermal, 0.0) + anneal}, notes=notes,
                           media=("hydrothermal_LiOH",), flags=flags, aqueous_outlets=("residue",),
                           dissolved_reagents=("LiOH(s)",))
