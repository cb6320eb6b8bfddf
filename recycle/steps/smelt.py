"""Pyrometallurgical smelting with coke: alloy, slag and off-gas by Gibbs-energy minimisation.

The feed, the coke, the lime flux and the blown oxidant are brought to equilibrium at the bath
temperature with Cantera's multiphase solver (``recycle/multiphase.py``) over the phases of
``chemistry/smelter.yaml``: an ideal gas (with LiCl vapour), an ideal oxide slag, an ideal
Ni-Co-Cu-Fe-Mn-In alloy, molten LiCl and unburnt coke. The equilibrium decides, from the
species' Gibbs energies, how much Ni, Co and Cu reduce into the alloy, what the slag keeps,
which gases leave (CO/CO2, SO2 or H2S, HCl, LiCl) and how much O2 is left: no free O2 sits
beside metal and no Cl2 forms while Li, H or Ca can take the chlorine.

The oxygen potential follows from the coke and the oxidant. The oxidant is metered for a
blowing target (``blowing_target`` of ``chemistry/smelter.yaml``: slag oxides, SO2, H2O,
alloy metals reduced, carbon to CO and CO2 at ``co_fraction``); oxygen the feed brings beyond
it (charged cathodes) is not removed. Lime is added where F and Cl exceed the Li (less what
phosphate takes) and the H, so CaF2 and CaCl2 can bind them (never Cl2 or F2).
Li metal (dead and pulverised Li included) is oxidised: it is fast at these temperatures.

Published partitions to compare with (docs/methods.md): Ren et al. 2017 (Trans. Nonferrous
Met. Soc. China 27, 450): 98.39 % Ni, 98.83 % Co, 93.57 % Cu into the alloy at 1723 K;
Danczak et al. 2020 (Batteries 6, 16): Li, Mn and La deport predominantly to the slag.

The step reports its enthalpy duty, H(products at T) - H(feed and reagents at 25 C), in J per
batch (W on a throughput basis); the simulator's duty instead takes the feed at its arrival
temperature and reagents at T. Species of the equilibrium whose thermo data stop more than
25 K below T are named in a note. A solver failure is an error naming the step; there is no
fallback model.
"""
from __future__ import annotations

import numpy as np

from ..constants import AIR
from ..errors import InputError
from ..multiphase import P_EQUILIBRIUM, equilibrate, phase_system
from .base import T_STANDARD, Context, Param, Step, StepOutcome, electricity_param

SMELTER_FILE = "smelter.yaml"
ALLOY_METALS = ("Ni", "Co", "Cu", "Fe", "Mn", "In")     # recoveries reported for these
TRACE = 1e-12     # mol per mol of the row's products: amounts below are solver noise, set to zero


class Smelt(Step):
    type = "smelt"
    summary = ("Smelt cells or black mass with coke: Gibbs-energy minimisation (Cantera) over gas, slag, "
               "alloy and salt; Ni/Co/Cu to alloy, Li/Al/Mn to slag, S -> SO2, halides -> LiCl and HCl.")
    inlets = ("feed",)
    outlets = ("alloy", "slag", "off_gas")
    params = (
        Param("temperature", "quantity", "1450 degC", "bath temperature; alloy, slag and off-gas leave at it",
              dimension="temperature",
              source="Ren et al. 2017, Trans. Nonferrous Met. Soc. China 27, 450: optimum 1723 K"),
        Param("coke", "fraction", 0.026, "coke fed per kg of feed (kg/kg), counted as carbon",
              source="Ma et al. 2024 (Nat. Commun.), pyro route 0.026 kg coke/kg (DOMAIN.md section 8)"),
        Param("lime", "fraction", 0.0, "CaO flux fed per kg of feed (kg/kg)",
              source="estimate of this project (S): slag formers are optional here; Ren 2017 used "
                     "copper slag at 4:1, not modelled"),
        Param("co_fraction", "fraction", 0.9, "CO share of the carbon the oxidant is metered for "
              "(mol CO per mol CO + CO2): sets the bath's oxygen potential",
              source="estimate of this project (S): a reducing bath, post-combustion above it. The "
                     "ideal-solution equilibrium then recovers 97 % of the Ni and 84 % of the Co of an "
                     "LLZO-NCM811 cell, against 98.4 % and 98.8 % in Ren et al. 2017 (tests/test_smelt.py)"),
        Param("oxidant", "choice", "oxygen", "gas blown to close the oxygen balance",
              choices=("oxygen", "air"),
              source="estimate of this project (S): oxygen-enriched blowing as in bath smelting"),
        electricity_param("700 kWh/t"),
    )

    def run(self, inlets, ctx: Context) -> StepOutcome:
        db = ctx.db
        feed = inlets["feed"]
        T = self["temperature"]
        idx = db.index
        data = db.data(SMELTER_FILE)
        where = f"step {self.id} ({self.type})"
        feed_mass = db.mass(feed)
        reagents = np.zeros_like(feed)
        reagents[:, idx["C(gr)"]] = self["coke"] * feed_mass / db.molar_mass[idx["C(gr)"]]
        reagents[:, idx["CaO(s)"]] = self["lime"] * feed_mass / db.molar_mass[idx["CaO(s)"]]
        el = self._elements(db, feed + reagents)

        # lime so that CaF2 and CaCl2 can bind the F and Cl that Li (less phosphate) and H cannot
        halide_excess = el("F") + el("Cl") - np.maximum(el("Li") - 3 * el("P"), 0.0) - el("H")
        extra_cao = np.maximum(halide_excess / 2 - el("Ca"), 0.0)
        reagents[:, idx["CaO(s)"]] += extra_cao
        el = self._elements(db, feed + reagents)

        o2_blown = np.maximum(self._oxygen_target(data, db, el) - el("O"), 0.0) / 2
        blown = AIR if self["oxidant"] == "air" else {"O2": 1.0}
        from_air = np.zeros_like(reagents)
        for gas, x in blown.items():
            reagents[:, idx[gas]] += o2_blown * x / blown["O2"]
            if self["oxidant"] == "air":
                from_air[:, idx[gas]] += o2_blown * x / blown["O2"]

        atoms = db.element_totals(feed + reagents)
        present = {e for e, n in zip(db.elements, atoms.max(axis=0)) if n > 0}
        system = phase_system(db, data["phases"], T, present, f"chemistry/{SMELTER_FILE}")
        products = np.zeros_like(feed)
        for row in range(len(feed)):
            if not atoms[row].any():
                continue
            moles = equilibrate(system, dict(zip(db.elements, atoms[row])), where)
            moles[moles < TRACE * moles.sum()] = 0.0
            np.add.at(products[row], system.db_index, moles)

        port = {p: np.zeros(db.n_species, dtype=bool) for p in self.outlets}
        for name, spec in data["phases"].items():
            for species in spec["species"]:
                port[data["outlets"][name]][idx[species]] = True
        outlets = {p: np.where(mask, products, 0.0) for p, mask in port.items()}

        duty = products @ db.enthalpy(T) - (feed + reagents) @ db.enthalpy(T_STANDARD)
        recovery = self._recoveries(db, outlets["alloy"], atoms)
        gas_moles = outlets["off_gas"][:, db.is_gas].sum(axis=1)
        p_o2 = np.divide(products[:, idx["O2"]], gas_moles, out=np.zeros(len(feed)), where=gas_moles > 0) \
            * P_EQUILIBRIUM / 1e5                                                            # bar
        notes = self._notes(db, system, products, T, el, extra_cao, recovery, p_o2, duty, ctx.rate_basis)
        per = ctx.per
        mm = db.molar_mass
        quantities = {
            "enthalpy_duty": (duty, "J" + per, ("H(products at T) - H(feed, coke, flux, oxidant at 25 C); "
                                                "negative: heat surplus")),
            "coke": (reagents[:, idx["C(gr)"]] * mm[idx["C(gr)"]], "kg" + per, "coke fed (as carbon)"),
            "lime": (reagents[:, idx["CaO(s)"]] * mm[idx["CaO(s)"]], "kg" + per, "CaO flux fed"),
            "oxygen": (o2_blown * mm[idx["O2"]], "kg" + per, "O2 blown (as pure O2, air or not)"),
            "alloy": (db.mass(outlets["alloy"]), "kg" + per, "alloy tapped"),
            "slag": (db.mass(outlets["slag"]), "kg" + per, "slag tapped"),
            "oxygen_partial_pressure": (p_o2, "bar", "O2 partial pressure of the off-gas at equilibrium"),
        }
        for metal, share in recovery.items():
            quantities[f"{metal}_to_alloy"] = (share, "", f"share of the feed's {metal} reduced into the alloy")
        return StepOutcome(outlets, reagents, T, notes=notes, media=("smelter",), from_air=from_air,
                           utilities={"heat": np.maximum(duty, 0.0)}, quantities=quantities)

    def _elements(self, db, amounts):
        """A lookup element -> moles per batch row (zeros for an absent element)."""
        atoms = db.element_totals(amounts)
        zero = np.zeros(len(amounts))
        return lambda e: atoms[:, db.elements.index(e)] if e in db.elements else zero

    def _oxygen_target(self, data, db, el) -> np.ndarray:
        """O atoms (mol) the blowing target holds: chemistry/smelter.yaml blowing_target, carbon
        to CO and CO2 at co_fraction."""
        per_atom = data["blowing_target"]["oxygen_per_atom"]
        present = [e for e in db.elements if e not in ("O", "C") and np.any(el(e) > 0)]
        missing = sorted(e for e in present if e not in per_atom)
        if missing:
            raise InputError(f"chemistry/{SMELTER_FILE}: blowing_target.oxygen_per_atom",
                             f"no oxidation target for element(s) {missing} fed to step {self.id}")
        target = sum(per_atom[e] * el(e) for e in present)
        return target + (2.0 - self["co_fraction"]) * el("C")

    @staticmethod
    def _recoveries(db, alloy, atoms) -> dict[str, np.ndarray]:
        """Share of each alloy metal of the feed that reports to the alloy."""
        in_alloy = db.element_totals(alloy)
        out = {}
        for metal in ALLOY_METALS:
            if metal in db.elements:
                e = db.elements.index(metal)
                if np.any(atoms[:, e] > 0):
                    out[metal] = np.divide(in_alloy[:, e], atoms[:, e], out=np.zeros(len(alloy)), where=atoms[:, e] > 0)
        return out

    def _notes(self, db, system, products, T, el, extra_cao, recovery, p_o2, duty, rate_basis: bool) -> list[str]:
        idx = db.index
        notes = []
        if np.any(el("S") > 0):
            notes.append("sulfur leaves as SO2 (and H2S, COS where the bath is reducing): not recovered, scrub the off-gas")
        vapour = products[:, idx["LiCL"]] + 2 * products[:, idx["Li2CL2"]]
        if np.any(vapour > 0):
            notes.append("chloride evaporates as LiCl vapour (bp 1655 K) with the off-gas, condenses to fume and is "
                         "caught by the scrubber; the rest leaves as HCl")
        if np.any(extra_cao > 0):
            notes.append("F and Cl beyond Li and H: lime added so that CaF2 and CaCl2 bind them")
        if recovery:
            valuable = [m for m in ("Ni", "Co", "Cu") if m in recovery] or list(recovery)
            worst = min(valuable, key=lambda m: recovery[m].min())
            notes.append("Gibbs equilibrium (ideal solutions): "
                         + ", ".join(f"{m} {100 * r.min():.1f} %" for m, r in recovery.items())
                         + f" to the alloy, pO2 {p_o2.max():.2g} bar; {worst} is the metal the oxygen potential "
                         "costs most (raise co_fraction or coke for a more reducing bath)")
        if np.any(duty < 0):
            notes.append("autothermal: oxidation releases more heat than the products carry "
                         f"({-duty.min() / 1e6:.3g} {'MW' if rate_basis else 'MJ'} surplus at most)")
        bad = db.out_of_range(products.max(axis=0) > 0, T, margin=25.0)
        if bad:
            notes.append(f"thermo data of {', '.join(bad)} do not reach {T:.0f} K: "
                         "Cantera extrapolates them (polynomials beyond their range, constant-Cp "
                         "entries at their 298 K Cp)")
        return notes
