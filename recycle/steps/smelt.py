"""Pyrometallurgical smelting with coke: alloy, slag and off-gas by Gibbs-energy minimisation.

The feed, the coke, the lime flux and the blown oxidant are brought to equilibrium at the bath
temperature with Cantera's multiphase solver (``recycle/multiphase.py``) over the phases of
``chemistry/smelter.yaml``: an ideal gas (with LiCl vapour), an ideal oxide slag, an ideal
Ni-Co-Cu-Fe-Mn-In alloy, molten LiCl and unburnt coke. The equilibrium decides, from the
species' Gibbs energies, how much Ni, Co and Cu reduce into the alloy, what the slag keeps,
which gases leave (CO/CO2, SO2 or H2S, HCl, LiCl) and how much O2 is left: no free O2 sits
beside metal and no Cl2 forms while Li, H or Ca can take the chlorine.

The oxygen potential follows from the coke and the oxidant. The oxidant is metered until the
equilibrium off-gas carbon is ``co_fraction`` CO (regula falsi on the O2 rate, one equilibrium
per try, until the CO share is met to 1e-6 of the CO2 share); without carbon it is metered for the blowing target (``blowing_target`` of
``chemistry/smelter.yaml``: slag oxides, SO2, H2O, alloy metals reduced). Oxygen the feed
brings beyond that (charged cathodes, too little coke) is not removed: a note says so. Lime
is added where F and Cl exceed the Li (less what phosphate takes) and the H, so CaF2 and
CaCl2 can bind them (never Cl2 or F2).
Li metal (dead and pulverised Li included) is oxidised: it is fast at these temperatures.

Published partitions to compare with (docs/methods.md): Ren et al. 2017 (Trans. Nonferrous
Met. Soc. China 27, 450): 98.39 % Ni, 98.83 % Co, 93.57 % Cu into the alloy at 1723 K;
Danczak et al. 2020 (Batteries 6, 16): Li, Mn and La deport predominantly to the slag.

The step reports its enthalpy duty, H(products at T) - H(feed and reagents at 25 C), in J per
batch (W on a throughput basis); the simulator's duty instead takes the feed at its arrival
temperature and reagents at T. Species of the equilibrium whose thermo data stop more than
25 K below T are named in a note. A solver failure is an error naming the step; there is no
fallback model. In a Monte Carlo batch (``Context.batch_equilibria``) the rows' metered
equilibria are solved together from Cantera's metering of reference rows and checked against
Cantera (``_together``; recycle.multiphase.equilibrate_together; docs/methods.md).
"""
from __future__ import annotations

import numpy as np

from ..constants import AIR
from ..errors import InputError
from ..multiphase import P_EQUILIBRIUM, equilibrate, phase_system, representable
from .base import T_STANDARD, Context, Param, Step, StepOutcome, electricity_param, span

SMELTER_FILE = "smelter.yaml"
TRACE = 1e-12     # mol per mol of the row's products: amounts below are solver noise, set to zero
TOGETHER_MIN = 8  # distinct rows from which a batch's equilibria are solved together
REFERENCE_ROUNDS = 4  # at most this many reference rows (one Cantera metering each) per batch
CHECK_AMOUNT = 1e-8   # largest difference from Cantera's equilibrium on a checked row: of the flow
SHARE_TOLERANCE = 1e-6   # the metering stops when the CO share is co_fraction to this share of the CO2 share
CHECK_SHARE = SHARE_TOLERANCE   # a checked row meets co_fraction to this share of its CO2 share


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
              source="Ma et al. 2024 (Nat. Commun.), pyro route 0.026 kg coke/kg (as quoted, U until read)"),
        Param("lime", "fraction", 0.0, "CaO flux fed per kg of feed (kg/kg)",
              source="estimate of this project (S): slag formers are optional here; Ren 2017 used "
                     "copper slag at 4:1, not modelled"),
        Param("co_fraction", "fraction", 0.9, "CO share of the off-gas carbon at equilibrium (mol CO per mol "
              "CO + CO2): the oxidant is metered until it is reached, which sets the bath's oxygen potential",
              source="estimate of this project (S): a reducing bath (pO2 about 1e-10 atm at 1723 K), "
                     "post-combustion above it. The ideal-solution equilibrium then recovers 99.4 % of the Ni and "
                     "96.3 % of the Co of LPSCL-NCM811 cells, against 98.39 % and 98.83 % in Ren et al. 2017 "
                     "(tests/test_smelt.py)"),
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

        blown = AIR if self["oxidant"] == "air" else {"O2": 1.0}
        per_o2 = np.zeros(db.n_species)                     # what 1 mol of O2 blown brings, mol
        for gas, x in blown.items():
            per_o2[idx[gas]] = x / blown["O2"]
        base = db.element_totals(feed + reagents)
        per_o2_atoms = db.element_totals(per_o2)
        guess = np.maximum(self._oxygen_target(data, db, el, self["co_fraction"]) - el("O"), 0.0) / 2
        reducing = np.maximum(self._oxygen_target(data, db, el, 1.0) - el("O"), 0.0) / 2    # every C to CO
        may_blow = np.any((guess > 0) | (el("C") > 0))
        present = {e for e, n in zip(db.elements, base.max(axis=0) + may_blow * per_o2_atoms) if n > 0}
        system = phase_system(db, data["phases"], T, present, f"chemistry/{SMELTER_FILE}")
        o2_blown = np.zeros(len(feed))
        products = np.zeros_like(feed)
        co_fraction = np.broadcast_to(self["co_fraction"], (len(feed),))     # one per row on a Monte Carlo batch
        solved, together_note = {}, None
        if ctx.batch_equilibria:
            solved, together_note = self._together(system, db, base, per_o2_atoms, guess, reducing, el("C"), where,
                                                   co_fraction)
        for row in range(len(feed)):
            if not base[row].any():
                continue
            key = (base[row].tobytes(), float(co_fraction[row]))
            if key not in solved:                            # expected and worst case often share the smelter feed
                solved[key] = self._meter_oxidant(system, db, base[row], per_o2_atoms, guess[row], reducing[row],
                                                  el("C")[row], where, float(co_fraction[row]))
            o2_blown[row], moles = solved[key]
            np.add.at(products[row], system.db_index, moles)
        reagents += o2_blown[:, None] * per_o2
        from_air = o2_blown[:, None] * per_o2 if self["oxidant"] == "air" else np.zeros_like(reagents)
        atoms = db.element_totals(feed + reagents)

        port = {p: np.zeros(db.n_species, dtype=bool) for p in self.outlets}
        for name, spec in data["phases"].items():
            for species in spec["species"]:
                port[data["outlets"][name]][idx[species]] = True
        outlets = {p: np.where(mask, products, 0.0) for p, mask in port.items()}

        duty = products @ db.enthalpy(T) - (feed + reagents) @ db.enthalpy(T_STANDARD)
        recovery = self._recoveries(db, outlets["alloy"], atoms, data["phases"]["alloy"]["species"])
        reduced = products[:, idx["CO"]] + products[:, idx["C(gr)"]]
        carbon_out = reduced + products[:, idx["CO2"]]
        co_share = np.divide(reduced, carbon_out, out=np.full(len(feed), np.nan), where=carbon_out > 0)
        gas_moles = outlets["off_gas"][:, db.is_gas].sum(axis=1)
        p_o2 = np.divide(products[:, idx["O2"]], gas_moles, out=np.zeros(len(feed)), where=gas_moles > 0) \
            * P_EQUILIBRIUM / 1e5                                                            # bar
        notes = self._notes(db, products, T, el, extra_cao, recovery, p_o2, duty, ctx.rate_basis)
        notes += [together_note] if together_note else []
        carbon_fed = atoms[:, db.elements.index("C")]
        if np.any((carbon_out <= 0) & (carbon_fed > 0)):
            notes.append("no CO, CO2 or graphite at equilibrium: the off-gas carbon is bound otherwise (COS with "
                         "the sulfur); co_share is undefined (NaN) there (raise coke)")
        if np.any(co_share < self["co_fraction"] - 1e-3):
            blown_note = ("with nothing blown" if not np.any(o2_blown > 0) else
                          "with only the O2 the slag oxides need blown")
            notes.append(f"the feed brings more oxygen than the coke can take: the off-gas carbon is "
                         f"{np.nanmin(co_share):.2f} CO, not the co_fraction {span(self['co_fraction'], 'g')}, {blown_note} "
                         "(raise coke for a more reducing bath)")
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
            "co_share": (co_share, "", "CO share of the off-gas carbon at equilibrium (target: co_fraction)"),
        }
        for metal, share in recovery.items():
            quantities[f"{metal}_to_alloy"] = (share, "", f"share of the feed's {metal} reduced into the alloy")
        return StepOutcome(outlets, reagents, T, notes=notes, media=("smelter",), from_air=from_air,
                           utilities={"heat": np.maximum(duty, 0.0)}, quantities=quantities)

    def _meter_oxidant(self, system, db, base, per_o2, guess, reducing, carbon, where, co_fraction):
        """O2 to blow (mol) so that the equilibrium off-gas carbon is ``co_fraction`` CO (this sets
        the bath's oxygen potential), and the equilibrium moles then. ``reducing``: the O2 of the
        blowing target with all carbon to CO, a composition the phases can always hold. Without
        carbon the blowing target ``guess`` is blown. Regula falsi (Illinois) on the CO share,
        which falls as O2 rises; below the least O2 the phases can hold, the most reducing
        feasible bath is taken. ``co_fraction``: the row's (the step's, or a sample's)."""
        k = {db.names[i]: n for n, i in enumerate(system.db_index)}

        def elements(o2):
            return dict(zip(db.elements, base + o2 * per_o2))

        def solve(o2):
            moles = equilibrate(system, elements(o2), where)
            moles[moles < TRACE * moles.sum()] = 0.0
            return moles

        def excess(moles):
            reduced = sum(moles[k[n]] for n in ("CO", "C(gr)") if n in k)
            total = reduced + (moles[k["CO2"]] if "CO2" in k else 0.0)
            return (reduced / total if total > 0 else 1.0) - co_fraction

        if carbon <= 0 or co_fraction < 1e-3:          # nothing to meter on: blow the target
            return guess, solve(guess)
        lo, moles_lo = reducing, solve(reducing)
        f_lo = excess(moles_lo)
        if f_lo > 0:                                          # bracket from above
            hi = lo + carbon
            moles_hi = solve(hi)
            f_hi = excess(moles_hi)
            for _ in range(60):
                if f_hi <= 0:
                    break
                hi = 2 * hi
                moles_hi = solve(hi)
                f_hi = excess(moles_hi)
        else:                                                 # less O2 than the target: find the least feasible
            hi, f_hi = lo, f_lo
            low, high = 0.0, lo
            if representable(system, elements(0.0)):
                high = 0.0
            else:
                for _ in range(50):
                    mid = (low + high) / 2
                    low, high = (low, mid) if representable(system, elements(mid)) else (mid, high)
            lo = high
            moles_lo = solve(lo)
            f_lo = excess(moles_lo)
            if f_lo <= 0:
                return lo, moles_lo                           # as reducing as the feed allows
        side = 0
        for _ in range(60):
            o2 = (lo * f_hi - hi * f_lo) / (f_hi - f_lo)
            moles = solve(o2)
            f = excess(moles)
            if abs(f) < SHARE_TOLERANCE * max(1.0 - co_fraction, 1e-6) or hi - lo < 1e-12 * (hi + carbon):
                return o2, moles
            if f > 0:
                lo, f_lo = o2, f
                if side == 1:
                    f_hi /= 2
                side = 1
            else:
                hi, f_hi = o2, f
                if side == -1:
                    f_lo /= 2
                side = -1
        raise InputError(where, f"no oxidant rate gives the CO share {co_fraction} of the off-gas carbon")

    def _together(self, system, db, base, per_o2, guess, reducing, carbon, where, co_fraction):
        """The metered equilibria of a Monte Carlo batch's distinct rows solved together
        (recycle.multiphase.equilibrate_together) where the oxidant is metered to the CO share
        (carbon fed, co_fraction between 1e-3 and 1 - 1e-6). Returns ({row key: (O2 blown,
        moles)}, note).

        In rounds (at most REFERENCE_ROUNDS): Cantera meters the middle row still open, and the
        open rows are solved together from it; a row is taken where the solution holds (the
        reference's phases, a root of the metering). The CO share falls as the O2 rises, so a
        row's root is the one the regula falsi finds; a row with no root (its bath as reducing
        as its feed allows) is never taken. Rows still open (fewer than TOGETHER_MIN, or after
        the last round) are metered by Cantera in run. In each round the first and the last row
        taken are checked: Cantera's equilibrium at the O2 found must equal the row to
        CHECK_AMOUNT of the flow and meet co_fraction to CHECK_SHARE (the regula falsi's own
        tolerance); otherwise that round's rows are left to Cantera (said in the note)."""
        from ..multiphase import equilibrate_together

        keys, open_rows = set(), []
        for row in range(len(base)):
            key = (base[row].tobytes(), float(co_fraction[row]))
            if (key not in keys and base[row].any() and carbon[row] > 0
                    and 1e-3 <= co_fraction[row] <= 1.0 - 1e-6):
                keys.add(key)
                open_rows.append(row)
        rows = np.array(open_rows, dtype=int)
        e = [db.elements.index(x) for x in system.elements]
        names = [db.names[i] for i in system.db_index]
        carbon_k = [names.index(n) for n in ("CO", "C(gr)", "CO2") if n in names]
        solved, rounds, refused, metered = {}, 0, [], 0      # metered: references kept as Cantera metered them
        worst_n = worst_share = 0.0
        total = len(rows)
        while len(rows) >= TOGETHER_MIN and rounds < REFERENCE_ROUNDS:
            rounds += 1
            weight = np.zeros((len(rows), len(names)))
            phi = co_fraction[rows]
            for name in ("CO", "C(gr)"):
                if name in names:
                    weight[:, names.index(name)] = 1.0 - phi
            if "CO2" in names:
                weight[:, names.index("CO2")] = -phi
            mid = len(rows) // 2
            ref = rows[mid]
            o2_ref, moles_ref = self._meter_oxidant(system, db, base[ref], per_o2, guess[ref], reducing[ref],
                                                    carbon[ref], where, float(co_fraction[ref]))
            if abs(weight[mid] @ moles_ref) > 1e-5 * moles_ref.sum():
                # the reference's bath is as reducing as its feed allows (no CO share to meet):
                # its own metering is the answer; the next round takes another reference
                solved[(base[ref].tobytes(), float(co_fraction[ref]))] = (float(o2_ref), moles_ref)
                metered += 1
                rows = np.delete(rows, mid)
                continue
            moles, o2, valid = equilibrate_together(system, base[np.ix_(rows, e)], moles_ref, feed=per_o2[e],
                                                    start_feed=o2_ref, constraint=weight)
            moles[moles < TRACE * moles.sum(axis=1, keepdims=True)] = 0.0
            ok = np.flatnonzero(valid)
            if not len(ok):          # nothing solved from it: the reference keeps its own metering
                solved[(base[ref].tobytes(), float(co_fraction[ref]))] = (float(o2_ref), moles_ref)
                metered += 1
                rows = np.delete(rows, mid)
                continue
            round_n = round_share = 0.0
            for i in {int(ok[0]), int(ok[-1])} - {mid}:
                # Cantera's equilibrium at the O2 found, and its CO share against co_fraction
                moles_c = equilibrate(system, dict(zip(db.elements, base[rows[i]] + o2[i] * per_o2)), where)
                moles_c[moles_c < TRACE * moles_c.sum()] = 0.0
                round_n = max(round_n, float(np.abs(moles[i] - moles_c).max() / moles_c.sum()))
                share_error = abs(weight[i] @ moles_c) / max(float(moles_c[carbon_k].sum()), 1e-300)   # CO share - phi
                round_share = max(round_share, share_error / max(1.0 - float(co_fraction[rows[i]]), 1e-6))
            if round_n > CHECK_AMOUNT or round_share > CHECK_SHARE:
                refused.append(f"{len(ok)} rows of round {rounds} differed from Cantera by {round_n:.1e} of the "
                               f"flow or {round_share:.1e} of the CO2 share in the CO share on a checked row: solved by "
                               "Cantera")
                break
            worst_n, worst_share = max(worst_n, round_n), max(worst_share, round_share)
            for i in ok:
                solved[(base[rows[i]].tobytes(), float(co_fraction[rows[i]]))] = (float(o2[i]), moles[i])
            rows = rows[~valid]
        if total < TOGETHER_MIN:
            return solved, None
        together = len(solved) - metered
        note = (f"smelter equilibria of {together} of {total} rows solved together from Cantera's metered "
                f"solution of one row in each of {rounds} round(s) (recycle.multiphase.equilibrate_together; "
                f"the other {total - together} metered by Cantera"
                + (f", {metered} of them references nothing could be solved from" if metered else "") + ")"
                + (f"; checked on two rows per round: Cantera's equilibrium at the O2 found differs by at most "
                   f"{worst_n:.1e} of the flow and meets the CO share to {worst_share:.1e} of the CO2 share"
                   if together else ""))
        return solved, "; ".join([note, *refused])

    def _elements(self, db, amounts):
        """A lookup element -> moles per batch row (zeros for an absent element)."""
        atoms = db.element_totals(amounts)
        zero = np.zeros(len(amounts))
        return lambda e: atoms[:, db.elements.index(e)] if e in db.elements else zero

    def _oxygen_target(self, data, db, el, co_fraction: float) -> np.ndarray:
        """O atoms (mol) the blowing target holds: chemistry/smelter.yaml blowing_target, carbon
        to CO and CO2 at ``co_fraction``."""
        per_atom = data["blowing_target"]["oxygen_per_atom"]
        present = [e for e in db.elements if e not in ("O", "C") and np.any(el(e) > 0)]
        missing = sorted(e for e in present if e not in per_atom)
        if missing:
            raise InputError(f"chemistry/{SMELTER_FILE}: blowing_target.oxygen_per_atom",
                             f"no oxidation target for element(s) {missing} fed to step {self.id}")
        target = sum(per_atom[e] * el(e) for e in present)
        return target + (2.0 - co_fraction) * el("C")

    @staticmethod
    def _recoveries(db, alloy, atoms, alloy_species) -> dict[str, np.ndarray]:
        """Share of each metal the alloy phase of chemistry/smelter.yaml can hold that reports to
        the alloy."""
        in_alloy = db.element_totals(alloy)
        out = {}
        for species in alloy_species:
            for metal in db.cantera_species[db.index[species]].composition:
                e = db.elements.index(metal)
                if np.any(atoms[:, e] > 0):
                    out[metal] = np.divide(in_alloy[:, e], atoms[:, e], out=np.zeros(len(alloy)), where=atoms[:, e] > 0)
        return out

    def _notes(self, db, products, T, el, extra_cao, recovery, p_o2, duty, rate_basis: bool) -> list[str]:
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
                         "costs most (raise " + ("co_fraction or " if np.min(self["co_fraction"]) < 1 else "")
                         + "coke for a more reducing bath)")
        if np.any(duty < 0):
            notes.append("autothermal: oxidation releases more heat than the products carry "
                         f"({-duty.min() / 1e6:.3g} {'MW' if rate_basis else 'MJ'} surplus at most)")
        bad = db.out_of_range(products.max(axis=0) > 0, T, margin=25.0)
        if bad:
            notes.append(f"thermo data of {', '.join(bad)} do not reach {T:.0f} K: "
                         "Cantera extrapolates them (polynomials beyond their range, constant-Cp "
                         "entries at their 298 K Cp)")
        return notes
