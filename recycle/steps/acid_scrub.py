"""Acid scrubbing of ammonia (sulfuric acid): NH3 is not absorbed by caustic.

2 NH3 + H2SO4 -> (NH4)2SO4 (reaction tagged ``acid_scrub.H2SO4``); NH3 is a base, absorbed in acid,
not in caustic (textbook chemistry, no primary source named).
"""
from __future__ import annotations

import numpy as np

from .base import (
    PACKED_TOWER,
    Context,
    Param,
    Step,
    StepOutcome,
    extent,
    fan_and_pump_power,
    react_fed,
    split,
)


class AcidScrub(Step):
    type = "acid_scrub"
    gas_treatment = "absorption"
    summary = "Absorb NH3 in sulfuric acid to ammonium sulfate; clean gas on, liquor to treatment."
    inlets = ("gas",)
    outlets = ("clean_gas", "liquor")
    params = (
        Param("reagent", "choice", "H2SO4", "acid", choices=("H2SO4",)),
        Param("removal", "fraction", 0.98, "NH3 removal efficiency",
              source="EPA-452/F-03-015: packed-bed absorbers remove 95-99 % of soluble gases"),
        Param("acid_excess", "number", 1.1, "acid fed per mol consumed (mol/mol)", source="estimate of this project (S)"),
    ) + PACKED_TOWER

    def run(self, inlets, ctx: Context) -> StepOutcome:
        db = ctx.db
        amounts = inlets["gas"].copy()
        reagents = np.zeros_like(amounts)
        acid = "H2SO4(L)"
        for reaction in ctx.reactions_tagged(f"acid_scrub.{self['reagent']}"):
            xi = extent(amounts, reaction, db, self["removal"])
            amounts = react_fed(amounts, reagents, reaction, xi, db, acid, self["acid_excess"])
        clean, liquor = split(amounts, db.is_gas)
        power = fan_and_pump_power(inlets["gas"], db, self["pressure_drop"], self["liquid_to_gas"],
                                   self["machine_efficiency"])
        return StepOutcome({"clean_gas": clean, "liquor": liquor}, reagents, self["temperature"],
                           utilities={"electricity": power}, media=("acid_scrubber",),
                           aqueous_outlets=("liquor",), dissolved_reagents=("H2SO4(L)",))
