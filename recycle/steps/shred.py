"""Shredding of (discharged) cells under argon or nitrogen.

Nitrogen is cheaper but hot, freshly cut Li reacts with it to Li3N (DOMAIN.md section 4: use
argon around hot Li); the share of the metallic Li nitrided is a parameter. The shredder
pulverises part of the Li (dead and pulverised Li floats on solvents and is an ignition
source, Luo 2024 sections 2.3 and 4.2) and sends a dust fraction to the filter.
"""
from __future__ import annotations

import numpy as np

from ..constants import MOLAR_VOLUME_25C
from .base import Context, Param, Step, StepOutcome, extent, react, split


class Shred(Step):
    type = "shred"
    summary = "Shred cells under argon or nitrogen (N2 + hot Li -> Li3N, flagged); dust and pulverised-Li fractions."
    inlets = ("cells",)
    outlets = ("shredded", "dust", "off_gas")
    params = (
        Param("atmosphere", "choice", "argon", "inert gas blanket", choices=("argon", "nitrogen"),
              source="DOMAIN.md section 4: argon, not N2, around hot Li"),
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
        Param("temperature", "quantity", "40 degC", "shredder temperature", dimension="temperature"),
    )

    def run(self, inlets, ctx: Context) -> StepOutcome:
        db = ctx.db
        cells = inlets["cells"]
        amounts = cells.copy()
        reagents = np.zeros_like(cells)
        mass = db.mass(cells)
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
        gas, solids = split(amounts, db.is_gas)
        dust, shredded = split(solids, np.ones(db.n_species), self["dust_fraction"])
        li_fines = shredded[:, li] * self["pulverised_li"] * db.molar_mass[li]
        return StepOutcome(
            {"shredded": shredded, "dust": dust, "off_gas": gas}, reagents, self["temperature"],
            utilities={"electricity": mass * self["specific_energy"]}, notes=notes,
            quantities={"pulverised_li": (li_fines, "kg" + ctx.per, "pulverised Li in the shredded mass (ignition source)")})
