"""Alkaline wet scrubbing of acid gases (packed tower, NaOH solution or lime slurry).

Each acid gas is absorbed with its removal efficiency and neutralised by its reaction tagged
``scrub.NaOH`` in ``chemistry/reactions.yaml`` (H2S -> Na2S, HCl -> NaCl, SO2 -> Na2SO3, HF ->
NaF, Cl2 -> NaCl + NaOCl, CO2 -> Na2CO3). Packed-bed scrubbers remove 95-99 % of inorganic
acid gases (US EPA-452/F-03-015, packed-bed wet scrubber fact sheet). NH3 is not absorbed in
caustic: it needs an acid stage. The brine's salts, acids and bases are dissolved (chemistry/aqueous.yaml).

CO2 is not a gas the tower is designed for: it co-absorbs at the rate its reaction with the
liquor's free hydroxide allows (recycle/absorption.py, chemistry/absorption.yaml), in the
tower sized for the best-removed acid gas. The free hydroxide is the caustic left in the brine,
(caustic_excess - 1) / caustic_excess of the caustic fed, at its feed concentration (or a
saturated lime slurry), so a tighter excess picks up less CO2.
"""
from __future__ import annotations

import math

import numpy as np

from ..absorption import HTU, co2_film_ratio, co2_removal
from ..units import Q_
from .base import (
    PACKED_TOWER,
    Context,
    Param,
    Step,
    StepOutcome,
    co_reactant_demand,
    extent,
    fan_and_pump_power,
    react,
    span,
    split,
)


class Scrub(Step):
    type = "scrub"
    gas_treatment = "absorption"
    summary = "Absorb acid gases (H2S, HCl, HF, SO2, Cl2, CO2) in caustic; clean gas to stack, brine to treatment."
    inlets = ("gas",)
    outlets = ("clean_gas", "brine")
    params = (
        Param("reagent", "choice", "NaOH", "alkaline reagent: caustic soda, or hydrated lime slurry",
              choices=("NaOH", "CaOH2"), source="acid gases absorbed in alkaline solution (Luo 2024 section 4.2); NaOH or Ca(OH)2 slurry: choice of this project (S)"),
        Param("removal", "fraction", 0.98, "removal efficiency for acid gases (H2S, HCl, HF, SO2, SO3, Cl2)",
              source="EPA-452/F-03-015: packed-bed scrubbers remove 95-99 % of inorganic acid gases"),
        Param("removal_by_gas", "fractions", "HCL: 0.999", "removal efficiency of single gases, overriding `removal`",
              choices=("H2S", "HCL", "HF", "SO2", "SO3", "CL2", "P4O10", "LiCL", "Li2CL2", "HBr", "HI", "Br2", "I2"),
              source="> 99.9 % for HCl in a countercurrent tower (U: no primary source named)"),
        Param("caustic_excess", "number", 1.1, "alkali fed per mol consumed (mol/mol)",
              source="estimate of this project (S)"),
        Param("caustic_concentration", "fraction", 0.10, "alkali mass fraction of the scrubbing liquor",
              source="caustic liquor 5-15 % NaOH (U: no primary source named)", positive=True),
    ) + PACKED_TOWER

    def run(self, inlets, ctx: Context) -> StepOutcome:
        db = ctx.db
        gas = inlets["gas"]
        amounts = gas.copy()
        base = {"NaOH": "NaOH(a)", "CaOH2": "CaO2H2(s)"}[self["reagent"]]
        co2 = self._co2_removal(gas, ctx)
        consumed = np.zeros(len(gas))
        for reaction in ctx.reactions_tagged(f"scrub.{self['reagent']}"):
            fraction = (co2 if reaction.key == "CO2"
                        else self["removal_by_gas"].get(reaction.key, self["removal"]))
            xi = extent(amounts, reaction, db, fraction)
            need = co_reactant_demand(reaction, xi, db, base)
            amounts[:, db.index[base]] += need
            consumed += need
            amounts = react(amounts, reaction, xi)
        reagents = np.zeros_like(gas)
        fed = consumed * self["caustic_excess"]
        amounts[:, db.index[base]] += fed - consumed
        water = fed * db.molar_mass[db.index[base]] * (1 - self["caustic_concentration"]) \
            / self["caustic_concentration"] / db.molar_mass[db.index["H2O(L)"]]
        amounts[:, db.index["H2O(L)"]] += water
        reagents[:, db.index[base]] = fed
        reagents[:, db.index["H2O(L)"]] = water
        clean, brine = split(amounts, db.is_gas)
        power = fan_and_pump_power(gas, db, self["pressure_drop"], self["liquid_to_gas"], self["machine_efficiency"])
        notes = []
        if self["reagent"] == "CaOH2" and gas[:, db.index["CL2"]].any():
            notes.append("Cl2 is not absorbed by the lime model (no hypochlorite data): it passes")
        if np.any(gas[:, db.index["NH3"]] > 1e-6 * gas[:, db.is_gas].sum(axis=1)):
            notes.append("NH3 is not absorbed by caustic: add an acid stage (acid_scrub)")
        if gas[:, db.index["CO2"]].any():
            notes.append(f"CO2 co-absorbed: {span(co2, '.1%')} (reaction-limited in the liquor's free hydroxide)")
        return StepOutcome({"clean_gas": clean, "brine": brine}, reagents, self["temperature"], notes=notes,
                           media=("caustic_scrubber",), aqueous_outlets=("brine",), dissolved_reagents=("NaOH(a)",),
                           utilities={"electricity": power},
                           quantities={"caustic": (fed * db.molar_mass[db.index[base]], "kg" + ctx.per,
                                                   f"{self['reagent']} fed (as 100 %)"),
                                       "co2_absorbed": (np.broadcast_to(co2, (len(gas),)).copy(), "", "share of the CO2 absorbed")})

    def free_hydroxide(self, db) -> float:
        """Free OH- in the brine, mol per kg of water: the caustic fed beyond what reacts, at the
        feed concentration; a lime slurry holds its saturation (chemistry/absorption.yaml). One
        value per batch row where the caustic excess is sampled per row."""
        if self["reagent"] == "CaOH2":
            return float(Q_(str(db.data("absorption.yaml")["lime"]["hydroxide"]["value"])).to("mol/kg").magnitude)
        w = self["caustic_concentration"]
        fed = w / db.molar_mass[db.index["NaOH(a)"]] / (1.0 - w)                     # mol NaOH per kg water
        return fed * (self["caustic_excess"] - 1.0) / self["caustic_excess"]

    def _co2_removal(self, gas: np.ndarray, ctx: Context) -> float:
        """Share of the CO2 absorbed in the tower sized for the best-removed acid gas it gets
        (one value per batch row where the removal or the caustic excess is sampled per row)."""
        db = ctx.db
        removals = [self["removal"]] + [r for name, r in self["removal_by_gas"].items()
                                        if name in db.index and gas[:, db.index[name]].max() > 0]
        if isinstance(self["removal"], np.ndarray):
            ntu = np.log(1.0 / (1.0 - np.minimum(np.maximum.reduce(np.broadcast_arrays(*removals)), 0.99999)))
        else:
            ntu = math.log(1.0 / (1.0 - min(max(removals), 0.99999)))
        ratio = co2_film_ratio(db.data("absorption.yaml"), self["temperature"], self.free_hydroxide(db),
                               self["gas_velocity"], HTU)
        return co2_removal(ntu, ratio)
