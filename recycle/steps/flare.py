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
In a Monte Carlo batch (``Context.batch_equilibria``) the rows' equilibria are solved together
from Cantera's solution of one row and checked against Cantera (recycle.gas_equilibrium;
docs/methods.md); a single plan solves each row by Cantera.
"""
from __future__ import annotations

import warnings

import numpy as np

from ..constants import AIR
from .base import Context, Param, Step, StepOutcome

TOGETHER_MIN = 8              # distinct rows from which a batch's equilibria are solved together
CHECK_AMOUNT = 1e-8           # largest difference from Cantera on a checked row: of the row's flow
CHECK_TEMPERATURE = 1e-4      # K


def _frozen_temperature(thermo, moles, enthalpy, start):
    """Temperature (K) at which ``moles`` (rows, species of ``thermo``) hold ``enthalpy`` (J per
    row): Newton's method on sum n_k h_k(T), from ``start`` (K)."""
    from ..gas_equilibrium import R_MOLAR

    T = np.asarray(start, float).copy()
    for _ in range(50):
        h, _, cp = thermo.properties(T)
        step = (enthalpy / (R_MOLAR * T) - (moles * h).sum(axis=1)) / (moles * cp).sum(axis=1) * T
        T = T + step
        if np.all(np.abs(step) < 1e-9 * T):
            break
    return T


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
        keep = self._kept(sol)
        n = n_flame.copy()
        rest = np.where(keep, 0.0, n)
        burnout, at = self._burnout_gases(db, sol)      # NO and NO2 do not form there either
        burnout.TPX = self["burnout_temperature"], 101325.0, rest[at] / rest.sum()
        burnout.equilibrate("TP")
        n_rest = np.zeros_like(n)
        n_rest[at] = burnout.X * (rest @ sol.molecular_weights / 1000.0) / (burnout.mean_molecular_weight / 1000.0)
        n = np.where(keep, n, n_rest)
        sol.TPX = self["burnout_temperature"], 101325.0, n / n.sum()
        sol.HP = h_mass, 101325.0                       # frozen composition at the flame's enthalpy
        return n, sol.T

    def _equilibria(self, db, sol, feed, h_total, gas_idx, T_in, together: bool = False):
        """Flame and burnout of each row of ``feed`` (rows, gases in the order of ``gas_idx``;
        mol) burning with enthalpy ``h_total`` (J per row): (flue gas in that order, flame
        temperature K, exit temperature K, a note or None). Rows that burn the same gas with the
        same enthalpy (Monte Carlo samples that differ downstream only) are solved once.

        Each row is solved by Cantera's ``equilibrate``; with ``together`` (a Monte Carlo batch,
        ``Context.batch_equilibria``) and at least TOGETHER_MIN distinct rows, they are solved
        together from Cantera's solution of one of them (:mod:`recycle.gas_equilibrium`) and
        checked against Cantera on two more."""
        order = np.array([sol.species_index(db.names[i]) for i in gas_idx])
        moles = np.zeros((len(feed), sol.n_species))
        moles[:, order] = feed
        _, first, inverse = np.unique(np.c_[moles, h_total], axis=0, return_index=True, return_inverse=True)
        inverse = inverse.reshape(-1)
        n_u = np.empty((len(first), sol.n_species))
        flame_u, exit_u = np.empty(len(first)), np.empty(len(first))
        notes = []
        groups = [np.arange(len(first))]
        if together and len(first) >= TOGETHER_MIN:
            # rows are solved together where they hold the same elements (the element potential
            # of an absent element is not defined)
            elements = moles[first] @ self._thermo(db).a > 0
            patterns, group = np.unique(elements, axis=0, return_inverse=True)
            groups = [np.flatnonzero(group.reshape(-1) == g) for g in range(len(patterns))]
        for rows in groups:
            if together and len(rows) >= TOGETHER_MIN:
                try:
                    n_u[rows], flame_u[rows], exit_u[rows], note = self._together(db, sol, moles[first[rows]],
                                                                                  h_total[first[rows]])
                    notes.append(note)
                    continue
                except ValueError as exc:      # the burnout zone's rows hold different elements
                    notes.append(f"flare equilibria of {len(rows)} rows solved by Cantera one by one ({exc})")
            for r in rows:
                _, flame_u[r], n_u[r], exit_u[r] = self._cantera_row(db, sol, moles[first[r]], h_total[first[r]], T_in)
        return n_u[inverse][:, order], flame_u[inverse], exit_u[inverse], "; ".join(notes) or None

    def _cantera_row(self, db, sol, moles, h, T_in=298.15):
        """One row by Cantera: (flame composition, flame K, flue gas, exit K), moles in the
        order of ``sol``."""
        mass = moles @ sol.molecular_weights / 1000.0
        sol.TPX = T_in, 101325.0, moles / moles.sum()
        sol.HP = h / mass, 101325.0
        with warnings.catch_warnings():
            # HBr, HI, LiCl and P4O10 have NASA polynomials from 300 K: a lean gas that barely
            # warms (a few mol of HBr in air at 298 K) is evaluated 2 K below their range,
            # where the extrapolation changes h/RT by well under 0.1 % (S)
            warnings.filterwarnings("ignore", message="ChemEquil::equilibrate: Temperature")
            sol.equilibrate("HP")
        flame = sol.T
        n_flame = sol.X * mass / (sol.mean_molecular_weight / 1000.0)
        if flame > self["burnout_temperature"]:
            n_out, exit_t = self._burn_out(db, sol, n_flame, h / mass, mass)
        else:
            n_out, exit_t = n_flame, flame
        return n_flame, flame, n_out, exit_t

    def _thermo(self, db):
        """The flare's gases (all tracked gases; NO and NO2 only with ``thermal_nox``) as numpy
        coefficients (recycle.gas_equilibrium.GasThermo)."""
        return db.gas_thermo(() if self["thermal_nox"] else ("NO", "NO2"))

    @staticmethod
    def _burnout_gases(db, sol):
        """The burnout zone's gases (the flare's less NO and NO2, which it keeps as the flame
        made them: thermal NOx neither forms nor decomposes there) and the positions of its
        species in ``sol``."""
        burnout = db.gas_solution(("NO", "NO2"))
        return burnout, np.array([sol.species_index(name) for name in burnout.species_names])

    def _kept(self, sol) -> np.ndarray:
        """Species the burnout zone leaves as the flame made them (all but C-H-O-N-Ar; NO, NO2)."""
        burning = {"C", "H", "O", "N", "Ar"}
        return np.array([name in ("NO", "NO2") or not set(sol.species(k).composition) <= burning
                         for k, name in enumerate(sol.species_names)])

    def _together(self, db, sol, moles, h):
        """Distinct rows solved together (recycle.gas_equilibrium) from Cantera's solution of the
        middle row, then rows 0 and the last checked against Cantera; a row Newton's method does
        not converge is solved by Cantera. A check that differs by more than CHECK_AMOUNT of the
        flow or CHECK_TEMPERATURE puts every row back on Cantera (said in the note)."""
        from ..gas_equilibrium import equilibrate

        thermo = self._thermo(db)
        ref = len(moles) // 2
        ref_flame, ref_T, ref_out, _ = self._cantera_row(db, sol, moles[ref], h[ref])
        n_flame, flame, ok = equilibrate(thermo, moles, ref_flame, ref_T, enthalpy=h)
        out, exit_t = n_flame.copy(), flame.copy()
        burn = np.flatnonzero(flame > self["burnout_temperature"])
        if len(burn):
            keep = self._kept(sol)
            rest = np.where(keep, 0.0, n_flame[burn])
            start = np.where(keep, 0.0, ref_out) if ref_T > self["burnout_temperature"] else None
            if start is None:       # the reference row does not reach the burnout zone: one that does
                b0 = burn[0]
                start = np.where(keep, 0.0, self._cantera_row(db, sol, moles[b0], h[b0])[2])
            _, at = self._burnout_gases(db, sol)        # NO and NO2 neither form nor go there
            n_rest = np.zeros_like(rest)
            n_rest[:, at], _, ok_rest = equilibrate(db.gas_thermo(("NO", "NO2")), rest[:, at], start[at],
                                                    self["burnout_temperature"],
                                                    temperature=np.full(len(burn), self["burnout_temperature"]))
            out[burn] = np.where(keep, n_flame[burn], n_rest)
            exit_t[burn] = _frozen_temperature(thermo, out[burn], h[burn], flame[burn])
            ok[burn] &= ok_rest
        for b in np.flatnonzero(~ok):
            _, flame[b], out[b], exit_t[b] = self._cantera_row(db, sol, moles[b], h[b])
        worst_n, worst_t = 0.0, 0.0
        for b in {0, len(moles) - 1} - {ref}:
            _, t_c, n_c, exit_c = self._cantera_row(db, sol, moles[b], h[b])
            worst_n = max(worst_n, float(np.abs(out[b] - n_c).max() / n_c.sum()))
            worst_t = max(worst_t, abs(flame[b] - t_c), abs(exit_t[b] - exit_c))
        if worst_n > CHECK_AMOUNT or worst_t > CHECK_TEMPERATURE:
            solved = [self._cantera_row(db, sol, m, x) for m, x in zip(moles, h)]
            return (np.array([s[2] for s in solved]), np.array([s[1] for s in solved]),
                    np.array([s[3] for s in solved]),
                    (f"flare equilibria: the {len(moles)} rows solved together differed from Cantera by "
                     f"{worst_n:.1e} of the flow or {worst_t:.1e} K on a checked row: every row solved by Cantera"))
        return out, flame, exit_t, (
            f"flare equilibria of {len(moles)} rows solved together from Cantera's solution of one "
            f"(recycle.gas_equilibrium; {int((~ok).sum())} left to Cantera); on the rows checked against "
            f"Cantera they differ by at most {worst_n:.1e} of the flow and {worst_t:.1e} K")

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
        sol = ctx.db.gas_solution(() if self["thermal_nox"] else ("NO", "NO2"))     # as _thermo
        gas_idx = np.array([i for i in np.flatnonzero(db.is_gas) if db.names[i] in sol.species_names])
        out = feed.copy()          # rows with nothing to burn pass through
        flame = np.full(len(gas), T_in)
        exit_t = np.full(len(gas), T_in)
        burning = np.flatnonzero((feed[:, gas_idx].sum(axis=1) > 0) & (o2_needed > 0))
        notes = []
        if len(burning):
            out[np.ix_(burning, gas_idx)], flame[burning], exit_t[burning], note = self._equilibria(
                db, sol, feed[np.ix_(burning, gas_idx)], h_total[burning], gas_idx, T_in, ctx.batch_equilibria)
            notes += [note] if note else []
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
