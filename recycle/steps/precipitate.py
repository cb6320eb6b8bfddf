"""Precipitation from the leachate: mixed Ni/Co/Mn hydroxide with NaOH, then Li2CO3 with Na2CO3.

Stages, in order (reactions in ``chemistry/reactions_hydromet.yaml``):
1. free acid (H2SO4, HCl(aq), H3PO4) neutralised with NaOH (``neutralise.NaOH``);
2. Ni, Co, Mn sulfates or chlorides precipitated as hydroxides, 2 mol NaOH per mol metal
   (``precipitate.hydroxide``), with the share ``hydroxide_recovery``;
3. Li2SO4 and LiCl precipitated as Li2CO3 with soda ash at 90-95 C (``precipitate.carbonate``).
   The Li recovered is ``lithium_recovery`` (a one-pass ceiling: washing, entrainment), but
   never more than the solubility of Li2CO3 in the brine water allows: 1.54, 1.27, 1.01, 0.85, 0.72 g per 100 g water at 0, 25, 50, 75,
   100 C (Seidell, Solubilities of inorganic compounds, 3rd ed. 1940, pp. 909-911, as listed by
   chemister.ru), linear in between, without the salting-out by Na2SO4/NaCl.
Amounts in mol per batch row. NaOH is fed as a solution of ``caustic_concentration`` (its
water joins the brine), Na2CO3 as the solid; both with their excess, which stays in the brine.
Products are counted dry (entrained liquor is not modelled), and other dissolved metals (Al,
Cu, In, Y) are not removed here: they stay in the brine and are named in a note.
"""
from __future__ import annotations

import numpy as np

from .base import Context, Param, Step, StepOutcome, electricity_param, react_in_medium
from .leach import WATER, dissolved_mask, run_reactions

NAOH = "NaOH(a)"
SODA = "Na2CO3(I)"
HYDROXIDES = ("Ni(OH)2(s)", "Co(OH)2(s)", "Mn(OH)2(s)")
LI2CO3 = "Li2CO3(s)"
LI2CO3_SOLUBILITY = (  # (degC, kg Li2CO3 per kg water), Seidell 1940
    (0.0, 0.0154), (25.0, 0.0127), (50.0, 0.0101), (75.0, 0.0085), (100.0, 0.0072))
IMPURITIES = ("CuSO4(s)", "Al2(SO4)3(s)", "CuCl2(s)", "AlCl3(s)", "InCl3(s)", "YCl3(s)", "YBr3(s)",
              "(NH4)2SO4(s)", "NH4CL(a)")


#: The Li salts the soda ash turns into Li2CO3 (reactions tagged precipitate.carbonate), Li atoms
#: per formula; Li as bromide, iodide, perchlorate or borate is not precipitated here.
CARBONATE_LITHIUM = {"Li2SO4(a)": 2, "LiCL(s)": 1}


def carbonate_lithium(db, amounts: np.ndarray) -> np.ndarray:
    """mol of Li per batch row that the soda-ash precipitation can turn into Li2CO3."""
    return sum(n * amounts[:, db.index[s]] for s, n in CARBONATE_LITHIUM.items())


def li2co3_solubility(temperature: float) -> float:
    """Solubility of Li2CO3 in water, kg per kg water, at ``temperature`` (K); Seidell 1940."""
    t, s = zip(*LI2CO3_SOLUBILITY)
    return float(np.interp(temperature - 273.15, t, s))


class Precipitate(Step):
    type = "precipitate"
    summary = "Precipitate mixed Ni/Co/Mn hydroxide (NaOH) and Li2CO3 (Na2CO3, 90-95 C) from a leachate; brine left."
    inlets = ("leachate",)
    outlets = ("hydroxide", "lithium_carbonate", "brine")
    params = (
        Param("caustic_excess", "number", 1.05, "NaOH fed per mol consumed (mol/mol)",
              source="estimate of this project (S): a small surplus holds pH ~11 for the hydroxides"),
        Param("caustic_concentration", "fraction", 0.32, "NaOH mass fraction of the caustic solution fed",
              source="commercial caustic soda grades are 32 % and 50 % (S)", positive=True),
        Param("soda_excess", "number", 1.1, "Na2CO3 fed per mol of Li2CO3 precipitated (mol/mol)",
              source="estimate of this project (S): a carbonate surplus lowers Li2CO3 solubility"),
        Param("hydroxide_recovery", "fraction", 0.995, "share of the dissolved Ni, Co, Mn precipitated",
              source="estimate of this project (S): hydroxides of Ni, Co, Mn are nearly insoluble at pH 11"),
        Param("lithium_recovery", "fraction", 0.90, "largest share of the dissolved Li recovered as Li2CO3 in "
              "one pass (cake washing, entrainment); the Li2CO3 left dissolved in the brine caps it further",
              source="estimate of this project (S); the solubility cap is computed: 0.72-0.85 g Li2CO3 per 100 g "
                     "water at 75-100 C (Seidell 1940)"),
        Param("temperature", "quantity", "95 degC", "Li2CO3 precipitation temperature (heat is evaluated here)", maximum=373.15,
              dimension="temperature", source="Li2CO3 is least soluble hot; plants precipitate at 90-95 C"),
        electricity_param("150 kWh/t"),
    )

    def run(self, inlets, ctx: Context) -> StepOutcome:
        db = ctx.db
        feed = inlets["leachate"]
        own = np.zeros_like(feed)     # what the liquor's other species take from the medium
        amounts, flags = react_in_medium(feed, "caustic_precipitation", self["temperature"], ctx, own, step=self.id)
        amounts, acid = run_reactions(amounts, ctx.reactions_tagged("neutralise.NaOH"), db,
                                      lambda r: 1.0, (NAOH,))
        amounts, metal = run_reactions(amounts, ctx.reactions_tagged("precipitate.hydroxide"), db,
                                       lambda r: self["hydroxide_recovery"], (NAOH,))
        naoh_used = acid[NAOH] + metal[NAOH]
        naoh_fed = naoh_used * self["caustic_excess"]
        w = self["caustic_concentration"]
        caustic_water = naoh_fed * db.molar_mass[db.index[NAOH]] * (1 - w) / w / db.molar_mass[db.index[WATER]]
        amounts[:, db.index[NAOH]] += naoh_fed - naoh_used
        amounts[:, db.index[WATER]] += caustic_water

        hydroxide = np.zeros_like(amounts)
        for name in HYDROXIDES:
            hydroxide[:, db.index[name]] = amounts[:, db.index[name]]
        amounts -= hydroxide

        recovery, capped = self._lithium_recovery(db, amounts)
        amounts, soda = run_reactions(amounts, ctx.reactions_tagged("precipitate.carbonate"), db,
                                      lambda r: recovery, (SODA,))
        soda_fed = soda[SODA] * self["soda_excess"]
        amounts[:, db.index[SODA]] += soda_fed - soda[SODA]
        carbonate = np.zeros_like(amounts)
        carbonate[:, db.index[LI2CO3]] = amounts[:, db.index[LI2CO3]] - feed[:, db.index[LI2CO3]]
        amounts -= carbonate

        reagents = own.copy()
        reagents[:, db.index[NAOH]] += naoh_fed
        reagents[:, db.index[WATER]] += caustic_water
        reagents[:, db.index[SODA]] += soda_fed
        notes = self._notes(db, feed, amounts, capped, recovery)
        per = ctx.per
        quantities = {
            "caustic": (naoh_fed * db.molar_mass[db.index[NAOH]], "kg" + per, "NaOH fed (as 100 %)"),
            "soda_ash": (soda_fed * db.molar_mass[db.index[SODA]], "kg" + per, "Na2CO3 fed"),
            "lithium_recovery": (recovery, "", "share of dissolved Li recovered as Li2CO3"),
        }
        return StepOutcome({"hydroxide": hydroxide, "lithium_carbonate": carbonate, "brine": amounts},
                           reagents, self["temperature"], notes=notes, quantities=quantities,
                           media=("caustic_precipitation",), flags=flags,
                           aqueous_outlets=("brine",), dissolved_reagents=(NAOH, SODA))

    def _lithium_recovery(self, db, amounts):
        """Per batch row: the Li share to precipitate, and whether solubility capped it."""
        potential = carbonate_lithium(db, amounts) / 2 * db.molar_mass[db.index[LI2CO3]]   # kg Li2CO3
        water = amounts[:, db.index[WATER]] * db.molar_mass[db.index[WATER]]  # kg
        dissolved = li2co3_solubility(self["temperature"]) * water
        with np.errstate(divide="ignore", invalid="ignore"):
            limit = np.where(potential > 0, np.clip(1.0 - dissolved / potential, 0.0, 1.0), 1.0)
        recovery = np.minimum(self["lithium_recovery"], limit)
        return recovery, limit < self["lithium_recovery"]

    def _notes(self, db, feed, brine, capped, recovery) -> list[str]:
        notes = []
        if np.any(capped):
            notes.append(f"Li2CO3 solubility in the brine limits Li recovery to {np.min(recovery):.2f}: a more "
                         "concentrated liquor recovers more (step type evaporate once Ni, Co and Mn are out of "
                         "it, as in hydrometallurgy-sulfates; where it is there, a lower evaporate.lithium_loss)")
        left = [n for n in IMPURITIES if brine[:, db.index[n]].max() > 0]
        if left:
            notes.append("not precipitated here, left in the brine (remove Al/Cu/Fe at pH 4-5 first): "
                         + ", ".join(left))
        if any(brine[:, db.index[n]].max() > 0 for n in ("(NH4)2SO4(s)", "NH4CL(a)")):
            notes.append("ammonium in the leachate releases NH3 when NaOH is added (not modelled)")
        if feed[:, db.index["H3PO4(L)"]].max() > 0:
            notes.append("phosphate in the leachate: Li3PO4 may co-precipitate at high pH (not modelled)")
        solids = ~dissolved_mask(db) & ~db.is_gas
        solids[db.index["Li2CO3(s)"]] = False
        if np.any(np.where(solids, feed, 0.0) > 0):
            notes.append("undissolved solids in the leachate pass to the brine: filter first")
        return notes
