"""H2 and other combustibles burnt with excess air: Cantera 'HP' equilibrium.

The gas burns with the enthalpy it arrives with (a hot furnace off-gas stays hot).
Air is added until the gas holds ``excess_air`` times the oxygen needed for complete
combustion of the species present (C -> CO2, S -> SO2, P -> P4O10, H -> HCl and HF as far as
Cl and F find H, the rest -> H2O); a gas already that lean gets no air. LiCl vapour from the
smelter takes part in the equilibrium as the gas it is; condensed fume passes through. The flame temperature and products (SO2 from H2S, ...) come from an adiabatic
equilibrium of the tracked gases (DOMAIN.md section 7: 4 % H2 in air burns to 628 K).
Heat released is evaluated at the feed temperature: the combustion heat the flue gas carries off.
"""
from __future__ import annotations

import numpy as np

from ..constants import AIR
from .base import Context, Param, Step, StepOutcome


class Flare(Step):
    type = "flare"
    gas_treatment = "combustion"
    summary = "Burn H2 and combustibles with excess air (Cantera HP equilibrium): flame temperature, SO2, heat."
    inlets = ("gas",)
    outlets = ("flue_gas",)
    params = (
        Param("excess_air", "number", 1.5, "air-to-fuel equivalence ratio lambda (oxygen fed / needed)",
              source="DOMAIN.md section 7 (lambda 1.5 example)"),
        Param("temperature", "quantity", "25 degC", "temperature of the combustion air (the gas keeps its own)",
              dimension="temperature"),
        Param("enabled", "flag", "true", "false passes the gas through unburnt"),
        Param("thermal_nox", "flag", "false",
              "let NO and NO2 form at equilibrium (an upper bound: thermal NOx is kinetically limited)",
              source="DOMAIN.md section 5: restrict equilibria to the species that really form"),
    )

    def run(self, inlets, ctx: Context) -> StepOutcome:
        db = ctx.db
        gas = inlets["gas"]
        reagents = np.zeros_like(gas)
        T_in = self["temperature"]
        if not self["enabled"]:
            return StepOutcome({"flue_gas": gas.copy()}, reagents, T_in, notes=["flare off: gas passes unburnt"],
                               media=("as_received",))
        el = {e: i for i, e in enumerate(db.elements)}
        atoms = db.element_totals(np.where(db.is_gas, gas, 0.0))      # fume takes no part in the flame

        def col(e):
            return atoms[:, el[e]] if e in el else 0.0

        o2_present = gas[:, db.index["O2"]]
        bound_o = col("O") - 2 * o2_present   # oxygen already in the fuel (H2O, CO, SO2, ethanol)
        # H left for water after Cl and F take what H there is as HCl and HF (Cl2 without H needs none)
        # (Cl held by LiCl vapour from a smelter takes no H)
        free_halogen = np.maximum(col("Cl") + col("F") - col("Li"), 0.0)
        h_for_water = col("H") - np.minimum(free_halogen, col("H"))
        o2_needed = col("C") + h_for_water / 4 + col("S") + col("P") * 1.25 - bound_o / 2
        o2_needed = np.maximum(o2_needed, 0.0)
        o2_add = np.maximum(self["excess_air"] * o2_needed - o2_present, 0.0) * (o2_needed > 0)
        for name, x in AIR.items():
            reagents[:, db.index[name]] = o2_add * x / AIR["O2"]
        feed = gas + reagents
        # Enthalpy of what burns: the gas species as they arrive (a hot furnace off-gas stays hot)
        # plus the air; fume (LiCl) and droplets pass through and take no part in the flame.
        streams = ctx.inlet_streams.get("gas")
        if streams:
            h_gas = sum(np.array([np.where(db.is_gas, a[b], 0.0) @ db.enthalpy(np.broadcast_to(T, (len(a),))[b])
                                  for b in range(len(a))]) for a, T in streams)
        else:
            h_gas = np.where(db.is_gas, gas, 0.0) @ db.enthalpy(T_in)
        h_total = h_gas + reagents @ db.enthalpy(T_in)
        sol = ctx.db.gas_solution(() if self["thermal_nox"] else ("NO", "NO2"))
        gas_idx = np.array([i for i in np.flatnonzero(db.is_gas) if db.names[i] in sol.species_names])
        order = [sol.species_index(db.names[i]) for i in gas_idx]
        out = np.zeros_like(gas)
        flame = np.full(len(gas), T_in)
        for b in range(len(gas)):
            total = feed[b, gas_idx].sum()
            if total <= 0 or o2_needed[b] <= 0:
                out[b] = feed[b]
                continue
            moles = np.zeros(sol.n_species)
            moles[order] = feed[b, gas_idx]
            mass = feed[b, gas_idx] @ db.molar_mass[gas_idx]
            sol.TPX = T_in, 101325.0, moles / total
            sol.HP = h_total[b] / mass, 101325.0
            sol.equilibrate("HP")
            n_out = sol.X * mass / (sol.mean_molecular_weight / 1000.0)
            out[b, gas_idx] = n_out[order]
            out[b, ~db.is_gas] = feed[b, ~db.is_gas]
            flame[b] = sol.T
        notes = []
        if self["excess_air"] < 1.0 and np.any(o2_needed > 0):
            notes.append(f"sub-stoichiometric air (lambda {self['excess_air']:g}): CO and H2 leave unburnt")
        if np.any(o2_needed > 0):
            notes.append(f"flame temperature {flame.max():.0f} K at lambda >= {self['excess_air']:g}")
        return StepOutcome({"flue_gas": out}, reagents, T_in, notes=notes, media=("combustion",),
                           from_air=reagents.copy(),      # combustion air
                           outlet_temperature={"flue_gas": flame},
                           quantities={"flame_temperature": (flame, "K", "adiabatic flame temperature"),
                                       "air": (o2_add / AIR["O2"] * 0.0289647, "kg" + ctx.per,
                                               "combustion air added")})
