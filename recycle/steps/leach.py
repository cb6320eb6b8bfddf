"""Acid leaching of black mass: H2SO4 + H2O2, or HCl (which releases Cl2 from NCM and LCO).

Each feed species with a reaction tagged ``leach.<acid>`` in ``chemistry/reactions_hydromet.yaml``
is converted: layered oxides (NCM811, LiCoO2 and their delithiated forms) and LiFePO4 with
their leaching efficiency, everything else completely (worst case for gas): residual Li(cr)
and LiIn give H2 (72.0 mol per kg Li from the stoichiometry), sulfides give H2S, halide
electrolytes give HCl, Al foil gives H2, carbonates give CO2. In HCl the layered oxides release
Cl2 (2 LiMO2 + 8 HCl -> 2 LiCl + 2 MCl2 + Cl2 + 4 H2O; Xuan et al., RSC Adv. 9 (2019) 38612;
not in the review). H2O2 reduces the metals in H2SO4 (Mukai et al., Energy Adv. 2024) and
oxidises LiFePO4 to FePO4, which stays in the residue (selective LFP leaching); H2O2 fed in
excess decomposes to O2. A share of the HCl(aq) in the hot liquor evolves as HCl gas.

Amounts in mol per batch row. Acid and H2O2 are fed as the stoichiometric demand times their
excess; the water fed is the liquor set by the solid/liquid ratio (it includes the water that
comes with the acid and H2O2 solutions) plus the water the reactions consume. Dissolved salts
are carried as their solid species in the leachate (heats of solution and dilution are not
modelled: H2SO4 enters as the pure liquid, hydrochloric acid as HCl(aq)). Feed species without
a leaching reaction pass to the residue and are named in a note.
"""
from __future__ import annotations

import numpy as np

from ..chemistry import ChemistryDB
from ..reactivity import metal_flag
from .base import (
    Context,
    Param,
    Step,
    StepOutcome,
    electricity_param,
    extent,
    react,
    react_in_medium,
)

ACIDS = {"H2SO4": "H2SO4(L)", "HCl": "HCl(aq)"}
H2O2 = "H2O2(L)"
WATER = "H2O(L)"
WATER_DENSITY = 1000.0  # kg/m^3, sets the liquor mass from the solid/liquid ratio

# Species counted as dissolved in an aqueous liquor (all liquids are too). Everything else
# condensed is an undissolved solid. Sparingly soluble salts (Li2CO3 1.3 g/100 g, LiF, Li3PO4)
# are left out on purpose.
SOLUBLE = frozenset({
    "HCl(aq)", "HBr(aq)", "Li2SO4(a)", "LiCL(s)", "LiOH(s)", "LiBO2(s)", "LiTFSI(s)", "PEO(s)",
    "NiSO4(s)", "CoSO4(s)", "MnSO4(s)", "CuSO4(s)", "Al2(SO4)3(s)",
    "NiCl2(s)", "CoCl2(s)", "MnCl2(s)", "CuCl2(s)", "AlCl3(s)", "InCl3(s)", "YCl3(s)", "YBr3(s)",
    "(NH4)2SO4(s)", "NH4CL(a)", "NaOH(a)", "Na2CO3(I)", "NaHCO3(s)", "Na2SO4(V)", "NaCL(s)",
    "Na3PO4(s)", "Na2S(1)", "NaHS(s)", "Na2SO3(s)", "NaHSO3(s)", "NaOCl(s)", "NaF(s)",
    "LiBr(s)", "LiI(s)", "NaBr(s)", "NaI(s)", "LiClO4(s)",     # alkali bromides, iodides, perchlorate
})
LAYERED_OXIDES = ("NCM811(s)", "Ni0.8Co0.1Mn0.1O2(s)", "LiCoO2(s)", "CoO2(s)", "NCM622(s)", "Ni0.6Co0.2Mn0.2O2(s)")
PHOSPHATE_CATHODES = ("LiFePO4(s)",)
COLLECTORS = ("AL(cr)", "Cu(cr)")


def dissolved_mask(db: ChemistryDB) -> np.ndarray:
    """Species that stay in an aqueous liquor: liquids and the salts of :data:`SOLUBLE`."""
    return np.array([s.phase == "liquid" or s.name in SOLUBLE for s in db.species])


def run_reactions(amounts, reactions, db: ChemistryDB, fraction, supplied: tuple[str, ...]):
    """Run ``reactions`` in turn, each converting ``fraction(reaction)`` of its key species.

    Species of ``supplied`` that a reaction consumes are added just before it reacts; returns
    (amounts after, mol of each supplied species added per batch row).
    """
    added = {s: np.zeros(len(amounts)) for s in supplied}
    for reaction in reactions:
        xi = extent(amounts, reaction, db, fraction(reaction))
        for s in supplied:
            nu = reaction.coefficient(db, s)
            if nu < 0:
                amounts[:, db.index[s]] += -nu * xi
                added[s] += -nu * xi
        amounts = react(amounts, reaction, xi)
    return amounts, added


class Leach(Step):
    type = "leach"
    summary = "Leach black mass in H2SO4 + H2O2 or HCl; leachate, residue and off-gas (H2, H2S, HCl, Cl2, O2, CO2)."
    inlets = ("feed",)
    outlets = ("leachate", "residue", "off_gas")
    params = (
        Param("acid", "choice", "H2SO4", "leaching acid", choices=tuple(ACIDS),
              source="LIB hydrometallurgy practice, not in the review: H2SO4 + H2O2 (Mukai et al., Energy Adv. 2024), or HCl, which releases Cl2 from layered oxides (Xuan et al., RSC Adv. 9 (2019) 38612)"),
        Param("acid_excess", "number", 1.2, "acid fed per mol consumed by the leaching reactions (mol/mol)",
              source="estimate of this project (S): a free-acid margin keeps the pH below ~1"),
        Param("h2o2_excess", "number", 1.5, "H2O2 fed per mol consumed (mol/mol); the surplus decomposes to O2",
              source="estimate of this project (S): H2O2 decomposes at leach temperature, so it is overdosed"),
        Param("solid_liquid_ratio", "quantity", "100 g/L", "solids fed per litre of liquor", dimension="density",
              source="estimate of this project (S): laboratory studies use 20-50 g/L (Xuan 2019: 20 g/L), plants more",
              positive=True),
        Param("temperature", "quantity", "70 degC", "leach temperature", dimension="temperature", maximum=373.15,
              source="usual range 60-80 C for H2SO4 + H2O2 and HCl leaching of cathode oxides"),
        Param("oxide_leaching", "fraction", 0.98, "share of NCM811, LiCoO2 and their delithiated forms dissolved",
              source="Mukai 2024: NCM622 dissolves completely in acid with H2O2 within 3 h; 0.98 is our "
                     "allowance for incomplete contact in a plant (S)"),
        Param("lfp_leaching", "fraction", 0.97, "share of LiFePO4 whose Li is leached (Fe stays as FePO4)",
              source="selective LFP leaching with stoichiometric H2SO4 and oxidant: >97 % Li leached, >99 % Fe "
                     "in the residue (oxidation pressure sulfuric acid leaching, abstract)"),
        Param("collector_leaching", "fraction", 1.0, "share of Al and Cu fragments dissolved (Al gives H2)",
              source="estimate of this project (S): worst case for H2"),
        Param("hcl_evolution", "fraction", 0.05, "share of the HCl(aq) in the liquor that leaves as HCl gas",
              source="estimate of this project (S); hot chloride liquors below the 20 % azeotrope lose little HCl"),
        Param("hcl_evolution_worst", "fraction", 0.25, "hcl_evolution on worst-case rows",
              source="estimate of this project (S)"),
        electricity_param("150 kWh/t"),
    )

    def _fraction(self, reaction) -> float:
        if reaction.key in LAYERED_OXIDES:
            return self["oxide_leaching"]
        if reaction.key in PHOSPHATE_CATHODES:
            return self["lfp_leaching"]
        if reaction.key in COLLECTORS:
            return self["collector_leaching"]
        return 1.0

    def run(self, inlets, ctx: Context) -> StepOutcome:
        db = ctx.db
        feed = inlets["feed"]
        acid = ACIDS[self["acid"]]
        amounts = feed.copy()
        reactions = ctx.reactions_tagged(f"leach.{self['acid']}")
        metal_before = sum(amounts[:, db.index[m]] for m in ("Li(cr)", "LiIn(s)"))
        amounts, used = run_reactions(amounts, reactions, db, self._fraction, (acid, H2O2, WATER))
        metal_reacted = metal_before - sum(amounts[:, db.index[m]] for m in ("Li(cr)", "LiIn(s)"))

        reagents = np.zeros_like(feed)
        acid_fed = used[acid] * self["acid_excess"]
        h2o2_fed = used[H2O2] * self["h2o2_excess"]
        is_solid = db.mask(phase="solid")
        is_solid[db.index[ACIDS["HCl"]]] = False  # HCl(aq) is filed with the condensed species
        solids = np.where(is_solid, feed, 0.0) @ db.molar_mass
        liquor = solids / self["solid_liquid_ratio"] * WATER_DENSITY / db.molar_mass[db.index[WATER]]
        amounts[:, db.index[acid]] += acid_fed - used[acid]
        amounts[:, db.index[H2O2]] += h2o2_fed - used[H2O2]
        amounts[:, db.index[WATER]] += liquor
        reagents[:, db.index[acid]] = acid_fed
        reagents[:, db.index[H2O2]] = h2o2_fed
        reagents[:, db.index[WATER]] = liquor + used[WATER]

        for reaction in ctx.reactions_tagged("leach.h2o2_decomposition"):
            amounts = react(amounts, reaction, extent(amounts, reaction, db))
        share = ctx.pick(self["hcl_evolution"], self["hcl_evolution_worst"])
        for reaction in ctx.reactions_tagged("leach.hcl_evolution"):
            amounts = react(amounts, reaction, extent(amounts, reaction, db, share))
        # Species the leach reactions do not convert react as the acid medium makes them
        # (Li3P gives PH3, alkoxides hydrolyse; chemistry/reactivity.yaml) with the liquor's water.
        medium = f"aqueous_{self['acid']}"
        amounts, flags = react_in_medium(amounts, medium, self["temperature"], ctx, reagents, step=self.id)
        if np.any(metal_reacted > 0):
            flags.append(metal_flag(self.id, metal_reacted, medium, ctx))

        gas = np.where(db.is_gas, amounts, 0.0)
        dissolved = dissolved_mask(db) & ~db.is_gas
        leachate = np.where(dissolved, amounts, 0.0)
        residue = amounts - gas - leachate
        notes = self._notes(db, feed, reactions, gas, residue)
        per = ctx.per
        quantities = {
            "acid": (acid_fed * db.molar_mass[db.index[acid]], "kg" + per, f"{self['acid']} fed (as 100 %)"),
            "h2o2": (h2o2_fed * db.molar_mass[db.index[H2O2]], "kg" + per, "H2O2 fed (as 100 %)"),
            "liquor": (liquor * db.molar_mass[db.index[WATER]], "kg" + per, "water of the leach liquor"),
        }
        return StepOutcome({"leachate": leachate, "residue": residue, "off_gas": gas}, reagents,
                           self["temperature"], notes=notes, quantities=quantities, media=(medium,), flags=flags,
                           aqueous_outlets=("leachate",), dissolved_reagents=(H2O2,))

    def _notes(self, db: ChemistryDB, feed, reactions, gas, residue) -> list[str]:
        notes = []
        keyed = {r.key for r in reactions}
        present = feed.max(axis=0) > 0
        kept = residue.max(axis=0) >= 0.999 * feed.max(axis=0)      # not converted by the medium either
        idle = [n for n, here, k in zip(db.names, present, kept) if here and k and n not in keyed
                and n not in SOLUBLE and db.species[db.index[n]].phase == "solid"]
        if idle:
            notes.append("no leaching reaction, passed to the residue: " + ", ".join(idle))
        found = {g: gas[:, db.index[g]].max() > 0 for g in ("H2", "H2S", "HCL", "CL2", "O2")}
        if found["H2S"]:
            notes.append("sulfides release H2S in the acid: closed vessel, off-gas to caustic scrubbing")
        if found["CL2"]:
            notes.append("HCl leaching of layered oxides releases Cl2: scrub with caustic")
        if found["H2"] and found["O2"]:
            notes.append("off-gas holds H2 (residual Li, LiIn, Al) and O2 (from H2O2): dilute below 25 % LEL")
        elif found["H2"]:
            notes.append("off-gas holds H2 (residual Li, LiIn, Al): quench Li before leaching, vent and dilute")
        return notes
