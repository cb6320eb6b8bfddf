"""Pyrometallurgical smelting with coke: alloy, slag and off-gas by element routing.

Each element of the feed (plus coke and lime flux) is assigned to one product species, so
every element is conserved exactly; oxygen closes the balance (blown as O2 or air, or left
over as O2 in the off-gas). The routing, in this order:

- alloy metals: Ni, Co, Cu, Fe, Mn, In go to the molten alloy (``X[alloy](L)``) by their
  ``*_to_alloy`` partition, the rest to the slag as NiO, CoO, Cu2O, FeO, MnO, In2O3.
  Ren et al. 2017 (Trans. Nonferrous Met. Soc. China 27, 450): 98.39 % Ni, 98.83 % Co,
  93.57 % Cu into the alloy at 1723 K, 30 min. Danczak et al. 2020 (Batteries 6, 16): Li,
  Mn and La deport predominantly to the slag at all oxygen pressures studied (1300 C).
- halogens and hydrogen: the Li binds P as Li3PO4 (P beyond the Li as P4O10), then F as LiF
  in the slag, then Cl as LiCl, which fumes off with the off-gas (bp 1382 C; Li2O + 2 HCl ->
  2 LiCl + H2O lies far to the right); F beyond the Li takes H as HF, Cl beyond it as HCl;
  F and Cl still left bind Ca as CaF2 and CaCl2 in the slag (lime added for them). No Cl2 or
  F2 forms. H left leaves as H2O; the rest of the Li is Li2O in the slag. The LiCl fume is
  computed as liquid LiCl (Cantera's data), not as vapour: its heat of vaporisation is not
  counted (known limitation).
- slag oxides: Al2O3, La2O3, ZrO2, TiO2, GeO2, Y2O3, B2O3, SiO2, CaO, MgO, Na2O, Ta2O5.
- gases: S -> SO2 (sulfides and S-bearing salts burn off, DOMAIN.md section 4), C (feed,
  polymers and coke) -> CO + CO2 by ``co_fraction``, N -> N2, Ar -> Ar.
- oxygen: blown (O2 or air) where the products need more than the feed brings; oxygen the
  feed brings beyond its products (charged cathodes) first burns CO to CO2, then oxidises the
  alloy metals into the slag, least noble first, so no free O2 leaves beside metal.
Li metal (dead and pulverised Li included) is oxidised: it is fast at these temperatures.

Slag and alloy are ideal solutions of the pure species (see chemistry/species_pyro.yaml).
The step reports its enthalpy duty, H(products at T) - H(feed and reagents at 25 C), in J per
batch (W on a throughput basis); the simulator's duty instead takes the feed at its arrival
temperature and reagents at T. Products whose thermo data stop below T are named in a note.
Partition values are parameters: the choice of this module, rather than a data file, so a
flowsheet states them where it uses them.
"""
from __future__ import annotations

import numpy as np

from ..constants import AIR
from ..errors import InputError
from .base import T_STANDARD, Context, Param, Step, StepOutcome, electricity_param

# element -> (partition parameter, alloy species, slag species when not in the alloy)
ALLOY_METALS = {
    "Ni": ("nickel_to_alloy", "Ni[alloy](L)", "NiO(s)"),
    "Co": ("cobalt_to_alloy", "Co[alloy](L)", "CoO(s)"),
    "Cu": ("copper_to_alloy", "Cu[alloy](L)", "Cu2O[slag](L)"),
    "Fe": ("iron_to_alloy", "Fe[alloy](L)", "FeO[slag](L)"),
    "Mn": ("manganese_to_alloy", "Mn[alloy](L)", "MnO[slag]"),
    "In": ("indium_to_alloy", "In[alloy](L)", "In2O3(s)"),
}
# element -> its oxide in the slag (Li, P, F, Ca are routed separately)
SLAG_OXIDES = {
    "Al": "AL2O3(a)", "La": "La2O3[slag]", "Zr": "ZrO2(a)", "Ti": "TiO2(ru)", "Ge": "GeO2(s)",
    "Y": "Y2O3(s)", "B": "B2O3(L)", "Si": "SiO2(Lqz)", "Mg": "MgO(s)", "Na": "Na2O[slag](L)",
    "Ta": "Ta2O5(s)",
}
ROUTED_SEPARATELY = {"Li", "P", "F", "Cl", "H", "Ca", "S", "C", "N", "Ar", "O"}


class Smelt(Step):
    type = "smelt"
    summary = ("Smelt cells or black mass with coke: Ni/Co/Cu/Fe to alloy, Li/Al/Mn/La/Zr to slag, "
               "S -> SO2, C -> CO/CO2, halides -> HCl/HF; enthalpy duty from Cantera.")
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
        Param("co_fraction", "fraction", 0.5, "CO share of the carbon leaving (mol CO per mol CO + CO2)",
              source="estimate of this project (S): between a reducing bath (CO) and post-combustion (CO2)"),
        Param("oxidant", "choice", "oxygen", "gas blown to close the oxygen balance",
              choices=("oxygen", "air"),
              source="estimate of this project (S): oxygen-enriched blowing as in bath smelting"),
        Param("nickel_to_alloy", "fraction", 0.9839, "share of the Ni into the alloy (rest NiO in slag)",
              source="Ren et al. 2017: 98.39 % Ni recovered at 1723 K"),
        Param("cobalt_to_alloy", "fraction", 0.9883, "share of the Co into the alloy (rest CoO in slag)",
              source="Ren et al. 2017: 98.83 % Co recovered at 1723 K"),
        Param("copper_to_alloy", "fraction", 0.9357, "share of the Cu into the alloy (rest Cu2O in slag)",
              source="Ren et al. 2017: 93.57 % Cu recovered at 1723 K"),
        Param("iron_to_alloy", "fraction", 0.8, "share of the Fe into the alloy (rest FeO in slag)",
              source="estimate of this project (S): Fe splits with the oxygen potential"),
        Param("manganese_to_alloy", "fraction", 0.0, "share of the Mn into the alloy (rest MnO in slag)",
              source="Danczak et al. 2020, Batteries 6, 16: Mn deports predominantly to slag"),
        Param("indium_to_alloy", "fraction", 0.5, "share of the In into the alloy (rest In2O3 in slag)",
              source="estimate of this project (S): no measured partition found; In also fumes"),
        electricity_param("700 kWh/t"),
    )

    def run(self, inlets, ctx: Context) -> StepOutcome:
        db = ctx.db
        feed = inlets["feed"]
        batch = len(feed)
        T = self["temperature"]
        idx = db.index
        feed_mass = db.mass(feed)
        reagents = np.zeros_like(feed)
        reagents[:, idx["C(gr)"]] = self["coke"] * feed_mass / db.molar_mass[idx["C(gr)"]]
        reagents[:, idx["CaO(s)"]] = self["lime"] * feed_mass / db.molar_mass[idx["CaO(s)"]]
        atoms = db.element_totals(feed + reagents)
        present = {e: atoms[:, i] for i, e in enumerate(db.elements)}
        self._check_routes(present)
        zero = np.zeros(batch)

        def el(e):
            return present.get(e, zero)

        products = np.zeros_like(feed)

        def put(species, moles_of_element, element):
            """Add the amount of ``species`` that holds ``moles_of_element`` of ``element``."""
            j = idx[species]
            products[:, j] += moles_of_element / db.element_matrix[db.elements.index(element), j]

        for e, (param, alloy_sp, slag_sp) in ALLOY_METALS.items():
            put(alloy_sp, self[param] * el(e), e)
            put(slag_sp, (1 - self[param]) * el(e), e)

        h, f, cl = el("H").copy(), el("F").copy(), el("Cl").copy()
        li, p = el("Li").copy(), el("P")
        li3po4 = np.minimum(p, li / 3)
        li -= 3 * li3po4
        lif = np.minimum(f, li)           # F binds the Li first (LiF in the slag), as Cl does below
        li -= lif
        f -= lif
        hf = np.minimum(f, h)             # F beyond the Li takes H as HF
        h -= hf
        f -= hf
        put("HF", hf, "F")
        licl = np.minimum(cl, li)         # LiCl fumes off (bp 1382 C): Li2O + 2 HCl -> 2 LiCl + H2O
        li -= licl
        cl -= licl
        hcl = np.minimum(cl, h)
        h -= hcl
        cl -= hcl
        put("Li3PO4(s)", li3po4, "P")
        put("P4O10(s)", p - li3po4, "P")
        put("LiF[slag](L)", lif, "F")
        put("LiCL(s)", licl, "Cl")
        put("HCL", hcl, "Cl")
        put("H2O", h, "H")
        put("Li2O(s)", li, "Li")

        # lime added so that CaF2 and CaCl2 bind the last F and Cl: never Cl2 or F2
        extra_cao = np.maximum((f + cl) / 2 - el("Ca"), 0.0)
        reagents[:, idx["CaO(s)"]] += extra_cao
        put("CaF2(a)", f, "F")
        put("CaCL2(s)", cl, "Cl")
        put("CaO(s)", el("Ca") + extra_cao - (f + cl) / 2, "Ca")

        for e, species in SLAG_OXIDES.items():
            put(species, el(e), e)
        put("SO2", el("S"), "S")
        put("CO", self["co_fraction"] * el("C"), "C")
        put("CO2", (1 - self["co_fraction"]) * el("C"), "C")
        put("N2", el("N"), "N")
        put("Ar", el("Ar"), "Ar")

        o = db.elements.index("O")
        o_short = products @ db.element_matrix[o] - (feed + reagents) @ db.element_matrix[o]
        oxidised = self._use_surplus_oxygen(db, products, np.maximum(-o_short, 0.0))
        o_short = products @ db.element_matrix[o] - (feed + reagents) @ db.element_matrix[o]
        o2_blown = np.maximum(o_short, 0.0) / 2
        products[:, idx["O2"]] += np.maximum(-o_short, 0.0) / 2
        blown = AIR if self["oxidant"] == "air" else {"O2": 1.0}
        from_air = np.zeros_like(reagents)
        for gas, x in blown.items():
            reagents[:, idx[gas]] += o2_blown * x / blown["O2"]
            if self["oxidant"] == "air":
                from_air[:, idx[gas]] += o2_blown * x / blown["O2"]
            if gas != "O2":
                products[:, idx[gas]] += o2_blown * x / blown["O2"]

        is_alloy = np.array([n.endswith("[alloy](L)") for n in db.names])
        alloy = np.where(is_alloy, products, 0.0)
        fume = np.array(db.names) == "LiCL(s)"          # LiCl volatilises and leaves with the off-gas as fume
        off_gas = np.where(db.is_gas | fume, products, 0.0)
        slag = products - alloy - off_gas

        duty = products @ db.enthalpy(T) - (feed + reagents) @ db.enthalpy(T_STANDARD)
        notes = self._notes(db, products, T, el, products[:, idx["LiCL(s)"]], extra_cao, o_short, oxidised,
                            duty, ctx.rate_basis)
        per = ctx.per
        mm = db.molar_mass
        return StepOutcome(
            {"alloy": alloy, "slag": slag, "off_gas": off_gas}, reagents, T, notes=notes, media=("smelter",),
            from_air=from_air,
            utilities={"heat": np.maximum(duty, 0.0)},
            quantities={
                "enthalpy_duty": (duty, "J" + per, "H(products at T) - H(feed, coke, flux, oxidant at 25 C); "
                                  "negative: heat surplus"),
                "coke": (reagents[:, idx["C(gr)"]] * mm[idx["C(gr)"]], "kg" + per, "coke fed (as carbon)"),
                "lime": (reagents[:, idx["CaO(s)"]] * mm[idx["CaO(s)"]], "kg" + per, "CaO flux fed"),
                "oxygen": (o2_blown * mm[idx["O2"]], "kg" + per, "O2 blown (as pure O2, air or not)"),
                "alloy": (db.mass(alloy), "kg" + per, "alloy tapped"),
                "slag": (db.mass(slag), "kg" + per, "slag tapped"),
            })

    def _check_routes(self, present: dict[str, np.ndarray]) -> None:
        routed = set(ALLOY_METALS) | set(SLAG_OXIDES) | ROUTED_SEPARATELY
        missing = sorted(e for e, n in present.items() if e not in routed and np.any(n > 0))
        if missing:
            raise InputError(f"step {self.id}", f"smelt has no product for element(s) {missing}; "
                             f"add them to ALLOY_METALS or SLAG_OXIDES in recycle/steps/smelt.py")

    def _use_surplus_oxygen(self, db, products, surplus):
        """Oxygen the feed brings beyond its products (charged cathodes, oxides) burns CO to CO2,
        then oxidises the alloy metals, least noble first (Ellingham order: Mn, Fe, In, Co, Ni,
        Cu), into the slag: no free O2 leaves beside metal. Returns the metal oxidised, mol."""
        idx = db.index
        surplus = surplus.copy()
        n = np.minimum(products[:, idx["CO"]], surplus)
        products[:, idx["CO"]] -= n
        products[:, idx["CO2"]] += n
        surplus -= n
        oxidised = np.zeros(len(products))
        for e, o_per_metal in (("Mn", 1.0), ("Fe", 1.0), ("In", 1.5), ("Co", 1.0), ("Ni", 1.0), ("Cu", 0.5)):
            _, alloy_sp, slag_sp = ALLOY_METALS[e]
            metal = products[:, idx[alloy_sp]]
            moved = np.minimum(metal, surplus / o_per_metal)
            products[:, idx[alloy_sp]] -= moved
            per = db.element_matrix[db.elements.index(e), idx[slag_sp]]
            products[:, idx[slag_sp]] += moved / per
            surplus -= moved * o_per_metal
            oxidised += moved
        return oxidised

    def _notes(self, db, products, T, el, licl, extra_cao, o_short, oxidised, duty, rate_basis: bool) -> list[str]:
        notes = []
        if np.any(el("S") > 0):
            notes.append("sulfur leaves as SO2 (sulfides burn off, not recovered): scrub the off-gas")
        if np.any(licl > 0):
            notes.append("chloride leaves as LiCl fume (bp 1382 C) with the off-gas, then HCl; caught by the scrubber")
        if np.any(extra_cao > 0):
            notes.append("F and Cl beyond Li and H bound as CaF2 and CaCl2 in the slag: lime added for them")
        if np.any(oxidised > 0):
            notes.append(f"the feed brings more oxygen than the products take: CO burns to CO2 and "
                         f"{oxidised.max():.3g} mol of alloy metal goes to the slag as oxide")
        if np.any(o_short < 0):
            notes.append("the feed holds more oxygen than every product can take: O2 leaves in the off-gas "
                         "(no metal is left in the alloy)")
        if np.any(duty < 0):
            notes.append("autothermal: oxidation releases more heat than the products carry "
                         f"({-duty.min() / 1e6:.3g} {'MW' if rate_basis else 'MJ'} surplus at most)")
        bad = db.out_of_range(products.max(axis=0) > 0, T)
        if bad:
            notes.append(f"thermo data of {', '.join(bad)} do not reach {T:.0f} K: "
                         "Cantera extrapolates them (polynomials beyond their range, constant-Cp "
                         "entries at their 298 K Cp)")
        return notes
