"""H2 and other combustibles burnt with excess air: Cantera 'HP' equilibrium.

The gas burns with the enthalpy it arrives with (a hot furnace off-gas stays hot).
Air is added until the gas holds ``excess_air`` times the oxygen needed for complete
combustion of the species present (C -> CO2, S -> SO2, P -> P4O10, H -> HCl and HF as far as
Cl and F find H, the rest -> H2O); a gas already that lean gets no air. LiCl vapour from the
smelter takes part in the equilibrium as the gas it is; condensed fume passes through. The flame temperature and products (SO2 from H2S, ...) come from an adiabatic
equilibrium of the tracked gases (this project's Cantera 'HP' calculation: 4 % H2 in air burns
to 628 K). A burnout zone after the flame (``burnout_temperature``, 850 C) brings the C-H-O species to equilibrium
there, so CO and H2 burn out; the other species keep the flame's split.
Heat released is evaluated at the feed temperature: the combustion heat the flue gas carries off.
"""
from __future__ import annotations

import warnings

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
              source="estimate of this project (S): lambda 1.5, as in an example calculation (70/30 H2/H2S -> 1780 K)"),
        Param("temperature", "quantity", "25 degC", "temperature of the combustion air (the gas keeps its own)",
              dimension="temperature"),
        Param("enabled", "flag", "true", "false passes the gas through unburnt"),
        Param("burnout_temperature", "quantity", "850 degC",
              "temperature of the burnout zone after the flame, where the flue-gas composition freezes "
              "(CO and H2 burn out by equilibrium there); the flue gas leaves hotter if the flame is",
              dimension="temperature",
              source="Directive 2010/75/EU Art. 50(2): combustion gas held at 850 C or more for 2 s "
                     "(1100 C above 1 % halogenated organics); freezing the equilibrium there is this "
                     "project's simplification (S)"),
        Param("thermal_nox", "flag", "false",
              "let NO and NO2 form at equilibrium (an upper bound: thermal NOx is kinetically limited)",
              source="this project's practice with Cantera 3.2.0 (S): restrict equilibria to the species that really form"),
    )

    def _burn_out(self, db, sol, n_flame, h_mass, mass):
        """The flame's C-H-O products (CO, H2, hydrocarbons) brought to equilibrium at the
        burnout temperature, everything else kept as the flame made it (SO2 to SO3, NO and HCl
        to Cl2 are slow without a catalyst: equilibrium at 850 C would overstate SO3 and Cl2);
        then the temperature the flue gas of that composition has at the flame's enthalpy.
        Returns (moles in the order of ``sol``, outlet temperature K)."""
        burning = {"C", "H", "O", "N", "Ar"}
        keep = np.array([name in ("NO", "NO2") or not set(sol.species(k).composition) <= burning
                         for k, name in enumerate(sol.species_names)])
        n = n_flame.copy()
        rest = np.where(keep, 0.0, n)
        sol.TPX = self["burnout_temperature"], 101325.0, rest / rest.sum()
        sol.equilibrate("TP")
        n_rest = sol.X * (rest @ sol.molecular_weights / 1000.0) / (sol.mean_molecular_weight / 1000.0)
        n = np.where(keep, n, n_rest)
        sol.TPX = self["burnout_temperature"], 101325.0, n / n.sum()
        sol.HP = h_mass, 101325.0                       # frozen composition at the flame's enthalpy
        return n, sol.T

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
            h_gas = sum(db.stream_enthalpy(np.where(db.is_gas, a, 0.0), T) for a, T in streams)
        else:
            h_gas = np.where(db.is_gas, gas, 0.0) @ db.enthalpy(T_in)
        h_total = h_gas + reagents @ db.enthalpy(T_in)
        sol = ctx.db.gas_solution(() if self["thermal_nox"] else ("NO", "NO2"))
        gas_idx = np.array([i for i in np.flatnonzero(db.is_gas) if db.names[i] in sol.species_names])
        order = [sol.species_index(db.names[i]) for i in gas_idx]
        out = np.zeros_like(gas)
        flame = np.full(len(gas), T_in)
        exit_t = np.full(len(gas), T_in)
        solved = {}          # rows that burn the same gas with the same enthalpy (Monte Carlo samples
        for b in range(len(gas)):       # that differ downstream only) are solved once
            total = feed[b, gas_idx].sum()
            if total <= 0 or o2_needed[b] <= 0:
                out[b] = feed[b]
                continue
            key = (feed[b, gas_idx].tobytes(), float(h_total[b]))
            if key in solved:
                out[b, gas_idx], flame[b], exit_t[b] = solved[key]
                out[b, ~db.is_gas] = feed[b, ~db.is_gas]
                continue
            moles = np.zeros(sol.n_species)
            moles[order] = feed[b, gas_idx]
            mass = feed[b, gas_idx] @ db.molar_mass[gas_idx]
            sol.TPX = T_in, 101325.0, moles / total
            sol.HP = h_total[b] / mass, 101325.0
            with warnings.catch_warnings():
                # HBr, HI, LiCl and P4O10 have NASA polynomials from 300 K: a lean gas that barely
                # warms (a few mol of HBr in air at 298 K) is evaluated 2 K below their range,
                # where the extrapolation changes h/RT by well under 0.1 % (S)
                warnings.filterwarnings("ignore", message="ChemEquil::equilibrate: Temperature")
                sol.equilibrate("HP")
            flame[b] = sol.T
            n_out = sol.X * mass / (sol.mean_molecular_weight / 1000.0)
            if flame[b] > self["burnout_temperature"]:
                n_out, exit_t[b] = self._burn_out(db, sol, n_out, h_total[b] / mass, mass)
            else:
                exit_t[b] = flame[b]
            out[b, gas_idx] = n_out[order]
            out[b, ~db.is_gas] = feed[b, ~db.is_gas]
            solved[key] = (out[b, gas_idx].copy(), flame[b], exit_t[b])
        notes = []
        if self["excess_air"] < 1.0 and np.any(o2_needed > 0):
            notes.append(f"sub-stoichiometric air (lambda {self['excess_air']:g}): CO and H2 leave unburnt")
        if np.any(o2_needed > 0):
            notes.append(f"flame temperature {flame.max():.0f} K at lambda >= {self['excess_air']:g}")
        return StepOutcome({"flue_gas": out}, reagents, T_in, notes=notes, media=("combustion",),
                           from_air=reagents.copy(),      # combustion air
                           outlet_temperature={"flue_gas": exit_t},
                           quantities={"flame_temperature": (flame, "K", "adiabatic flame temperature"),
                                       "air": (o2_add / AIR["O2"] * 0.0289647, "kg" + ctx.per,
                                               "combustion air added")})
