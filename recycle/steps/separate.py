"""Mechanical separation of a shredded or quenched mass by sieving, flotation and filtration.

Components are split by their role in the cell with recovery fractions (parameters):
foils (Cu, Al collectors), plastics (pouch polymer), liquor (solvents with the dissolved
lithium alkoxides from the quench) and black mass (everything else: cathode, electrolyte,
carbon, binder, Li compounds).
"""
from __future__ import annotations

import numpy as np

from .base import Context, Param, Step, StepOutcome, electricity_param, split

ALKOXIDES = ("LiOC2H5(s)", "LiOC3H7(s)", "LiEtCO3(s)")  # soluble in the quench solvent
DISSOLVED = ALKOXIDES + ("C10H8(cr)",)   # and naphthalene, dissolved in the THF of its quench


class Separate(Step):
    type = "separate"
    summary = "Sieve/float/filter into black mass, foils, plastics and liquor by recovery fractions."
    inlets = ("feed",)
    outlets = ("black_mass", "foils", "plastics", "liquor", "off_gas")
    params = (
        Param("foil_recovery", "fraction", 0.95, "share of Cu and Al collectors sieved out as foils",
              source="estimate of this project (S); sieving recovers most foil as coarse fraction"),
        Param("plastic_recovery", "fraction", 0.9, "share of pouch polymer floated out",
              source="estimate of this project (S)"),
        Param("liquid_recovery", "fraction", 0.95, "share of the liquid (and dissolved alkoxides) filtered off",
              source="estimate of this project (S)"),
        Param("temperature", "quantity", "25 degC", "temperature", dimension="temperature"),
        electricity_param("30 kWh/t"),
    )

    def run(self, inlets, ctx: Context) -> StepOutcome:
        db = ctx.db
        feed = inlets["feed"]
        gas, rest = split(feed, db.is_gas)
        foils_mask = db.mask(role="anode_collector") | db.mask(role="cathode_collector")
        foils, rest = split(rest, foils_mask, self["foil_recovery"])
        plastics, rest = split(rest, db.mask(role="packaging"), self["plastic_recovery"])
        liquid_mask = db.mask(phase="liquid") | np.isin(db.names, DISSOLVED)
        liquor, black_mass = split(rest, liquid_mask, self["liquid_recovery"])
        return StepOutcome({"black_mass": black_mass, "foils": foils, "plastics": plastics,
                            "liquor": liquor, "off_gas": gas}, np.zeros_like(feed), self["temperature"],
                           media=("as_received",))
