"""Lithium quenching: metallic Li (and Li in Li-In) consumed by an alcohol or DEC.

Everything else in the feed reacts with the solvent as chemistry/reactivity.yaml says (LiBH4
gives 4 H2 in ethanol, Li3N gives NH3, Li3P PH3).

Li + EtOH -> LiOEt + 1/2 H2 (72.0 mol H2 per kg Li); DEC reacts slowly to Li ethyl carbonate
and ethyllithium, which the protic finish (ethanol) turns into C2H6 (Luo 2024 section 4.2:
ethanol, naphthalene or DEC consume Li mildly, Li-DEC forms slowly; the EtLi/C2H6 product
chemistry is this project's assumption, U). The off-gas leaves saturated with solvent vapour
where the solvent has a gas species (vapour pressure from Cantera Gibbs energies). The solvent feed is
metered so that H2 is generated no faster than ``max_h2_rate``.

Naphthalene (issue 19): Li dissolves in naphthalene/THF as lithium naphthalenide without H2, and
the ethanol finish turns it into LiOEt and 1,4-dihydronaphthalene (net 2 Li + C10H8 + 2 EtOH ->
2 LiOEt + C10H10, no H2; reactions.yaml li_naphthalene). THF is carried at ``thf_ratio`` mol per
mol of naphthalene in the vessel and recovered like the solvent. Li held back by ``conversion``
(not dissolved) meets the ethanol finish in the same vessel and gives H2. The vessel is kept under
nitrogen: filling it with the solution displaces its volume of blanket gas, saturated with THF
and naphthalene vapour, to the vent (the filling loss of a tank), besides the gas the reactions make.
"""
from __future__ import annotations

import numpy as np

from ..constants import MOLAR_VOLUME_25C, R_GAS
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
    "naphthalene": ("C10H8(cr)", "C10H8,naphthale"),
}
CARRIER = ("THF(L)", "THF")          # the ether that carries naphthalene (liquid, vapour)
BLANKET = "N2"


class Quench(Step):
    type = "quench"
    summary = "Consume Li metal with ethanol, isopropanol, DEC or naphthalene/THF (or water, hazardous); H2 (+C2H6), heat, cooling duty, addition time."
    inlets = ("feed",)
    outlets = ("slurry", "off_gas")
    params = (
        Param("solvent", "choice", "ethanol", "quench agent; 'none' skips the quench (Li passes on)",
              choices=("ethanol", "isopropanol", "DEC", "water", "naphthalene", "none"),
              source="Luo 2024 section 4.2: ethanol, naphthalene or DEC consume Li mildly"),
        Param("thf_ratio", "number", 12.25, "THF per mol of naphthalene in the vessel (mol/mol; naphthalene quench only)",
              source="estimate of this project (S): a 1 mol/L naphthalene solution, 883.3 g/L THF / 72.11 g/mol"),
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
        if solvent == "naphthalene" and np.any(held > 0):
            # Li that did not dissolve meets the ethanol finish in this vessel: H2 as in ethanol
            finished, more = react_in_medium(held, "ethanol", T, ctx, reagents, step=self.id)
            amounts, flags = amounts + finished, flags + more
            notes.append("Li not dissolved as naphthalenide (conversion < 1) meets the ethanol finish: H2")
            held = np.zeros_like(held)
        amounts = amounts + held
        demand = reagents[:, db.index[liquid]].copy()
        if solvent == "DEC":
            notes.append("DEC reacts slowly; ethyllithium finished with ethanol gives C2H6")
        if solvent == "naphthalene":
            notes.append("Li dissolves as lithium naphthalenide (no H2); the ethanol finish gives LiOEt and "
                         "1,4-dihydronaphthalene; THF and naphthalene are recovered")
        # The vessel holds `excess` x the demand; the unreacted part is distilled off and reused
        # except for the make-up, which leaves with the slurry (the loop itself is not a stream).
        excess = (self["excess"] - 1.0) * demand
        makeup = excess * (1.0 - self["solvent_recovery"])
        amounts[:, db.index[liquid]] += makeup
        reagents[:, db.index[liquid]] += makeup
        circulated = (demand + excess) * db.molar_mass[db.index[liquid]]
        vapours = [(liquid, vapour, solvent)] if vapour is not None else []
        if solvent == "naphthalene":
            # THF carried with the naphthalene: in the vessel, recovered, its make-up bought
            thf = self["thf_ratio"] * (demand + excess)
            thf_makeup = thf * (1.0 - self["solvent_recovery"])
            amounts[:, db.index[CARRIER[0]]] += thf_makeup
            reagents[:, db.index[CARRIER[0]]] += thf_makeup
            circulated = circulated + thf * db.molar_mass[db.index[CARRIER[0]]]
            vapours.insert(0, (CARRIER[0], CARRIER[1], "THF"))
        h2 = amounts[:, db.index["H2"]] - inlets["feed"][:, db.index["H2"]]
        if vapours:
            p_sat = {}
            for liq, vap, label in vapours:
                p_sat[vap] = vapour_pressure(db, liq, vap, T)
                if p_sat[vap] > 0.9 * P_STANDARD:
                    raise InputError(f"steps.{self.id}.temperature",
                                     f"{T - 273.15:.0f} C is at or above the boiling point of {label} at 1 atm "
                                     f"(vapour pressure {p_sat[vap] / 1000:.0f} kPa): the solvent boils; quench below it")
            p_vap = sum(p_sat.values())
            gas_moles = amounts[:, db.is_gas].sum(axis=1)
            if solvent == "naphthalene":
                # nitrogen blanket displaced by the solution charged (THF and naphthalene by volume)
                filled = (thf * db.molar_mass[db.index[CARRIER[0]]] / db.density[db.index[CARRIER[0]]]
                          + (demand + excess) * db.molar_mass[db.index[liquid]] / db.density[db.index[liquid]])
                blanket = filled * (P_STANDARD - p_vap) / (R_GAS * T)
                amounts[:, db.index[BLANKET]] += blanket
                reagents[:, db.index[BLANKET]] += blanket
                gas_moles = gas_moles + blanket
            if p_vap > 0.9 * P_STANDARD:
                raise InputError(f"steps.{self.id}.temperature",
                                 f"{T - 273.15:.0f} C: the vapour pressures of the quench liquids sum to "
                                 f"{p_vap / 1000:.0f} kPa, near 1 atm; quench below it")
            for liq, vap, label in vapours:
                evaporated = np.minimum(gas_moles * p_sat[vap] / (P_STANDARD - p_vap), amounts[:, db.index[liq]])
                amounts[:, db.index[liq]] -= evaporated
                amounts[:, db.index[vap]] += evaporated
                notes.append(f"off-gas saturated with {label} vapour ({p_sat[vap] / 1000:.2f} kPa at {T - 273.15:.0f} C)")
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
