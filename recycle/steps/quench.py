"""Lithium quenching: metallic Li (and Li in Li-In) consumed by an alcohol or DEC.

Everything else in the feed reacts with the solvent as chemistry/reactivity.yaml says (LiBH4
gives 4 H2 in ethanol, Li3N gives NH3, Li3P PH3).

Li + EtOH -> LiOEt + 1/2 H2 (72.0 mol H2 per kg Li); DEC reacts slowly to Li ethyl carbonate
and ethyllithium, which the protic finish (ethanol) turns into C2H6 (Luo 2024 section 4.2:
ethanol, naphthalene or DEC consume Li mildly, Li-DEC forms slowly; the EtLi/C2H6 product
chemistry is this project's assumption, U). The off-gas leaves saturated with solvent vapour
where the solvent has a gas species (vapour pressure from Cantera Gibbs energies). The solvent feed is
metered so that H2 is generated no faster than ``max_h2_rate``.
"""
from __future__ import annotations

import numpy as np

from ..constants import MOLAR_VOLUME_25C
from ..errors import InputError
from ..flags import Flag
from .base import (
    P_STANDARD,
    Context,
    Param,
    Step,
    StepOutcome,
    electricity_param,
    react_in_medium,
    split,
    vapour_pressure,
)

SOLVENTS = {  # solvent choice -> (liquid species, vapour species or None)
    "ethanol": ("C2H5OH(L)", "C2H5OH"),
    "isopropanol": ("C3H7OH(L)", None),
    "DEC": ("DEC(L)", None),
    "water": ("H2O(L)", "H2O"),
}


class Quench(Step):
    type = "quench"
    summary = "Consume Li metal with ethanol, isopropanol or DEC (or water, hazardous); H2 (+C2H6), heat, cooling duty, addition time."
    inlets = ("feed",)
    outlets = ("slurry", "off_gas")
    params = (
        Param("solvent", "choice", "ethanol", "quench agent; 'none' skips the quench (Li passes on)",
              choices=("ethanol", "isopropanol", "DEC", "water", "none"),
              source="Luo 2024 section 4.2: ethanol, naphthalene or DEC consume Li mildly"),
        Param("excess", "number", 3.0, "solvent in the vessel per mol needed by the reactions (mol/mol, >= 1)",
              source="estimate of this project (S): Li is slurried in excess alcohol", minimum=1.0),
        Param("solvent_recovery", "fraction", 0.9, "share of the unreacted solvent distilled off and reused",
              source="estimate of this project (S)"),
        Param("conversion", "fraction", 1.0, "share of the metallic Li that reacts"),
        Param("temperature", "quantity", "25 degC", "vessel temperature (cooled)", dimension="temperature"),
        Param("max_h2_rate", "quantity", "10 m^3/h", "limit on H2 generation (at 25 C, 1 atm) that sets the addition time",
              dimension="volume_rate", source="estimate of this project (S); size it with the vent and flare",
              positive=True),
        Param("h2_interlock", "flag", "true",
              "H2 detection that stops the solvent addition (a protection layer of the quench-loss scenario)",
              source="CCPS LOPA practice: an alarm or interlock with operator response, PFD 0.1 (chemistry/scenarios.yaml)"),
        electricity_param("20 kWh/t"),
    )

    def run(self, inlets, ctx: Context) -> StepOutcome:
        db = ctx.db
        amounts = inlets["feed"].copy()
        reagents = np.zeros_like(amounts)
        notes: list[str] = []
        solvent = self["solvent"]
        T = self["temperature"]
        if solvent == "none":
            li = amounts[:, db.index["Li(cr)"]].sum()
            if li > 0:
                notes.append("quench skipped: metallic Li passes on unreacted (its H2 and heat move downstream)")
            gas, slurry = split(amounts, db.is_gas)
            return StepOutcome({"slurry": slurry, "off_gas": gas}, reagents, T, notes=notes, media=("as_received",))
        liquid, vapour = SOLVENTS[solvent]
        # Every species in the feed reacts as chemistry/reactivity.yaml says it does in this solvent:
        # Li and LiIn give H2, LiBH4 H2, Li3N NH3, ethyllithium C2H6 (the DEC quench is finished
        # with ethanol). The conversion parameter holds back part of the metallic Li, which is
        # then metered here and reported.
        held = np.zeros_like(amounts)
        if self["conversion"] < 1.0:
            for metal in ("Li(cr)", "LiIn(s)"):
                held[:, db.index[metal]] = amounts[:, db.index[metal]] * (1.0 - self["conversion"])
        amounts, flags = react_in_medium(amounts - held, solvent, T, ctx, reagents, step=self.id)
        amounts = amounts + held
        demand = reagents[:, db.index[liquid]].copy()
        if solvent == "DEC":
            notes.append("DEC reacts slowly; ethyllithium finished with ethanol gives C2H6")
        # The vessel holds `excess` x the demand; the unreacted part is distilled off and reused
        # except for the make-up, which leaves with the slurry (the loop itself is not a stream).
        excess = (self["excess"] - 1.0) * demand
        makeup = excess * (1.0 - self["solvent_recovery"])
        amounts[:, db.index[liquid]] += makeup
        reagents[:, db.index[liquid]] += makeup
        circulated = (demand + excess) * db.molar_mass[db.index[liquid]]
        h2 = amounts[:, db.index["H2"]] - inlets["feed"][:, db.index["H2"]]
        if vapour is not None:
            gas_moles = amounts[:, db.is_gas].sum(axis=1)
            p_sat = vapour_pressure(db, liquid, vapour, T)
            if p_sat > 0.9 * P_STANDARD:
                raise InputError(f"steps.{self.id}.temperature",
                                 f"{T - 273.15:.0f} C is at or above the boiling point of {solvent} at 1 atm "
                                 f"(vapour pressure {p_sat / 1000:.0f} kPa): the solvent boils; quench below it")
            evaporated = np.minimum(gas_moles * p_sat / (P_STANDARD - p_sat), amounts[:, db.index[liquid]])
            amounts[:, db.index[liquid]] -= evaporated
            amounts[:, db.index[vapour]] += evaporated
            notes.append(f"off-gas saturated with {solvent} vapour ({p_sat / 1000:.2f} kPa at {T - 273.15:.0f} C)")
        if solvent == "water":
            notes.append("water quench of Li metal is violent (H2, heat): hazardous option")
        gas, slurry = split(amounts, db.is_gas)
        h2_volume = h2 * MOLAR_VOLUME_25C
        if ctx.rate_basis:
            quantities = {"h2_rate": (h2_volume * 3600.0, "m^3/h", "H2 generation rate at 25 C, 1 atm")}
            if np.any(h2_volume > self["max_h2_rate"]):
                notes.append("H2 generation exceeds max_h2_rate: split the feed over parallel quench vessels")
        else:
            quantities = {"addition_time": (h2_volume / self["max_h2_rate"] / 3600.0, "h",
                                            "solvent addition time that keeps H2 under max_h2_rate")}
        quantities["solvent_circulated"] = (circulated, "kg" + ctx.per, "solvent in the vessel (mostly reused)")
        held_kg = held[:, db.index["Li(cr)"]] * db.molar_mass[db.index["Li(cr)"]]
        if np.any(held_kg > 0):
            flags.append(Flag("survives_rate_limit", self.id, "Li(cr)", held_kg, "kg" + ctx.per,
                              "metallic Li left unquenched (conversion < 1): it reacts in the next wet step"))
        return StepOutcome({"slurry": slurry, "off_gas": gas}, reagents, T, notes=notes,
                           quantities=quantities, media=(solvent,), flags=flags)
