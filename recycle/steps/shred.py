"""Shredding of (discharged) cells under argon or nitrogen.

Nitrogen is cheaper but hot, freshly cut Li reacts with it to Li3N (U: practice, no primary
source named; use argon around hot Li); the share of the metallic Li nitrided is a parameter. The shredder grinds
the Li metal together with the solid electrolyte and the cathode: grinding sulfide SSEs with Li
burns even in inert gas, more severely with charged cathodes (Luo 2024 section 2.2). A share of
the Li metal (``contact_reaction``, expected and worst case) reacts with what it is ground with
(reactions of ``chemistry/reactivity.yaml`` for the shredder medium: 8 Li + Li6PS5Cl -> 5 Li2S
+ Li3P + LiCl, Li + charged cathode -> discharged cathode, ...); the Li is shared among the
partners in proportion to the Li each can take up. The heat follows from Cantera enthalpies.
The shredder pulverises part of the Li (dead and pulverised Li floats on solvents and is an
ignition source, Luo 2024 sections 2.3 and 4.2) and sends a dust fraction to the filter.
"""
from __future__ import annotations

import numpy as np

from ..constants import MOLAR_VOLUME_25C
from ..flags import Flag
from .base import Context, Param, Step, StepOutcome, extent, react, split


class Shred(Step):
    type = "shred"
    pulverises = True
    summary = "Shred cells under argon or nitrogen (N2 + hot Li -> Li3N, flagged); dust and pulverised-Li fractions."
    inlets = ("cells",)
    outlets = ("shredded", "dust", "off_gas")
    params = (
        Param("atmosphere", "choice", "argon", "inert gas blanket", choices=("argon", "nitrogen"),
              source="argon, not N2, around hot Li: Li3N forms (U: no primary source named)"),
        Param("inert_gas", "quantity", "50 m^3/t", "inert gas purged per tonne of cells (at 25 C, 1 atm)",
              dimension="volume_per_mass", source="estimate of this project (S)"),
        Param("nitridation", "fraction", 0.01, "nitrogen blanket: share of the metallic Li turned into Li3N",
              source="estimate of this project (S); worst case 10x"),
        Param("dust_fraction", "fraction", 0.01, "share of the shredded mass carried to the dust filter",
              source="estimate of this project (S)"),
        Param("pulverised_li", "fraction", 0.3, "share of the metallic Li pulverised into fines",
              source="estimate of this project (S)"),
        Param("specific_energy", "quantity", "30 kWh/t", "shredder electricity per tonne",
              dimension="energy_per_mass", source="estimate of this project (S)"),
        Param("contact_reaction", "fraction", 0.01,
              "share of the metallic Li that reacts with the electrolyte and charged cathode ground with it",
              source="estimate of this project (S); Luo 2024 section 2.2 reports combustion on grinding sulfides with Li"),
        Param("contact_reaction_worst", "fraction", 1.0, "contact_reaction on worst-case rows (a fire in the shredder)",
              source="Luo 2024 section 2.2: 'an obvious combustion phenomenon' on grinding sulfide SSEs with Li, "
                     "even in an inert atmosphere"),
        Param("temperature", "quantity", "40 degC", "shredder temperature", dimension="temperature"),
    )

    def run(self, inlets, ctx: Context) -> StepOutcome:
        db = ctx.db
        cells = inlets["cells"]
        amounts = cells.copy()
        reagents = np.zeros_like(cells)
        mass = db.mass(np.where(db.is_gas, 0.0, cells))      # the cells, not the gas they hold
        gas_name = "Ar" if self["atmosphere"] == "argon" else "N2"
        purge = mass * self["inert_gas"] / MOLAR_VOLUME_25C
        reagents[:, db.index[gas_name]] += purge
        amounts[:, db.index[gas_name]] += purge
        notes = []
        li = db.index["Li(cr)"]
        if gas_name == "N2" and cells[:, li].any():
            f = ctx.pick(self["nitridation"], min(1.0, 10 * self["nitridation"]))
            reaction = ctx.reactions["li_nitridation"]
            amounts = react(amounts, reaction, extent(amounts, reaction, db, f))
            notes.append("nitrogen blanket with Li metal: Li3N forms (NH3 on later contact with water); use argon")
        medium = "argon_shredder" if gas_name == "Ar" else "nitrogen_shredder"
        amounts, flags = self._contact(amounts, medium, ctx, notes)
        gas, solids = split(amounts, db.is_gas)
        dust, shredded = split(solids, np.ones(db.n_species), self["dust_fraction"])
        li_fines = shredded[:, li] * self["pulverised_li"] * db.molar_mass[li]
        return StepOutcome(
            {"shredded": shredded, "dust": dust, "off_gas": gas}, reagents, self["temperature"],
            utilities={"electricity": mass * self["specific_energy"]}, notes=notes, media=(medium,), flags=flags,
            quantities={"pulverised_li": (li_fines, "kg" + ctx.per, "pulverised Li in the shredded mass (ignition source)")})

    def _contact(self, amounts, medium, ctx: Context, notes):
        """Li metal reacts with the electrolytes and charged cathodes it is ground with.

        Li available: ``contact_reaction`` x the metallic Li. Each partner can take up
        n_partner x (Li per partner) of it; the Li is shared in proportion to that capacity
        and no partner gives more than it has. Returns (amounts, flags)."""
        db = ctx.db
        li = db.index["Li(cr)"]
        if not amounts[:, li].any():
            return amounts, []
        b = ctx.reactivity.behaviour("Li(cr)", medium, self["temperature"])
        reactions = [ctx.reactions[r] for r in b.reactions if r != "li_nitridation"]
        partners = []
        for r in reactions:
            other = next(j for j in np.flatnonzero(r.stoich < 0) if j != li)
            per = -r.stoich[li] / -r.stoich[other]              # mol Li per mol partner
            partners.append((r, other, per, amounts[:, other] * per))
        capacity = sum(p[3] for p in partners) if partners else 0.0
        if not partners or not np.any(capacity > 0):
            return amounts, []
        f = ctx.pick(self["contact_reaction"], self["contact_reaction_worst"])
        available = np.minimum(f * amounts[:, li], capacity)
        before = amounts[:, li].copy()
        for r, other, per, cap in partners:
            li_used = available * cap / np.maximum(capacity, 1e-300)
            amounts = react(amounts, r, li_used / -r.stoich[li])
        reacted = before - amounts[:, li]
        kg = reacted * db.molar_mass[li]
        names = sorted({db.names[p[1]] for p in partners if p[3].any()})
        notes.append(f"Li metal ground with {', '.join(names)} reacts (Luo 2024 section 2.2: combustion on "
                     f"grinding): {kg.min():.3g} kg{ctx.per} of Li, worst case {kg.max():.3g}")
        return amounts, [Flag("contact_reaction", self.id, "Li(cr)", kg, "kg" + ctx.per,
                              f"Li metal reacts with the {', '.join(names)} it is ground with: heat, possible fire "
                              "even under inert gas (Luo 2024 section 2.2)")]
